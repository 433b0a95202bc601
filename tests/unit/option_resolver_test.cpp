#include "convert/option_resolver.h"

#include <gtest/gtest.h>

#include <string>

#include "pt2onnx/error.h"

namespace pt2onnx::convert {
namespace {

c10::TypePtr tensor() { return c10::TensorType::get(); }
c10::TypePtr optional_tensor() { return c10::OptionalType::create(c10::TensorType::get()); }

// forward(x, mask: Optional[Tensor] = None, flag: Optional[Tensor] = None)
std::vector<SignatureArgument> x_mask_flag() {
  return {
      {"x", tensor(), false}, {"mask", optional_tensor(), true}, {"flag", optional_tensor(), true}};
}

// forward(x, pair: Tuple[Tensor, Tensor], n: int = 3)
std::vector<SignatureArgument> x_pair_n() {
  return {{"x", tensor(), false},
          {"pair", c10::TupleType::create({tensor(), tensor()}), false},
          {"n", c10::IntType::get(), true}};
}

// The error `resolve_options` throws; fails the test when there is none.
Error error_of(const std::vector<SignatureArgument>& signature, const ExportOptions& options) {
  try {
    resolve_options(signature, options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(DiagCode::kInternal, "");
}

// Both occurrences of a contradiction are named.
void expect_names(const Error& e, const std::vector<std::string>& needles) {
  for (const auto& n : needles)
    EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << n << " in: " << e.what();
}

std::vector<std::string> names(const ResolvedOptions& r) {
  std::vector<std::string> out;
  for (const auto& input : r.inputs) out.push_back(input.name);
  return out;
}

TEST(OptionResolver, DefaultsAreBoundUnlessNamed) {
  ExportOptions o;
  const auto r = resolve_options(x_mask_flag(), o);
  EXPECT_EQ(r.keep_argument, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(names(r), (std::vector<std::string>{"x"}));
}

TEST(OptionResolver, IndexCountsTheOriginalSignature) {
  ExportOptions o;
  o.shapes = {{"2", {2, 3}}};
  const auto r = resolve_options(x_mask_flag(), o);
  EXPECT_EQ(r.keep_argument, (std::vector<bool>{true, false, true}));
  ASSERT_EQ(names(r), (std::vector<std::string>{"x", "flag"}));
  EXPECT_EQ(r.inputs[1].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_FALSE(r.inputs[0].shape.has_value());
}

TEST(OptionResolver, EveryRouteNamesTheSameInput) {
  ExportOptions o;
  o.input_names = {"image", "left", "right"};
  o.shapes = {{"image", {1, 3}}, {"pair.1", {4}}};
  o.dtypes = {{"left", DType::kInt64}, {"0", DType::kFloat16}};
  o.dynamic_axes = {{"x", {{0, "batch"}}}, {"right", {{0, ""}}}};
  const auto r = resolve_options(x_pair_n(), o);
  ASSERT_EQ(names(r), (std::vector<std::string>{"image", "left", "right"}));
  EXPECT_EQ(r.inputs[0].original, "x");
  EXPECT_EQ(r.inputs[1].original, "pair.0");
  EXPECT_EQ(r.inputs[0].dtype, DType::kFloat16);
  EXPECT_EQ(r.inputs[1].dtype, DType::kInt64);
  EXPECT_EQ(r.inputs[2].shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(r.inputs[0].dynamic.at(0), "batch");
  EXPECT_EQ(r.inputs[2].dynamic.at(0), "right_dynamic_axes_1");
  EXPECT_EQ(r.symbol_sizes.at("batch"), 1);
  EXPECT_EQ(r.symbol_sizes.at("right_dynamic_axes_1"), 4);
}

TEST(OptionResolver, UnknownKeysListTheValidNames) {
  ExportOptions o;
  o.shapes = {{"nosuch", {2}}};
  Error e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.code(), DiagCode::kUnknownOptionKey);
  EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  expect_names(e, {"nosuch", "x", "mask", "flag"});
  o.shapes = {{"3", {2}}};  // past the signature
  EXPECT_EQ(error_of(x_mask_flag(), o).code(), DiagCode::kUnknownOptionKey);
}

TEST(OptionResolver, DynamicKeysThatNameNoInputAreOutputs) {
  ExportOptions o;
  o.dynamic_axes = {{"logits", {{0, "batch"}}}};
  const auto r = resolve_options(x_mask_flag(), o);
  ASSERT_EQ(r.output_dynamic.size(), 1u);
  EXPECT_EQ(r.output_dynamic[0].key, "logits");
  EXPECT_EQ(r.keep_argument, (std::vector<bool>{true, false, false}));
}

TEST(OptionResolver, SameKeyTwiceWithDifferentShapes) {
  ExportOptions o;
  o.shapes = {{"x", {1, 3}}, {"x", {2, 3}}};
  Error e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  expect_names(e, {"--shape x:1x3", "--shape x:2x3"});
  o.shapes = {{"x", {1, 3}}, {"x", {1, 3}}};  // an identical repeat is fine
  EXPECT_EQ(resolve_options(x_mask_flag(), o).inputs[0].shape, (std::vector<int64_t>{1, 3}));
}

TEST(OptionResolver, OneInputNamedTwoWaysWithDifferentValues) {
  ExportOptions o;
  o.input_names = {"image"};
  o.shapes = {{"x", {1, 3}}, {"0", {2, 3}}};
  Error e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  expect_names(e, {"--shape x:1x3", "--shape 0:2x3"});

  o.shapes = {{"image", {1, 3}}, {"x", {1, 3}}};
  o.dtypes = {{"image", DType::kInt64}, {"0", DType::kInt32}};
  e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  expect_names(e, {"--dtype image:int64", "--dtype 0:int32"});
}

TEST(OptionResolver, OneAxisTwoSymbols) {
  ExportOptions o;
  o.dynamic_axes = {{"x", {{0, "a"}}}, {"0", {{0, "b"}}}};
  Error e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  expect_names(e, {"--dynamic x:0=a", "--dynamic 0:0=b"});
  // A generated symbol gives way to a named one; repeats merge.
  o.dynamic_axes = {{"x", {{0, ""}, {1, ""}}}, {"x", {{0, "batch"}}}};
  const auto r = resolve_options(x_mask_flag(), o);
  EXPECT_EQ(r.inputs[0].dynamic.at(0), "batch");
  EXPECT_EQ(r.inputs[0].dynamic.at(1), "x_dynamic_axes_2");
}

TEST(OptionResolver, RenamesThatClash) {
  ExportOptions o;
  o.input_names = {"pair.1"};  // x renamed to the name pair.1 keeps
  Error e = error_of(x_pair_n(), o);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  expect_names(e, {"'x'", "'pair.1'"});

  // forward(a, b) --input-names b,a --shape a:...: the argument a or the renamed b?
  const std::vector<SignatureArgument> ab = {{"a", tensor(), false}, {"b", tensor(), false}};
  o.input_names = {"b", "a"};
  o.shapes = {{"a", {2}}};
  EXPECT_EQ(error_of(ab, o).code(), DiagCode::kOptionConflict);
}

TEST(OptionResolver, TooManyInputNames) {
  ExportOptions o;
  o.input_names = {"a", "b"};
  Error e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  expect_names(e, {"has 1 inputs"});
}

TEST(OptionResolver, DynamicAxisOutsideTheShape) {
  ExportOptions o;
  o.shapes = {{"x", {1, 3}}};
  o.dynamic_axes = {{"x", {{2, ""}}}};
  Error e = error_of(x_mask_flag(), o);
  EXPECT_EQ(e.code(), DiagCode::kOptionConflict);
  expect_names(e, {"--dynamic x:2", "--shape x:1x3"});
}

TEST(OptionResolver, NegativeSizesAreBadOptions) {
  ExportOptions o;
  o.shapes = {{"x", {-1, 3}}};
  EXPECT_EQ(error_of(x_mask_flag(), o).code(), DiagCode::kBadOption);
}

TEST(OptionResolver, OptionsThatContradictTheArgumentType) {
  ExportOptions o;
  o.shapes = {{"pair", {2}}};  // a tuple: its elements are the inputs
  Error e = error_of(x_pair_n(), o);
  EXPECT_EQ(e.code(), DiagCode::kBadInputSpec);
  expect_names(e, {"pair.0", "pair.1"});
  o.shapes = {{"n", {2, 2}}};  // an int is 0-d
  EXPECT_EQ(error_of(x_pair_n(), o).code(), DiagCode::kBadInputSpec);
  o.shapes = {};
  o.dtypes = {{"n", DType::kFloat32}};
  EXPECT_EQ(error_of(x_pair_n(), o).code(), DiagCode::kBadInputSpec);
  o.dtypes = {{"n", DType::kInt64}};  // keeps n as an input
  const auto r = resolve_options(x_pair_n(), o);
  EXPECT_EQ(names(r), (std::vector<std::string>{"x", "pair.0", "pair.1", "n"}));
}

TEST(OptionResolver, SpellsOccurrences) {
  EXPECT_EQ(spell(ShapeOption{"x", {1, 3}}), "--shape x:1x3");
  EXPECT_EQ(spell(ShapeOption{"x", {}}), "--shape x:scalar");
  EXPECT_EQ(spell(DTypeOption{"1", DType::kUInt8}), "--dtype 1:uint8");
  EXPECT_EQ(spell(DynamicOption{"x", {{0, "b"}, {2, ""}}}), "--dynamic x:0=b,2");
}

}  // namespace
}  // namespace pt2onnx::convert
