// The one ordered list of TorchScript graph passes run before conversion.
#pragma once

#include <memory>

namespace torch::jit {
struct Graph;
}

namespace pt2onnx::passes {

// Runs every pass in order; the graph is changed in place.
void prepare_graph(std::shared_ptr<torch::jit::Graph>& graph);

}  // namespace pt2onnx::passes
