// The dispatcher driven by a small fake registry: which symbolic runs at which opset, what a
// masked or missing op reports, and that a refused node stops its dependents, not the rest.
#include <gtest/gtest.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/ir/irparser.h>

#include <memory>
#include <string>
#include <vector>

#include "convert/dispatcher.h"
#include "convert/problem_report.h"
#include "onnx/graph_builder.h"

namespace pt2onnx::convert {
namespace {

using sym::Lowered;
using sym::Outputs;
using sym::SymbolicContext;
using torch::jit::Node;

Outputs relu_as_relu(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Relu", {ctx.input(node, "self")})};
}
Outputs relu_as_leaky(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("LeakyRelu", {ctx.input(node, "self")}, {{"alpha", 0.0}})};
}
Outputs neg_as_neg(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Neg", {ctx.input(node, "self")})};
}
Outputs exp_as_exp(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Exp", {ctx.input(node, "self")})};
}
Outputs tanh_refused(SymbolicContext& ctx, const Node&) {
  ctx.fail_unsupported("tanh is refused by this test table");
}
Outputs sigmoid_needs_13(SymbolicContext& ctx, const Node&) {
  ctx.needs_opset(13, "sigmoid in this test table");
}

const sym::OpsetRegistry& fake_registry() {
  static const sym::OpsetRegistry registry = [] {
    sym::OpsetRegistry r(9, 13);
    r.table(9).add("aten::relu", relu_as_relu);
    r.table(11).add("aten::relu", relu_as_leaky);
    r.table(9).add("aten::neg", neg_as_neg);
    r.table(12).unsupported("aten::neg", "masked from opset 12 in this test table");
    r.table(11).add("aten::exp", exp_as_exp);
    r.table(9).add("aten::tanh", tanh_refused);
    r.table(9).add("aten::sigmoid", sigmoid_needs_13);
    return r;
  }();
  return registry;
}

struct Converted {
  std::vector<std::string> op_types;
  std::vector<Diagnostic> problems;
};

// Converts `ir` (one Float(2, 3) input %x) at `opset` with the fake registry.
Converted convert(const std::string& ir, int opset) {
  auto graph = std::make_shared<torch::jit::Graph>();
  torch::jit::parseIR(ir, graph.get());
  onnx_ir::GraphBuilder builder(opset, /*fold_constants=*/false);
  const auto x = builder.add_input("x", onnx_ir::tensor_type(onnx::TensorProto::FLOAT, {2, 3}));
  Dispatcher dispatcher(builder, fake_registry(), DispatchSettings{opset, true});
  dispatcher.convert_block(*graph->block(), {Lowered(x)});
  Converted out;
  for (const auto& node : builder.main_graph().node()) out.op_types.push_back(node.op_type());
  out.problems = dispatcher.problems();
  return out;
}

const char* kRelu = R"IR(
graph(%x : Tensor):
  %y : Tensor = aten::relu(%x)
  return (%y))IR";

TEST(Dispatcher, LaterOpsetOverridesOnlyWhatItRegisters) {
  EXPECT_EQ(convert(kRelu, 9).op_types, std::vector<std::string>{"Relu"});
  EXPECT_EQ(convert(kRelu, 10).op_types, std::vector<std::string>{"Relu"});
  EXPECT_EQ(convert(kRelu, 11).op_types, std::vector<std::string>{"LeakyRelu"});
  EXPECT_EQ(convert(kRelu, 13).op_types, std::vector<std::string>{"LeakyRelu"});
}

const char* kNeg = R"IR(
graph(%x : Tensor):
  %y : Tensor = aten::neg(%x)
  return (%y))IR";

TEST(Dispatcher, MaskedOpIsReportedWithItsReason) {
  EXPECT_TRUE(convert(kNeg, 11).problems.empty());
  const auto masked = convert(kNeg, 12);
  ASSERT_EQ(masked.problems.size(), 1u);
  EXPECT_EQ(masked.problems[0].code, DiagCode::kNoLowering);
  EXPECT_EQ(masked.problems[0].node_kind, "aten::neg");
  EXPECT_EQ(masked.problems[0].opset, 12);
  EXPECT_NE(format_problems(masked.problems, 12).find("masked from opset 12"), std::string::npos);
}

const char* kExp = R"IR(
graph(%x : Tensor):
  %y : Tensor = aten::exp(%x)
  return (%y))IR";

TEST(Dispatcher, MissingOpCarriesTheFirstOpsetThatHasIt) {
  const auto missing = convert(kExp, 9);
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_EQ(missing.problems[0].code, DiagCode::kNoLowering);
  EXPECT_EQ(missing.problems[0].first_opset, 11);
  EXPECT_NE(format_problems(missing.problems, 9).find("rerun with --opset 11"), std::string::npos);
  EXPECT_TRUE(convert(kExp, 11).problems.empty());
}

TEST(Dispatcher, NeedsOpsetCarriesTheOpsetAskedForAndTheFirstThatWorks) {
  const auto refused = convert(R"IR(
graph(%x : Tensor):
  %y : Tensor = aten::sigmoid(%x)
  return (%y))IR",
                               11);
  ASSERT_EQ(refused.problems.size(), 1u);
  EXPECT_EQ(refused.problems[0].code, DiagCode::kNeedsOpset);
  EXPECT_EQ(refused.problems[0].opset, 11);
  EXPECT_EQ(refused.problems[0].first_opset, 13);
}

// tanh is refused; relu and neg read its result and are skipped; exp does not depend on it and
// is still reported as missing at opset 9.
const char* kChain = R"IR(
graph(%x : Tensor):
  %a : Tensor = aten::tanh(%x)
  %b : Tensor = aten::relu(%a)
  %c : Tensor = aten::neg(%b)
  %d : Tensor = aten::exp(%x)
  %e : Tensor = aten::relu(%x)
  return (%c, %d, %e))IR";

TEST(Dispatcher, RefusedNodeTaintsItsDependentsOnly) {
  const auto out = convert(kChain, 9);
  ASSERT_EQ(out.problems.size(), 2u);
  EXPECT_EQ(out.problems[0].code, DiagCode::kUnsupportedConstruct);
  EXPECT_EQ(out.problems[0].node_kind, "aten::tanh");
  EXPECT_EQ(out.problems[1].code, DiagCode::kNoLowering);
  EXPECT_EQ(out.problems[1].node_kind, "aten::exp");
  // Only the independent relu was emitted.
  EXPECT_EQ(out.op_types, std::vector<std::string>{"Relu"});
  try {
    throw_if_problems(out.problems, 9);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
    EXPECT_EQ(e.diagnostics().size(), 2u);
  }
}

}  // namespace
}  // namespace pt2onnx::convert
