// Conversions between LibTorch tensors/dtypes and ONNX TensorProto/element types.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>
#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace pt2onnx::onnx_ir {

// 0 (UNDEFINED) where ONNX has no such element type (complex, quantized).
int32_t onnx_dtype(c10::ScalarType type);
std::optional<c10::ScalarType> torch_dtype(int32_t onnx_type);
std::string onnx_dtype_name(int32_t onnx_type);

// Copies the tensor's bytes into raw_data (contiguous, little-endian as ONNX wants).
onnx::TensorProto to_tensor_proto(const at::Tensor& tensor, const std::string& name);
// Metadata only (name, dtype, dims): the bytes go elsewhere (external data).
onnx::TensorProto tensor_proto_header(const at::Tensor& tensor, const std::string& name);
at::Tensor from_tensor_proto(const onnx::TensorProto& proto);

}  // namespace pt2onnx::onnx_ir
