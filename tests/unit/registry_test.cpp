#include <gtest/gtest.h>

#include "pt2onnx/error.h"
#include "pt2onnx/options.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {
namespace {

Outputs fn_a(SymbolicContext&, const torch::jit::Node&) { return {}; }
Outputs fn_b(SymbolicContext&, const torch::jit::Node&) { return {}; }
Outputs fn_c(SymbolicContext&, const torch::jit::Node&) { return {}; }

OpsetRegistry sample() {
  OpsetRegistry r(9, 17);
  r.table(9).add("aten::softmax", fn_a);
  r.table(13).add("aten::softmax", fn_b);
  r.table(9).add("aten::div", fn_a);
  r.table(9).add("aten::div.Tensor_mode", fn_c);
  r.table(11).add("aten::upsample_bicubic2d", fn_a);
  r.table(9).add("aten::foo", fn_a);
  r.table(12).unsupported("aten::foo", "Foo was removed");
  return r;
}

TEST(Registry, LaterOpsetOverridesEarlier) {
  const auto r = sample();
  EXPECT_EQ(r.resolve(9).find("aten::softmax", ""), &fn_a);
  EXPECT_EQ(r.resolve(12).find("aten::softmax", ""), &fn_a);
  EXPECT_EQ(r.resolve(13).find("aten::softmax", ""), &fn_b);
  EXPECT_EQ(r.resolve(17).find("aten::softmax", ""), &fn_b);
}

TEST(Registry, OverloadKeyIsTriedFirst) {
  const auto t = sample().resolve(17);
  EXPECT_EQ(t.find("aten::div", "Tensor_mode"), &fn_c);
  EXPECT_EQ(t.find("aten::div", "Tensor"), &fn_a);
  EXPECT_EQ(t.find("aten::div", ""), &fn_a);
}

TEST(Registry, OpsFromALaterOpsetAreAbsentBelowIt) {
  const auto r = sample();
  EXPECT_EQ(r.resolve(10).find("aten::upsample_bicubic2d", ""), nullptr);
  EXPECT_EQ(r.resolve(11).find("aten::upsample_bicubic2d", ""), &fn_a);
  EXPECT_EQ(r.first_opset_supporting("aten::upsample_bicubic2d"), 11);
  EXPECT_EQ(r.first_opset_supporting("aten::softmax"), 9);
  EXPECT_EQ(r.first_opset_supporting("aten::nothing"), std::nullopt);
}

TEST(Registry, UnsupportedMasksInheritedEntries) {
  const auto r = sample();
  EXPECT_EQ(r.resolve(11).find("aten::foo", ""), &fn_a);
  const auto t = r.resolve(12);
  EXPECT_EQ(t.find("aten::foo", ""), nullptr);
  ASSERT_NE(t.mask_reason("aten::foo"), nullptr);
  EXPECT_EQ(*t.mask_reason("aten::foo"), "Foo was removed");
  const auto coverage = r.coverage();
  EXPECT_EQ(coverage.at("aten::foo"), (std::vector<int>{9, 10, 11}));
}

TEST(Registry, DuplicateKeysAndBadKeysAreFatal) {
  OpsetRegistry r(9, 17);
  r.table(9).add("aten::relu", fn_a);
  EXPECT_THROW(r.table(9).add("aten::relu", fn_b), Error);
  EXPECT_THROW(r.table(9).add("relu", fn_b), Error);
}

TEST(Registry, BuiltinTablesLoadAndCoverTheBasics) {
  const auto& r = builtin_registry();
  EXPECT_EQ(r.min_opset(), kMinOpset);
  EXPECT_EQ(r.max_opset(), kMaxOpset);
  for (int opset = kMinOpset; opset <= kMaxOpset; ++opset) {
    const auto t = r.resolve(opset);
    EXPECT_NE(t.find("aten::conv2d", ""), nullptr) << opset;
    EXPECT_NE(t.find("prim::Loop", ""), nullptr) << opset;
  }
  EXPECT_EQ(r.first_opset_supporting("aten::upsample_bicubic2d"), 11);
  EXPECT_EQ(r.first_opset_supporting("aten::layer_norm"), 9);
}

}  // namespace
}  // namespace pt2onnx::sym
