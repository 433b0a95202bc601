// The ops of a newer torch declared to an older LibTorch (loader/newer_aten_ops.h): the embedded
// list reads as the data file says, every added schema is declared or skipped for a reason, and
// LibTorch's passes keep the declared nodes and see their aliasing as the schema states.
#include <gtest/gtest.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/frontend/function_schema_parser.h>
#include <torch/csrc/jit/ir/alias_analysis.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/runtime/operator.h>
#include <torch/jit.h>

#include <fstream>
#include <sstream>

#include "compat/torch_compat.h"
#include "loader/newer_aten_ops.h"
#include "loader/newer_torch_message.h"

namespace pt2onnx::loader {
namespace {

std::shared_ptr<torch::jit::Graph> compiled(const std::string& source, const std::string& name) {
  auto cu = torch::jit::compile(source);
  auto graph = torch::jit::toGraphFunction(cu->get_function(name)).graph()->copy();
  torch::jit::Inline(*graph);
  return graph;
}

int count(const torch::jit::Graph& graph, const char* kind) {
  int n = 0;
  for (const torch::jit::Node* node : graph.nodes()) {
    n += node->kind() == c10::Symbol::fromQualString(kind);
  }
  return n;
}

TEST(NewerAtenOps, EmbeddedListIsTheDataFile) {
  const NewerAtenSchemas& list = newer_aten_schemas();
  std::ifstream file(std::string(PT2ONNX_SOURCE_DIR) + "/lib/loader/newer_aten_schemas.txt");
  std::string header;
  for (int i = 0; i < 3; ++i) std::getline(file, header);
  // "# 264 added, 328 with a changed signature, 67 removed."
  std::ostringstream expected;
  expected << "# " << list.added.size() << " added, " << list.changed.size()
           << " with a changed signature, " << list.removed.size() << " removed.";
  EXPECT_EQ(header, expected.str());
  EXPECT_FALSE(list.added.empty());
  EXPECT_EQ(list.newer_torch.rfind("2.6", 0), 0u) << list.newer_torch;
  EXPECT_EQ(list.older_torch.rfind("1.13", 0), 0u) << list.older_torch;
}

TEST(NewerAtenOps, EveryAddedSchemaIsDeclaredOrSkippedWithAReason) {
  const NewerOpDeclarations& d = declare_newer_aten_ops();
  EXPECT_EQ(&d, &declare_newer_aten_ops());  // once per process
  if (!compat::kDeclaresNewerAtenOps) {
    EXPECT_FALSE(d.enabled);
    EXPECT_TRUE(d.declared.empty());
    return;
  }
  ASSERT_TRUE(d.enabled);
  EXPECT_EQ(d.declared.size() + d.skipped.size(), newer_aten_schemas().added.size());
  for (const auto& [schema, why] : d.skipped) EXPECT_FALSE(why.empty()) << schema;
  std::cout << "declared " << d.declared.size() << " of " << newer_aten_schemas().added.size()
            << " added schemas, skipped " << d.skipped.size() << "\n";
  for (const auto& [schema, why] : d.skipped)
    std::cout << "  skipped " << schema << ": " << why << "\n";
  for (const std::string& name : d.declared) {
    const auto dot = name.find('.');
    const c10::OperatorName op(name.substr(0, dot),
                               dot == std::string::npos ? "" : name.substr(dot + 1));
    EXPECT_NE(torch::jit::findOperatorFor(op), nullptr) << name;
  }
}

TEST(NewerAtenOps, KernelRaisesInsteadOfRunning) {
  if (!compat::kDeclaresNewerAtenOps) GTEST_SKIP() << "LibTorch 2.x has its own kernels";
  declare_newer_aten_ops();
  auto op =
      torch::jit::findOperatorFor(c10::OperatorName("aten::scaled_dot_product_attention", ""));
  ASSERT_NE(op, nullptr);
  torch::jit::Stack stack;
  try {
    op->getOperation()(stack);
    FAIL() << "the kernel ran";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("pt2onnx converts this op, it cannot run it"),
              std::string::npos)
        << e.what();
  }
}

TEST(NewerAtenOps, ConstantPropagationKeepsTheNode) {
  if (!compat::kDeclaresNewerAtenOps) GTEST_SKIP() << "LibTorch 2.x has its own kernels";
  declare_newer_aten_ops();
  // All of the op's inputs become constants: constant propagation runs its raising kernel and
  // must keep the node.
  auto graph = compiled(R"(
def f(x: Tensor):
    q = torch.ones([1, 2, 3, 4])
    return torch.scaled_dot_product_attention(q, q, q, is_causal=True) + x
)",
                        "f");
  torch::jit::ConstantPropagation(graph);
  torch::jit::EliminateDeadCode(graph);
  EXPECT_EQ(count(*graph, "aten::ones"), 0) << *graph;  // its inputs did become constants
  EXPECT_EQ(count(*graph, "aten::scaled_dot_product_attention"), 1) << *graph;
}

TEST(NewerAtenOps, AliasAnalysisFollowsTheSchema) {
  declare_newer_aten_ops();
  // _fill_mem_eff_dropout_mask_(Tensor(a!) self, ...) writes its input: dead code elimination
  // keeps it while the written tensor is returned. squeeze.dims(Tensor(a) self, int[] dim)
  // returns a view of its input.
  auto graph = compiled(R"(
def g(x: Tensor):
    y = x.clone()
    torch._fill_mem_eff_dropout_mask_(y, 0.5, 1, 2)
    z = torch.squeeze(y, [0, 1])
    return y, z
)",
                        "g");
  torch::jit::EliminateDeadCode(graph);
  ASSERT_EQ(count(*graph, "aten::_fill_mem_eff_dropout_mask_"), 1) << *graph;
  torch::jit::AliasDb db(graph);
  for (torch::jit::Node* node : graph->nodes()) {
    if (node->kind() == c10::Symbol::fromQualString("aten::_fill_mem_eff_dropout_mask_")) {
      EXPECT_TRUE(db.writesToAlias(node, {node->input(0)}));
    }
    if (node->kind() == c10::Symbol::fromQualString("aten::squeeze")) {
      EXPECT_EQ(node->schema().overload_name(), "dims");
      EXPECT_TRUE(db.mayAlias(node->output(), node->input(0)));
    }
  }
}

TEST(NewerAtenOps, MessageOnlyForOpsOfANewerTorch) {
  EXPECT_FALSE(newer_torch_message("m.pt", "PytorchStreamReader failed reading zip archive"));
  EXPECT_FALSE(newer_torch_message("m.pt",
                                   "Arguments for call are not valid.\n"
                                   "aten::add.Tensor(Tensor self, Tensor other) -> Tensor"));
  const auto unknown =
      newer_torch_message("m.pt",
                          "Unknown builtin op: aten::frobnicate.\nThe original call is:\n  File "
                          "\"code/__torch__.py\", line 10\n");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->find("'m.pt' was saved by a newer PyTorch than the LibTorch"),
            std::string::npos)
      << *unknown;
  EXPECT_NE(unknown->find("aten::frobnicate (code/__torch__.py, line 10)"), std::string::npos)
      << *unknown;
  EXPECT_EQ(unknown->find('\n'), std::string::npos);
}

}  // namespace
}  // namespace pt2onnx::loader
