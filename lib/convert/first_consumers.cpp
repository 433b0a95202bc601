#include "convert/first_consumers.h"

#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <string>

namespace pt2onnx::convert {
namespace {

// Input rank each pooling/resampling op takes with a batch axis.
const std::map<std::string, int64_t>& pool_ranks() {
  static const std::map<std::string, int64_t> kRanks = {
      {"aten::max_pool1d", 3},          {"aten::max_pool2d", 4},
      {"aten::max_pool3d", 5},          {"aten::avg_pool1d", 3},
      {"aten::avg_pool2d", 4},          {"aten::avg_pool3d", 5},
      {"aten::adaptive_avg_pool1d", 3}, {"aten::adaptive_avg_pool2d", 4},
      {"aten::adaptive_avg_pool3d", 5}, {"aten::upsample_nearest2d", 4},
      {"aten::upsample_bilinear2d", 4}, {"aten::upsample_bicubic2d", 4}};
  return kRanks;
}

}  // namespace

void infer_missing_input_ranks(const torch::jit::Graph& graph, IoSpecs& specs) {
  const auto& kPoolRanks = pool_ranks();
  for (size_t i = 0; i < graph.inputs().size() && i < specs.inputs.size(); ++i) {
    InputSpec& spec = specs.inputs[i];
    const torch::jit::Value* input = graph.inputs()[i];
    if (spec.shape || input->type()->kind() != c10::TypeKind::TensorType) continue;
    std::optional<int64_t> rank;
    for (const torch::jit::Use& use : input->uses()) {
      const torch::jit::Node* user = use.user;
      const std::string kind = user->kind().toQualString();
      if (use.offset == 0 && kind.find("conv") != std::string::npos && user->inputs().size() > 1) {
        const auto weight = user->input(1)->type()->cast<c10::TensorType>();
        if (weight && weight->dim()) rank = static_cast<int64_t>(*weight->dim());
        auto iv = torch::jit::toIValue(user->input(1));
        if (iv && iv->isTensor()) rank = iv->toTensor().dim();
      } else if (use.offset == 0 && kPoolRanks.count(kind) != 0) {
        rank = kPoolRanks.at(kind);
      }
      if (rank) break;
    }
    if (!rank) continue;
    spec.shape = std::vector<int64_t>(static_cast<size_t>(*rank), -1);
  }
}

}  // namespace pt2onnx::convert
