#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/frozen_conv_folding.h>

#include <string>
#include <unordered_map>

#include "passes/passes.h"

namespace pt2onnx::passes {

// LibTorch's FoldFrozenConvBatchnorm merges an inference batch_norm into the convolution before
// it (as torch.onnx does): one Conv instead of Conv + BatchNormalization. The fused weights are
// new values; they are named after the weights they replace (`conv1.weight_fused_bn`), so the
// ONNX initializers still say where they came from.
void fold_conv_batchnorm(std::shared_ptr<torch::jit::Graph>& graph) {
  std::unordered_map<torch::jit::Node*, std::pair<std::string, std::string>> before;
  for (torch::jit::Node* node : graph->nodes()) {
    const std::string kind = node->kind().toQualString();
    if (kind.find("conv") == std::string::npos || node->inputs().size() < 3) continue;
    before[node] = {node->input(1)->debugName(), node->input(2)->debugName()};
  }
  if (!torch::jit::FoldFrozenConvBatchnorm(graph)) return;
  auto strip = [](const std::string& name) {
    return name.rfind("self.", 0) == 0 ? name.substr(5) : name;
  };
  for (torch::jit::Node* node : graph->nodes()) {
    auto it = before.find(node);
    if (it == before.end()) continue;
    const std::string& old_weight = it->second.first;
    if (old_weight.rfind("self.", 0) != 0) continue;
    std::string weight = strip(old_weight);
    // A conv without bias gets one from the fusion: name it after its weight.
    std::string bias = it->second.second.rfind("self.", 0) == 0 ? strip(it->second.second) : weight;
    if (bias == weight && bias.size() >= 6 && bias.compare(bias.size() - 6, 6, "weight") == 0) {
      bias = bias.substr(0, bias.size() - 6) + "bias";
    }
    const std::string names[] = {weight + "_fused_bn", bias + "_fused_bn"};
    for (size_t i = 1; i <= 2; ++i) {
      torch::jit::Value* v = node->input(i);
      const std::string& old = i == 1 ? it->second.first : it->second.second;
      if (v->debugName() != old && v->node()->kind() == c10::prim::Constant) {
        v->setDebugName(names[i - 1]);
      }
    }
  }
}

}  // namespace pt2onnx::passes
