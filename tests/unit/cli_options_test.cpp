#include <gtest/gtest.h>

#include "cli_options.h"
#include "pt2onnx/error.h"

namespace pt2onnx::cli {
namespace {

ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "pt2onnx");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CliOptions, Shape) {
  auto [name, dims] = parse_shape("in:1x3x224x224");
  EXPECT_EQ(name, "in");
  EXPECT_EQ(dims, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_EQ(parse_shape("0:5").second, (std::vector<int64_t>{5}));
  EXPECT_TRUE(parse_shape("x:scalar").second.empty());
  EXPECT_THROW(parse_shape("in"), Error);
  EXPECT_THROW(parse_shape("in:1xa"), Error);
  EXPECT_THROW(parse_shape("in:1x-2"), Error);
}

TEST(CliOptions, EmptyAxesAreTakenNegativeSizesAreBadOptions) {
  EXPECT_EQ(parse_shape("x:2x0x3").second, (std::vector<int64_t>{2, 0, 3}));
  for (const char* text : {"x:-1x3x16x16", "x:1x-2", "x:-5"}) {
    try {
      parse_shape(text);
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), DiagCode::kBadOption) << text;
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  }
}

TEST(CliOptions, DTypes) {
  EXPECT_EQ(parse_dtype_option("x:int16").second, DType::kInt16);
  EXPECT_EQ(parse_dtype_option("x:bfloat16").second, DType::kBFloat16);
  EXPECT_EQ(parse_dtype_option("x:long").second, DType::kInt64);
  for (DType d : {DType::kFloat32, DType::kFloat16, DType::kBFloat16, DType::kFloat64, DType::kInt8,
                  DType::kInt16, DType::kInt32, DType::kInt64, DType::kUInt8, DType::kBool}) {
    EXPECT_EQ(dtype_from_name(dtype_name(d)), d);
  }
  try {
    parse_dtype_option("x:complex64");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), DiagCode::kBadOption);
  }
}

DiagCode code_of(std::vector<const char*> args) {
  args.insert(args.begin(), {"pt2onnx", "m.pt", "-o", "m.onnx"});
  try {
    parse_command_line(static_cast<int>(args.size()), args.data());
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage) << e.what();
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return DiagCode::kInternal;
}

TEST(CliOptions, ContradictionsOnOneCommandLine) {
  EXPECT_EQ(code_of({"--dynamic", "x:0=a,0=b"}), DiagCode::kOptionConflict);
  EXPECT_EQ(code_of({"--input-names", "a,a"}), DiagCode::kOptionConflict);
  EXPECT_EQ(code_of({"--output-names", "s,s,t"}), DiagCode::kOptionConflict);
  EXPECT_EQ(code_of({"--input-names", "a", "--output-names", "a"}), DiagCode::kOptionConflict);
  // Identical repeats are harmless.
  EXPECT_EQ(parse_dynamic("x:0=a,0=a").second.size(), 1u);
}

TEST(CliOptions, PlainRangeMessages) {
  for (const char* jobs : {"0", "-3"}) {
    std::vector<const char*> args = {"pt2onnx", "a.pt", "b.pt", "-o", "d", "-j", jobs};
    try {
      parse_command_line(static_cast<int>(args.size()), args.data());
      ADD_FAILURE() << jobs;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), DiagCode::kBadOption);
      EXPECT_EQ(std::string(e.what()), "-j must be at least 1");
    }
  }
  EXPECT_EQ(code_of({"--opset", "abc"}), DiagCode::kBadOption);
  EXPECT_EQ(code_of({"--opset", "4294967305"}), DiagCode::kOpsetOutOfRange);
  EXPECT_EQ(parse({"m.pt", "-o", "m.onnx", "--opset", "11"}).command_line.options.opset, 11);
}

TEST(CliOptions, Dynamic) {
  auto [name, axes] = parse_dynamic("in:0=batch,2");
  EXPECT_EQ(name, "in");
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_EQ(axes[0].axis, 0);
  EXPECT_EQ(axes[0].symbol, "batch");
  EXPECT_EQ(axes[1].axis, 2);
  EXPECT_EQ(axes[1].symbol, "");
  EXPECT_THROW(parse_dynamic("in:"), Error);
  EXPECT_THROW(parse_dynamic("in:x"), Error);
  EXPECT_THROW(parse_dynamic("in:0="), Error);
}

TEST(CliOptions, FullCommandLine) {
  auto out = parse({"m.pt", "-o", "m.onnx", "--opset", "11", "--input-names", "a,b", "--shape",
                    "a:1x2", "--dtype", "b:int64", "--dynamic", "a:0", "--dynamic", "a:1=w",
                    "--no-params", "--no-fold", "-q"});
  ASSERT_FALSE(out.exit_now);
  const auto& o = out.command_line.options;
  EXPECT_EQ(o.model_path, "m.pt");
  EXPECT_EQ(o.output_path, "m.onnx");
  EXPECT_EQ(o.opset, 11);
  EXPECT_EQ(o.input_names, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(o.shapes.size(), 1u);
  EXPECT_EQ(o.shapes[0].key, "a");
  EXPECT_EQ(o.shapes[0].dims, (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(o.dtypes.size(), 1u);
  EXPECT_EQ(o.dtypes[0].dtype, DType::kInt64);
  ASSERT_EQ(o.dynamic_axes.size(), 2u);  // one per occurrence; the resolver merges them
  EXPECT_FALSE(o.export_params);
  EXPECT_FALSE(o.constant_folding);
  EXPECT_EQ(out.command_line.verbosity, Verbosity::kQuiet);
}

TEST(CliOptions, Errors) {
  EXPECT_THROW(parse({"m.pt"}), Error);          // no -o
  EXPECT_THROW(parse({"-o", "x.onnx"}), Error);  // no model
  EXPECT_THROW(parse({"m.pt", "-o", "x.onnx", "--opset", "8"}), Error);
  EXPECT_THROW(parse({"m.pt", "-o", "x.onnx", "--opset", "22"}), Error);  // past the tables
  EXPECT_THROW(parse({"m.pt", "-o", "x.onnx", "--frobnicate"}), Error);
  EXPECT_THROW(parse({"m.pt", "-o", "x.onnx", "-v", "-q"}), Error);
  try {
    parse({"m.pt", "-o", "x.onnx", "--opset", "99"});
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(CliOptions, ListOpsNeedsNoModel) {
  auto out = parse({"--list-ops"});
  EXPECT_TRUE(out.command_line.list_ops);
  EXPECT_EQ(out.command_line.options.opset, 0);
}

}  // namespace
}  // namespace pt2onnx::cli
