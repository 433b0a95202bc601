#include "pt2onnx/options.h"

#include <utility>

namespace pt2onnx {
namespace {

// Canonical names first (in the order --help lists them), then the aliases torch users type.
const std::pair<const char*, DType> kNames[] = {
    {"float32", DType::kFloat32}, {"float16", DType::kFloat16}, {"bfloat16", DType::kBFloat16},
    {"float64", DType::kFloat64}, {"int8", DType::kInt8},       {"int16", DType::kInt16},
    {"int32", DType::kInt32},     {"int64", DType::kInt64},     {"uint8", DType::kUInt8},
    {"bool", DType::kBool},       {"float", DType::kFloat32},   {"half", DType::kFloat16},
    {"double", DType::kFloat64},  {"short", DType::kInt16},     {"int", DType::kInt32},
    {"long", DType::kInt64},
};
constexpr size_t kCanonical = 10;

}  // namespace

const char* dtype_name(DType dtype) {
  for (size_t i = 0; i < kCanonical; ++i) {
    if (kNames[i].second == dtype) return kNames[i].first;
  }
  return "?";
}

std::optional<DType> dtype_from_name(const std::string& name) {
  for (const auto& [text, dtype] : kNames) {
    if (name == text) return dtype;
  }
  return std::nullopt;
}

std::string dtype_names() {
  std::string out;
  for (size_t i = 0; i < kCanonical; ++i) out += (i ? ", " : "") + std::string(kNames[i].first);
  return out;
}

}  // namespace pt2onnx
