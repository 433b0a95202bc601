// Small constants read inside Loop and If bodies, copied into those bodies as Constant nodes.
#pragma once

#include <onnx/onnx_pb.h>

#include <vector>

#include "onnx/graph_builder.h"

namespace pt2onnx::onnx_ir {

// Every small initializer (a shape, an axis list, a scalar) that a node of a subgraph reads
// becomes a Constant node at the top of that subgraph, under a name of its own, and the
// subgraph's nodes read that. ONNX 1.17's shape inference does not pass the outer graph's
// initializer data into a subgraph, so ops whose output shape depends on a constant input
// (Resize's sizes, Unsqueeze's axes, Reshape's shape) lose the shapes there, and Resize then
// refuses the model. Weights stay in the main graph.
void localize_subgraph_constants(onnx::GraphProto& main, const std::vector<Initializer>& weights);

}  // namespace pt2onnx::onnx_ir
