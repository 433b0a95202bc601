#include <torch/csrc/jit/ir/ir.h>

#include <unordered_map>
#include <vector>

#include "passes/passes.h"

namespace pt2onnx::passes {
namespace {

// Ops whose tensor result has the rank of their first (tensor) argument. Scripted models often
// pass an input through one of them before library code reads `dim()`: QuantStub's
// quantize_per_tensor before F.interpolate, a `.float()` before a functional call.
bool keeps_rank(const torch::jit::Node& node) {
  switch (node.kind()) {
    case c10::aten::quantize_per_tensor:
    case c10::aten::quantize_per_channel:
    case c10::aten::dequantize:
    case c10::aten::contiguous:
    case c10::aten::clone:
    case c10::aten::detach:
    case c10::aten::to:
    case c10::aten::type_as:
    case c10::aten::relu:
    case c10::aten::sigmoid:
    case c10::aten::tanh:
    case c10::aten::neg:
    case c10::aten::abs:
      break;
    default:
      return false;
  }
  return node.outputs().size() == 1 && !node.inputs().empty() &&
         node.input(0)->type()->kind() == c10::TypeKind::TensorType &&
         node.output()->type()->kind() == c10::TypeKind::TensorType;
}

}  // namespace

// Ranks are static in ONNX, so `x.dim()` of an input whose --shape is given is a constant, and so
// is that of a value computed from it by an op that keeps the rank. Scripted library code
// branches and loops on it (F.interpolate builds its scale list in a loop over `input.dim() - 2`
// and picks upsample_nearest1d/2d/3d by it); folding it lets LibTorch's constant propagation and
// loop unrolling remove the branches for other ranks, which ONNX could not even type.
void specialize_input_ranks(std::shared_ptr<torch::jit::Graph>& graph,
                            const std::vector<std::optional<int64_t>>& input_ranks) {
  std::vector<std::pair<torch::jit::Value*, int64_t>> known;
  for (size_t i = 0; i < graph->inputs().size() && i < input_ranks.size(); ++i) {
    if (input_ranks[i]) known.emplace_back(graph->inputs()[i], *input_ranks[i]);
  }
  std::vector<torch::jit::Node*> dims;
  std::unordered_map<torch::jit::Node*, int64_t> dim_rank;
  for (size_t k = 0; k < known.size(); ++k) {
    const auto [value, rank] = known[k];
    for (const torch::jit::Use& use : value->uses()) {
      if (use.offset != 0) continue;
      if (use.user->kind() == c10::aten::dim && dim_rank.emplace(use.user, rank).second) {
        dims.push_back(use.user);
      } else if (keeps_rank(*use.user)) {
        known.emplace_back(use.user->output(), rank);
      }
    }
  }
  for (torch::jit::Node* dim : dims) {
    torch::jit::WithInsertPoint guard(dim);
    dim->output()->replaceAllUsesWith(graph->insertConstant(dim_rank.at(dim)));
    dim->destroy();
  }
}

}  // namespace pt2onnx::passes
