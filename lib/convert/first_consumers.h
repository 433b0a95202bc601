// What the ops that read a graph input directly say about it: a convolution its rank, channel
// count and dtype, a pooling its rank, an embedding that it holds integers. Used both to fill in
// ranks the user left out and to refuse --shape/--dtype values the model cannot take, before
// they fail deep inside some op's ONNX shape inference.
#pragma once

#include "convert/input_specs.h"

namespace torch::jit {
struct Graph;
}

namespace pt2onnx::convert {

// Throws Error(kBadInputSpec) naming the option and the consuming op when an input's --shape
// or dtype contradicts one of its direct consumers. Runs on the prepared graph.
void check_inputs_against_consumers(const torch::jit::Graph& graph, const IoSpecs& specs);

// For tensor inputs without --shape, the rank implied by their first consumer (a convolution's or
// pooling's spatial rank); the sizes stay unknown (-1). Inputs no consumer tells about stay as
// they are.
void infer_missing_input_ranks(const torch::jit::Graph& graph, IoSpecs& specs);

}  // namespace pt2onnx::convert
