#include <torch/csrc/jit/ir/ir.h>

#include <vector>

#include "passes/passes.h"

namespace pt2onnx::passes {

// Ranks are static in ONNX, so `x.dim()` of an input whose --shape is given is a constant. Scripted
// library code branches and loops on it (F.interpolate builds its scale list in a loop over
// `input.dim() - 2`); folding it lets LibTorch's constant propagation and loop unrolling finish
// the job.
void specialize_input_ranks(std::shared_ptr<torch::jit::Graph>& graph,
                            const std::vector<std::optional<int64_t>>& input_ranks) {
  for (size_t i = 0; i < graph->inputs().size() && i < input_ranks.size(); ++i) {
    if (!input_ranks[i]) continue;
    torch::jit::Value* input = graph->inputs()[i];
    std::vector<torch::jit::Node*> dims;
    for (const torch::jit::Use& use : input->uses()) {
      if (use.user->kind() == c10::aten::dim) dims.push_back(use.user);
    }
    for (torch::jit::Node* dim : dims) {
      torch::jit::WithInsertPoint guard(dim);
      dim->output()->replaceAllUsesWith(graph->insertConstant(*input_ranks[i]));
      dim->destroy();
    }
  }
}

}  // namespace pt2onnx::passes
