// The one ordered list of TorchScript graph passes run before conversion.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace torch::jit {
struct Graph;
}

namespace pt2onnx::passes {

// Runs every pass in order; the graph is changed in place. `input_ranks` holds each graph
// input's rank where --shape gives it.
// `fold_weights` allows passes that compute new weights (conv + batch_norm fusion); it is off
// with --no-fold and --no-params.
void prepare_graph(std::shared_ptr<torch::jit::Graph>& graph,
                   const std::vector<std::optional<int64_t>>& input_ranks, bool fold_weights);

}  // namespace pt2onnx::passes
