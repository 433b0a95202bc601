#include <torch/csrc/jit/ir/ir.h>

#include <vector>

#include "passes/passes.h"
#include "symbolics/aliasing.h"

namespace pt2onnx::passes {
namespace {

using torch::jit::Node;

void collect(torch::jit::Block* block, std::vector<Node*>& out) {
  for (Node* node : block->nodes()) {
    for (torch::jit::Block* sub : node->blocks()) collect(sub, out);
    if (node->kind() == c10::aten::copy_ || node->inputs().empty() || node->outputs().empty())
      continue;
    if (node->output(0)->type()->kind() != c10::TypeKind::TensorType) continue;
    const auto written = sym::written_tensors(*node);
    const bool writes_self = !written.empty() && written.front() == node->input(0);
    if (writes_self && sym::aliases_input(*node->input(0)->node())) out.push_back(node);
  }
}

}  // namespace

// An in-place op on a view (`x[0:2].add_(1)`, `x.view(-1)[k].fill_(0)`) lowers as its functional
// form on the view's value; its write into the tensor the view belongs to is a copy back into
// the view, which the copy_ symbolic reproduces by scattering into that tensor. So after each
// such op this inserts `aten::copy_(view, result)`, and the dispatcher checks that it took effect.
void write_back_views(std::shared_ptr<torch::jit::Graph>& graph) {
  std::vector<Node*> writes;
  collect(graph->block(), writes);
  for (Node* node : writes) {
    torch::jit::Value* no_blocking = nullptr;
    {
      torch::jit::WithInsertPoint guard(node);
      no_blocking = graph->insertConstant(false);
    }
    // Right after the op: the dispatcher recognises the write-back by that position.
    Node* copy = graph->create(c10::aten::copy_, {node->input(0), node->output(0), no_blocking});
    copy->output()->setType(node->input(0)->type());
    copy->insertAfter(node);
  }
}

}  // namespace pt2onnx::passes
