#include "onnx/tensor_dedup.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

namespace pt2onnx::onnx_ir {
namespace {

// Tensors up to this size are hashed whole even for the sample.
constexpr size_t kWholeSampleBytes = 1024;
constexpr size_t kWindows = 16;
constexpr size_t kWindowBytes = 32;

std::string_view bytes_of(const at::Tensor& value) {
  return {static_cast<const char*>(value.data_ptr()), value.nbytes()};
}

std::string group_key(const at::Tensor& value, uint64_t sample) {
  std::string key = std::to_string(static_cast<int>(value.scalar_type())) + "|";
  for (int64_t d : value.sizes()) key += std::to_string(d) + ",";
  return key + "|" + std::to_string(sample);
}

}  // namespace

uint64_t tensor_bytes_hash(const at::Tensor& value) {
  return std::hash<std::string_view>()(bytes_of(value));
}

uint64_t tensor_sample_hash(const at::Tensor& value) {
  const std::string_view bytes = bytes_of(value);
  if (bytes.size() <= kWholeSampleBytes) return std::hash<std::string_view>()(bytes);
  // Evenly spaced windows, the first at the start and the last at the end.
  std::string sample;
  sample.reserve(kWindows * kWindowBytes);
  const size_t span = bytes.size() - kWindowBytes;
  for (size_t i = 0; i < kWindows; ++i) {
    sample.append(bytes.substr(span * i / (kWindows - 1), kWindowBytes));
  }
  return std::hash<std::string>()(sample);
}

TensorDeduper::Interned TensorDeduper::intern(const at::Tensor& value,
                                              const std::function<std::string()>& new_name) {
  if (!value.defined() || value.is_sparse() || !value.is_contiguous() || value.nbytes() == 0) {
    return {new_name(), false};
  }
  std::vector<Entry>& group = groups_[group_key(value, tensor_sample_hash(value))];
  const std::string_view bytes = bytes_of(value);
  // Small tensors: the sample was all of them. Large ones: full hashes before the bytes.
  const bool whole = bytes.size() <= kWholeSampleBytes;
  std::optional<uint64_t> full;
  for (Entry& other : group) {
    if (!whole) {
      if (!full) full = tensor_bytes_hash(value);
      if (!other.full_hash) other.full_hash = tensor_bytes_hash(other.value);
      if (*other.full_hash != *full) continue;
    }
    if (bytes_of(other.value) == bytes) return {other.name, true};
  }
  group.push_back({new_name(), value, full});
  return {group.back().name, false};
}

}  // namespace pt2onnx::onnx_ir
