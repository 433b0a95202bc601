// What is known about the *values* of small int64 tensors that describe shapes (the output of
// Shape, and Gather/Slice/Concat/Unsqueeze/Squeeze/Cast/Add/Sub/Mul/Div of those): one entry per
// element, a number or a dim_param. ONNX 1.12 propagates such data only for opset-13+ schemas;
// this does it at every opset, so x.view(x.size(0), -1) keeps its rank and its dynamic axis
// name, and sizes that are static fold to constants.
#pragma once

#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pt2onnx::onnx_ir {

struct ShapeElement {
  std::optional<int64_t> value;
  std::string symbol;  // dim_param where the value is symbolic; empty when unknown
};
using ShapeData = std::vector<ShapeElement>;

// Callbacks into the builder's knowledge.
struct ShapeDataSources {
  std::function<const onnx::TypeProto*(const std::string&)> type_of;
  std::function<const at::Tensor*(const std::string&)> constant_of;
  std::function<const ShapeData*(const std::string&)> data_of;
};

// The data of the node's first output, when it can be derived.
std::optional<ShapeData> propagate_shape_data(const onnx::NodeProto& node, int opset,
                                              const ShapeDataSources& sources);

}  // namespace pt2onnx::onnx_ir
