// Where a TorchScript node came from, for diagnostics.
#pragma once

#include <string>

namespace torch::jit {
struct Node;
}

namespace pt2onnx::convert {

// "model.py:12:8: `y = F.grid_sample(x, grid)`"; empty when the node has no source range.
std::string describe_source(const torch::jit::Node& node);
// The module path of the node ("encoder.layers.0.self_attn"): from the inlined call stack of a
// scripted model, or the scope a trace records; empty when neither tells.
std::string module_scope(const torch::jit::Node& node);

}  // namespace pt2onnx::convert
