#include <torch/csrc/jit/ir/ir.h>

#include <vector>

#include "passes/passes.h"

namespace pt2onnx::passes {
namespace {

void collect_raises(torch::jit::Block* block, std::vector<torch::jit::Node*>& raises) {
  for (torch::jit::Node* node : block->nodes()) {
    if (node->kind() == c10::prim::RaiseException) raises.push_back(node);
    for (torch::jit::Block* sub : node->blocks()) collect_raises(sub, raises);
  }
}

}  // namespace

// An exception's message is built before the check that raises it (`torch._assert(h == 224,
// f"got {x.shape}")` formats the shape first), often from values only known at run time. The
// converter never needs that text: a dropped or refused check is reported with its source line,
// and a message known as written in the source. So a message built at run time becomes the
// empty string and dead-code elimination removes the formatting.
void drop_exception_messages(std::shared_ptr<torch::jit::Graph>& graph) {
  std::vector<torch::jit::Node*> raises;
  collect_raises(graph->block(), raises);
  for (torch::jit::Node* raise : raises) {
    for (size_t i = 0; i < raise->inputs().size(); ++i) {
      torch::jit::Value* in = raise->input(i);
      if (in->node()->kind() == c10::prim::Constant) continue;
      if (!in->type()->isSubtypeOf(*c10::StringType::get())) continue;
      torch::jit::WithInsertPoint guard(raise);
      raise->replaceInput(i, graph->insertConstant(std::string()));
    }
  }
}

}  // namespace pt2onnx::passes
