// Finds tensors with equal contents (same dtype, shape and bytes) so that equal initializers can
// share one name: nn.TransformerEncoder deep-copies its layer, and weights folded from shared
// parameters (a Transpose of the same weight in every layer) come out equal too.
//
// Cheap by construction: a tensor is only compared with tensors of the same dtype and shape, first
// by a hash of a few sampled windows of its bytes (constant cost), then by a hash of all its bytes
// (computed lazily, only when the samples collide), then byte for byte. Hashing reads the tensor's
// storage in place; no bytes are copied.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pt2onnx::onnx_ir {

class TensorDeduper {
 public:
  struct Interned {
    std::string name;
    bool existing;  // true: an earlier equal tensor's name
  };
  // The name of an earlier tensor equal to `value`, or else `new_name()`, under which `value` is
  // remembered. Tensors that are not contiguous are neither matched nor remembered.
  Interned intern(const at::Tensor& value, const std::function<std::string()>& new_name);

 private:
  struct Entry {
    std::string name;
    at::Tensor value;
    std::optional<uint64_t> full_hash;
  };
  // Key: dtype, shape and the sampled hash.
  std::unordered_map<std::string, std::vector<Entry>> groups_;
};

// A hash of all the tensor's bytes (contiguous tensors only), and one of a few fixed windows of
// them (equal for equal tensors; the whole tensor when it is small).
uint64_t tensor_bytes_hash(const at::Tensor& value);
uint64_t tensor_sample_hash(const at::Tensor& value);

}  // namespace pt2onnx::onnx_ir
