// Evaluates an ONNX node whose inputs are all known, with LibTorch as the calculator. This is
// how shape arithmetic on static sizes and weight-only subgraphs disappear from the output.
#pragma once

#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <optional>
#include <vector>

namespace pt2onnx::onnx_ir {

// nullopt when the op is not one the folder knows (the node is then kept). A null entry in
// `inputs` is an omitted optional input.
std::optional<std::vector<at::Tensor>> evaluate_constant_node(
    const onnx::NodeProto& node, const std::vector<const at::Tensor*>& inputs, int opset);

}  // namespace pt2onnx::onnx_ir
