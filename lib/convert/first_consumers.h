// What the ops that read a graph input directly say about it: a convolution or pooling its rank.
#pragma once

#include "convert/input_specs.h"

namespace torch::jit {
struct Graph;
}

namespace pt2onnx::convert {

// For tensor inputs without --shape, the rank implied by their first consumer (a convolution's or
// pooling's spatial rank); the sizes stay unknown (-1). Inputs no consumer tells about stay as
// they are.
void infer_missing_input_ranks(const torch::jit::Graph& graph, IoSpecs& specs);

}  // namespace pt2onnx::convert
