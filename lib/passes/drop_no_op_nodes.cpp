#include <torch/csrc/jit/ir/ir.h>

#include <vector>

#include "passes/passes.h"

namespace pt2onnx::passes {
namespace {

bool is_false_constant(const torch::jit::Value* v) {
  if (v->node()->kind() != c10::prim::Constant) return false;
  auto iv = torch::jit::toIValue(v);
  return iv && iv->isBool() && !iv->toBool();
}

bool is_zero_constant(const torch::jit::Value* v) {
  if (v->node()->kind() != c10::prim::Constant) return false;
  auto iv = torch::jit::toIValue(v);
  return iv && ((iv->isDouble() && iv->toDouble() == 0.0) || (iv->isInt() && iv->toInt() == 0));
}

bool is_identity_at_inference(const torch::jit::Node* node) {
  const auto kind = node->kind();
  if (kind == c10::aten::detach || kind == c10::aten::contiguous || kind == c10::aten::alias ||
      kind == c10::aten::lift_fresh || kind == c10::aten::feature_dropout ||
      kind == c10::aten::alpha_dropout || kind == c10::aten::feature_alpha_dropout ||
      kind == c10::aten::dropout) {
    if (kind == c10::aten::detach || kind == c10::aten::contiguous || kind == c10::aten::alias ||
        kind == c10::aten::lift_fresh) {
      return true;
    }
    // dropout(input, p, train): the identity unless `train` is true and p is not 0 (library
    // code calls F.dropout(x, p=self.dropout) with training left at True and p = 0.0).
    return node->inputs().size() == 3 &&
           (is_false_constant(node->input(2)) || is_zero_constant(node->input(1)));
  }
  return false;
}

void visit(torch::jit::Block* block) {
  std::vector<torch::jit::Node*> doomed;
  for (torch::jit::Node* node : block->nodes()) {
    for (torch::jit::Block* sub : node->blocks()) visit(sub);
    if (node->outputs().size() == 1 && is_identity_at_inference(node)) doomed.push_back(node);
  }
  for (torch::jit::Node* node : doomed) {
    node->output()->replaceAllUsesWith(node->input(0));
    node->destroy();
  }
}

}  // namespace

void drop_no_op_nodes(std::shared_ptr<torch::jit::Graph>& graph) { visit(graph->block()); }

}  // namespace pt2onnx::passes
