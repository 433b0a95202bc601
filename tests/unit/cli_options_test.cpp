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
  EXPECT_EQ(o.shapes.at("a"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(o.dtypes.at("b"), "int64");
  EXPECT_EQ(o.dynamic_axes.at("a").size(), 2u);
  EXPECT_FALSE(o.export_params);
  EXPECT_FALSE(o.constant_folding);
  EXPECT_EQ(out.command_line.verbosity, Verbosity::kQuiet);
}

TEST(CliOptions, Errors) {
  EXPECT_THROW(parse({"m.pt"}), Error);          // no -o
  EXPECT_THROW(parse({"-o", "x.onnx"}), Error);  // no model
  EXPECT_THROW(parse({"m.pt", "-o", "x.onnx", "--opset", "8"}), Error);
  EXPECT_THROW(parse({"m.pt", "-o", "x.onnx", "--opset", "18"}), Error);
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
