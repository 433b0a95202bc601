#include "onnx/type_legalizer.h"

#include <algorithm>
#include <map>
#include <string>

#include "pt2onnx/error.h"
#include "pt2onnx/options.h"

namespace pt2onnx::onnx_ir {
namespace {

using onnx::TensorProto_DataType;
constexpr int32_t kBool = TensorProto_DataType::TensorProto_DataType_BOOL;
constexpr int32_t kU8 = TensorProto_DataType::TensorProto_DataType_UINT8;
constexpr int32_t kI8 = TensorProto_DataType::TensorProto_DataType_INT8;
constexpr int32_t kU16 = TensorProto_DataType::TensorProto_DataType_UINT16;
constexpr int32_t kI16 = TensorProto_DataType::TensorProto_DataType_INT16;
constexpr int32_t kU32 = TensorProto_DataType::TensorProto_DataType_UINT32;
constexpr int32_t kI32 = TensorProto_DataType::TensorProto_DataType_INT32;
constexpr int32_t kU64 = TensorProto_DataType::TensorProto_DataType_UINT64;
constexpr int32_t kI64 = TensorProto_DataType::TensorProto_DataType_INT64;
constexpr int32_t kF16 = TensorProto_DataType::TensorProto_DataType_FLOAT16;
constexpr int32_t kBF16 = TensorProto_DataType::TensorProto_DataType_BFLOAT16;
constexpr int32_t kF32 = TensorProto_DataType::TensorProto_DataType_FLOAT;
constexpr int32_t kF64 = TensorProto_DataType::TensorProto_DataType_DOUBLE;

// The spelling ONNX schemas use for a tensor of this element type.
std::string schema_type(int32_t elem) {
  switch (elem) {
    case kBool:
      return "tensor(bool)";
    case kU8:
      return "tensor(uint8)";
    case kI8:
      return "tensor(int8)";
    case kU16:
      return "tensor(uint16)";
    case kI16:
      return "tensor(int16)";
    case kU32:
      return "tensor(uint32)";
    case kI32:
      return "tensor(int32)";
    case kU64:
      return "tensor(uint64)";
    case kI64:
      return "tensor(int64)";
    case kF16:
      return "tensor(float16)";
    case kBF16:
      return "tensor(bfloat16)";
    case kF32:
      return "tensor(float)";
    case kF64:
      return "tensor(double)";
    default:
      return "";
  }
}

std::string type_name(int32_t elem) {
  const std::string s = schema_type(elem);
  return s.empty() ? "type " + std::to_string(elem) : s.substr(7, s.size() - 8);
}

// The types that hold every value of `elem`, nearest first. Integers widen to integers before
// floats: integer arithmetic in a wider integer type and cast back wraps exactly as torch's does,
// and a float result out of the narrow type's range would not convert back. int64, uint64 and
// double have no wider type.
std::vector<int32_t> lossless_widenings(int32_t elem) {
  switch (elem) {
    case kBool:
      return {kI32, kI64, kF32, kF64, kU8, kI8, kI16, kU16, kU32, kU64, kF16};
    case kU8:
      return {kI32, kI64, kU16, kU32, kU64, kI16, kF32, kF64, kF16};
    case kI8:
      return {kI32, kI64, kI16, kF32, kF64, kF16};
    case kU16:
      return {kI32, kI64, kU32, kU64, kF32, kF64};
    case kI16:
      return {kI32, kI64, kF32, kF64};
    case kU32:
      return {kI64, kU64, kF64};
    case kI32:
      return {kI64, kF64};
    case kF16:
    case kBF16:
      return {kF32, kF64};
    case kF32:
      return {kF64};
    default:
      return {};
  }
}

// The schema's formal parameter for actual input (or output) `i`, or nullptr where the types of
// a variadic may differ from one another.
const onnx::OpSchema::FormalParameter* formal_for(
    const std::vector<onnx::OpSchema::FormalParameter>& formals, size_t i) {
  if (formals.empty()) return nullptr;
  const auto* p = i < formals.size() ? &formals[i] : &formals.back();
  if (i >= formals.size() && p->GetOption() != onnx::OpSchema::Variadic) return nullptr;
  if (p->GetOption() == onnx::OpSchema::Variadic && !p->GetIsHomogeneous()) return nullptr;
  return p;
}

bool allows(const onnx::OpSchema& schema, const std::string& type_str, int32_t elem) {
  const std::string want = schema_type(elem);
  for (const auto& param : schema.typeConstraintParams()) {
    if (param.type_param_str != type_str) continue;
    const auto& allowed = param.allowed_type_strs;
    return std::find(allowed.begin(), allowed.end(), want) != allowed.end();
  }
  return type_str == want;  // a fixed type ("tensor(int64)")
}

// The first opset after `opset` whose schema of the op takes `elem` at input `index`.
std::optional<int> first_opset_taking(const onnx::OpSchema& schema, int opset, size_t index,
                                      int32_t elem) {
  for (int v = opset + 1; v <= kMaxOpset; ++v) {
    const auto* later = onnx::OpSchemaRegistry::Schema(schema.Name(), v, schema.domain());
    if (later == nullptr) continue;
    const auto* formal = formal_for(later->inputs(), index);
    if (formal != nullptr && allows(*later, formal->GetTypeStr(), elem)) return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<TypePlan> plan_types(const onnx::OpSchema& schema, int opset,
                                   const std::vector<std::optional<int32_t>>& input_types,
                                   size_t num_outputs) {
  // The inputs bound to each type parameter (or fixed type), with their types. An input of
  // unknown type bound to a parameter with typed inputs has their type in any valid node: it is
  // kept aside, to be cast with them.
  std::map<std::string, std::vector<size_t>> bound;
  std::map<std::string, std::vector<size_t>> untyped;
  for (size_t i = 0; i < input_types.size(); ++i) {
    const auto* formal = formal_for(schema.inputs(), i);
    if (formal == nullptr) continue;
    if (!input_types[i]) {
      untyped[formal->GetTypeStr()].push_back(i);
    } else if (!schema_type(*input_types[i]).empty()) {
      bound[formal->GetTypeStr()].push_back(i);
    }
  }
  TypePlan plan;
  plan.input_casts.assign(input_types.size(), 0);
  plan.output_casts.assign(num_outputs, 0);
  std::map<std::string, int32_t> rebound;  // type parameter -> the original type
  for (const auto& [type_str, indices] : bound) {
    const int32_t elem = *input_types[indices.front()];
    for (size_t i : indices) {
      if (*input_types[i] != elem) {
        throw Error(ErrorKind::kInternal,
                    "emitted an ONNX " + schema.Name() + " whose inputs bound to " + type_str +
                        " have different types (" + type_name(elem) + " and " +
                        type_name(*input_types[i]) + "); the lowering must promote them first");
      }
    }
    if (allows(schema, type_str, elem)) continue;
    int32_t to = 0;
    for (int32_t candidate : lossless_widenings(elem)) {
      if (allows(schema, type_str, candidate)) {
        to = candidate;
        break;
      }
    }
    if (to == 0) {
      const std::string what = "ONNX " + schema.Name() + " on " + type_name(elem) + " tensors";
      if (auto later = first_opset_taking(schema, opset, indices.front(), elem)) {
        throw needs_opset_error(*later, what);
      }
      throw Error(DiagCode::kUnsupportedDtype,
                  what + ": ONNX " + schema.Name() + " at opset " + std::to_string(opset) +
                      " takes no type that holds every " + type_name(elem) +
                      " value, and no later opset takes " + type_name(elem));
    }
    for (size_t i : indices) plan.input_casts[i] = to;
    for (size_t i : untyped[type_str]) plan.input_casts[i] = to;
    rebound[type_str] = elem;
  }
  if (rebound.empty()) return std::nullopt;
  for (size_t j = 0; j < num_outputs; ++j) {
    const auto* formal = formal_for(schema.outputs(), j);
    if (formal == nullptr) continue;
    auto it = rebound.find(formal->GetTypeStr());
    if (it != rebound.end()) plan.output_casts[j] = it->second;
  }
  return plan;
}

}  // namespace pt2onnx::onnx_ir
