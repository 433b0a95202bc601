#include "onnx/tensor_proto.h"

#include <ATen/ATen.h>

#include <cstring>

#include "pt2onnx/error.h"

namespace pt2onnx::onnx_ir {

using onnx::TensorProto_DataType;

int32_t onnx_dtype(c10::ScalarType type) {
  switch (type) {
    case c10::kFloat:
      return TensorProto_DataType::TensorProto_DataType_FLOAT;
    case c10::kDouble:
      return TensorProto_DataType::TensorProto_DataType_DOUBLE;
    case c10::kHalf:
      return TensorProto_DataType::TensorProto_DataType_FLOAT16;
    case c10::kBFloat16:
      return TensorProto_DataType::TensorProto_DataType_BFLOAT16;
    case c10::kLong:
      return TensorProto_DataType::TensorProto_DataType_INT64;
    case c10::kInt:
      return TensorProto_DataType::TensorProto_DataType_INT32;
    case c10::kShort:
      return TensorProto_DataType::TensorProto_DataType_INT16;
    case c10::kChar:
      return TensorProto_DataType::TensorProto_DataType_INT8;
    case c10::kByte:
      return TensorProto_DataType::TensorProto_DataType_UINT8;
    case c10::kBool:
      return TensorProto_DataType::TensorProto_DataType_BOOL;
    default:
      return TensorProto_DataType::TensorProto_DataType_UNDEFINED;
  }
}

std::optional<c10::ScalarType> torch_dtype(int32_t onnx_type) {
  switch (onnx_type) {
    case TensorProto_DataType::TensorProto_DataType_FLOAT:
      return c10::kFloat;
    case TensorProto_DataType::TensorProto_DataType_DOUBLE:
      return c10::kDouble;
    case TensorProto_DataType::TensorProto_DataType_FLOAT16:
      return c10::kHalf;
    case TensorProto_DataType::TensorProto_DataType_BFLOAT16:
      return c10::kBFloat16;
    case TensorProto_DataType::TensorProto_DataType_INT64:
      return c10::kLong;
    case TensorProto_DataType::TensorProto_DataType_INT32:
      return c10::kInt;
    case TensorProto_DataType::TensorProto_DataType_INT16:
      return c10::kShort;
    case TensorProto_DataType::TensorProto_DataType_INT8:
      return c10::kChar;
    case TensorProto_DataType::TensorProto_DataType_UINT8:
      return c10::kByte;
    case TensorProto_DataType::TensorProto_DataType_BOOL:
      return c10::kBool;
    default:
      return std::nullopt;
  }
}

std::string onnx_dtype_name(int32_t onnx_type) {
  return onnx::TensorProto_DataType_Name(static_cast<TensorProto_DataType>(onnx_type));
}

onnx::TensorProto tensor_proto_header(const at::Tensor& tensor, const std::string& name) {
  onnx::TensorProto proto;
  proto.set_name(name);
  const int32_t type = onnx_dtype(tensor.scalar_type());
  if (type == TensorProto_DataType::TensorProto_DataType_UNDEFINED) {
    throw Error(ErrorKind::kUnsupported, "tensor '" + name + "' has dtype " +
                                             std::string(c10::toString(tensor.scalar_type())) +
                                             ", which ONNX cannot store");
  }
  proto.set_data_type(type);
  for (int64_t d : tensor.sizes()) proto.add_dims(d);
  return proto;
}

onnx::TensorProto to_tensor_proto(const at::Tensor& tensor, const std::string& name) {
  onnx::TensorProto proto = tensor_proto_header(tensor, name);
  const at::Tensor dense = tensor.contiguous();
  proto.set_raw_data(dense.data_ptr(), dense.nbytes());
  return proto;
}

at::Tensor from_tensor_proto(const onnx::TensorProto& proto) {
  const auto type = torch_dtype(proto.data_type());
  if (!type) {
    throw Error(ErrorKind::kInternal,
                "cannot read ONNX tensor of type " + onnx_dtype_name(proto.data_type()));
  }
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  at::Tensor out = at::empty(dims, at::TensorOptions().dtype(*type));
  if (proto.has_raw_data()) {
    std::memcpy(out.data_ptr(), proto.raw_data().data(), out.nbytes());
    return out;
  }
  // Typed fields, as other producers write small constants.
  if (*type == c10::kFloat) {
    std::copy(proto.float_data().begin(), proto.float_data().end(), out.data_ptr<float>());
  } else if (*type == c10::kDouble) {
    std::copy(proto.double_data().begin(), proto.double_data().end(), out.data_ptr<double>());
  } else if (*type == c10::kLong) {
    std::copy(proto.int64_data().begin(), proto.int64_data().end(), out.data_ptr<int64_t>());
  } else {
    throw Error(ErrorKind::kInternal,
                "cannot read typed ONNX tensor data of type " + onnx_dtype_name(proto.data_type()));
  }
  return out;
}

}  // namespace pt2onnx::onnx_ir
