#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onnx/graph_builder.h"
#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {
namespace {

std::vector<std::string> op_types(GraphBuilder& g) {
  std::vector<std::string> out;
  for (const auto& node : g.main_graph().node()) out.push_back(node.op_type());
  return out;
}

std::vector<std::string> of(std::initializer_list<const char*> ops) {
  return std::vector<std::string>(ops.begin(), ops.end());
}

TEST(TypeLegalizer, ComputesInAWiderTypeAndCastsBack) {
  GraphBuilder g(11, true);
  g.add_input("i", tensor_type(onnx::TensorProto::INT32, {4}));
  auto y = g.emit("Relu", {"i"}, {}, 1)[0];
  EXPECT_EQ(op_types(g), of({"Cast", "Relu", "Cast"}));
  EXPECT_EQ(g.elem_type(y), onnx::TensorProto::INT32);
  // int32 goes through double, which holds every int32 (float would not).
  EXPECT_EQ(g.elem_type(g.main_graph().node(0).output(0)), onnx::TensorProto::DOUBLE);
}

TEST(TypeLegalizer, LeavesLegalNodesAlone) {
  GraphBuilder g(14, true);
  g.add_input("i", tensor_type(onnx::TensorProto::INT32, {4}));
  g.emit("Relu", {"i"}, {}, 1);
  EXPECT_EQ(op_types(g), of({"Relu"}));
}

TEST(TypeLegalizer, WidensIntegersToIntegersAndKeepsOtherOutputTypes) {
  GraphBuilder g(11, true);
  g.add_input("a", tensor_type(onnx::TensorProto::UINT8, {4}));
  auto sum = g.emit("Add", {"a", "a"}, {}, 1)[0];
  EXPECT_EQ(g.elem_type(sum), onnx::TensorProto::UINT8);
  EXPECT_EQ(g.elem_type(g.main_graph().node(0).output(0)), onnx::TensorProto::INT32);
  g.add_input("p", tensor_type(onnx::TensorProto::BOOL, {4}));
  auto gt = g.emit("Greater", {"p", "p"}, {}, 1)[0];  // T1 (bool) is no type parameter of T
  EXPECT_EQ(g.elem_type(gt), onnx::TensorProto::BOOL);
  EXPECT_EQ(op_types(g), of({"Cast", "Add", "Cast", "Cast", "Greater"}));
}

TEST(TypeLegalizer, CastsInputsOfUnknownTypeWithTheirTypedSiblings) {
  GraphBuilder g(11, true);
  g.add_input("a", tensor_type(onnx::TensorProto::UINT8, {4}));
  g.add_input("u", onnx::TypeProto());  // a value whose type nothing inferred
  auto sum = g.emit("Add", {"a", "u"}, {}, 1)[0];
  EXPECT_EQ(op_types(g), of({"Cast", "Cast", "Add", "Cast"}));
  const auto& add = g.main_graph().node(2);
  EXPECT_EQ(g.elem_type(add.input(0)), onnx::TensorProto::INT32);
  EXPECT_EQ(g.elem_type(add.input(1)), onnx::TensorProto::INT32);
  EXPECT_EQ(g.elem_type(sum), onnx::TensorProto::UINT8);
}

TEST(TypeLegalizer, LeavesOmittedInputsOmitted) {
  GraphBuilder g(11, true);
  g.add_input("i", tensor_type(onnx::TensorProto::INT32, {4}));
  auto hi = g.add_constant(at::scalar_tensor(3, at::kInt));
  auto y = g.emit("Clip", {"i", "", hi}, {}, 1)[0];
  EXPECT_EQ(op_types(g), of({"Cast", "Clip", "Cast"}));  // the bound's Cast folds
  const auto& clip = g.main_graph().node(1);
  ASSERT_EQ(clip.input_size(), 3);
  EXPECT_EQ(clip.input(1), "");
  EXPECT_EQ(g.elem_type(clip.input(2)), onnx::TensorProto::DOUBLE);
  EXPECT_EQ(g.elem_type(y), onnx::TensorProto::INT32);
}

TEST(TypeLegalizer, RefusesWhereNoTypeHoldsTheValues) {
  GraphBuilder g(11, true);
  g.add_input("k", tensor_type(onnx::TensorProto::INT64, {4}));
  auto lo = g.add_constant(at::scalar_tensor(0, at::kLong));
  try {
    g.emit("Clip", {"k", lo}, {}, 1);
    FAIL() << "Clip on int64 at opset 11 was emitted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), DiagCode::kNeedsOpset);
    EXPECT_EQ(e.diagnostics().front().first_opset, 12);
  }
  g.add_input("x", tensor_type(onnx::TensorProto::DOUBLE, {4}));
  EXPECT_NO_THROW(g.emit("IsInf", {"x"}, {}, 1));
}

TEST(TypeLegalizer, MixedOperandTypesAreALoweringBug) {
  GraphBuilder g(13, true);
  g.add_input("h", tensor_type(onnx::TensorProto::FLOAT16, {2}));
  g.add_input("x", tensor_type(onnx::TensorProto::FLOAT, {2}));
  try {
    g.emit("Concat", {"h", "x"}, {{"axis", int64_t{0}}}, 1);
    FAIL() << "a Concat of float16 and float was emitted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), DiagCode::kInternal);
  }
}

TEST(TypeLegalizer, ConstantsFoldWhateverTheirType) {
  GraphBuilder g(9, true);
  auto k = g.add_constant(at::tensor({-3, 4}, at::kLong));
  auto lo = g.add_constant(at::scalar_tensor(0, at::kLong));
  auto hi = g.add_constant(at::scalar_tensor(2, at::kLong));
  // Max on int64 has no ONNX form at opset 9, but LibTorch evaluates it.
  auto y = g.emit("Max", {k, lo, hi}, {}, 1)[0];
  ASSERT_NE(g.constant_of(y), nullptr);
  EXPECT_EQ(g.node_count(), 0);
}

}  // namespace
}  // namespace pt2onnx::onnx_ir
