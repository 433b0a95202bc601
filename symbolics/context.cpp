#include "symbolics/context.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "onnx/tensor_proto.h"
#include "symbolics/aliasing.h"

namespace pt2onnx::sym {
namespace {

using torch::jit::Value;

std::string without_self_prefix(const std::string& debug_name) {
  static const std::string kSelf = "self.";
  return debug_name.rfind(kSelf, 0) == 0 ? debug_name.substr(kSelf.size()) : "";
}

}  // namespace

SymbolicContext::SymbolicContext(onnx_ir::GraphBuilder& builder, ValueBindings& bindings,
                                 BlockConverter& blocks, ContextSettings settings)
    : builder_(builder), bindings_(bindings), blocks_(blocks), settings_(settings) {}

// ---------------------------------------------------------------- arguments

const Value* SymbolicContext::arg(const Node& node, const char* name) const {
  if (node.maybeSchema() == nullptr) {
    const size_t index = std::stoul(name);
    if (index >= node.inputs().size()) {
      throw Error(ErrorKind::kInternal, std::string("argument ") + name + " of " +
                                            node.kind().toQualString() + " is out of range");
    }
    return node.input(index);
  }
  try {
    return node.namedInput(name);
  } catch (const std::exception&) {
    throw Error(ErrorKind::kInternal,
                std::string(node.kind().toQualString()) + " has no argument named '" + name + "'");
  }
}

bool SymbolicContext::is_none(const Node& node, const char* name) {
  const Value* v = arg(node, name);
  if (v->type()->kind() == c10::TypeKind::NoneType) return true;
  if (v->node()->kind() == c10::prim::Constant) {
    auto iv = torch::jit::toIValue(v);
    return iv && iv->isNone();
  }
  return lowered(v).kind == Lowered::Kind::kNone;
}

ValueName SymbolicContext::input(const Node& node, const char* name) {
  return tensor(arg(node, name));
}

std::optional<ValueName> SymbolicContext::optional_input(const Node& node, const char* name) {
  if (is_none(node, name)) return std::nullopt;
  return input(node, name);
}

std::vector<ValueName> SymbolicContext::input_list(const Node& node, const char* name) {
  return tensor_list(arg(node, name));
}

bool SymbolicContext::is_number(const Node& node, const char* name) const {
  const auto kind = arg(node, name)->type()->kind();
  return kind == c10::TypeKind::IntType || kind == c10::TypeKind::FloatType ||
         kind == c10::TypeKind::BoolType || kind == c10::TypeKind::NumberType;
}

c10::IValue SymbolicContext::require_known(const Node& node, const char* name) {
  auto iv = known_value(arg(node, name));
  if (!iv) {
    fail(DiagCode::kRunTimeValue,
         std::string("argument '") + name + "' of " + node.kind().toQualString() +
             " must be known at conversion time; here it is computed at run time");
  }
  return *iv;
}

int64_t SymbolicContext::const_int(const Node& node, const char* name) {
  c10::IValue iv = require_known(node, name);
  if (iv.isInt()) return iv.toInt();
  if (iv.isBool()) return iv.toBool() ? 1 : 0;
  if (iv.isTensor() && iv.toTensor().numel() == 1) return iv.toTensor().item<int64_t>();
  if (iv.isDouble()) return static_cast<int64_t>(iv.toDouble());
  fail_invalid(std::string("argument '") + name + "' of " + node.kind().toQualString() +
               " should be an int");
}

std::optional<int64_t> SymbolicContext::optional_const_int(const Node& node, const char* name) {
  if (is_none(node, name)) return std::nullopt;
  return const_int(node, name);
}

double SymbolicContext::const_float(const Node& node, const char* name) {
  c10::IValue iv = require_known(node, name);
  if (iv.isDouble()) return iv.toDouble();
  if (iv.isInt()) return static_cast<double>(iv.toInt());
  if (iv.isBool()) return iv.toBool() ? 1.0 : 0.0;
  if (iv.isTensor() && iv.toTensor().numel() == 1) return iv.toTensor().item<double>();
  fail_invalid(std::string("argument '") + name + "' of " + node.kind().toQualString() +
               " should be a number");
}

std::optional<double> SymbolicContext::optional_const_float(const Node& node, const char* name) {
  if (is_none(node, name)) return std::nullopt;
  return const_float(node, name);
}

bool SymbolicContext::const_bool(const Node& node, const char* name) {
  return const_int(node, name) != 0;
}

std::vector<int64_t> SymbolicContext::const_ints(const Node& node, const char* name) {
  c10::IValue iv = require_known(node, name);
  if (iv.isIntList()) return iv.toIntVector();
  if (iv.isInt()) return {iv.toInt()};
  if (iv.isTensor()) {
    at::Tensor t = iv.toTensor().to(at::kLong).contiguous().reshape({-1});
    return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
  }
  fail_invalid(std::string("argument '") + name + "' of " + node.kind().toQualString() +
               " should be a list of ints");
}

std::optional<std::vector<int64_t>> SymbolicContext::optional_const_ints(const Node& node,
                                                                         const char* name) {
  if (is_none(node, name)) return std::nullopt;
  return const_ints(node, name);
}

std::string SymbolicContext::const_string(const Node& node, const char* name) {
  c10::IValue iv = require_known(node, name);
  if (!iv.isString()) {
    fail_invalid(std::string("argument '") + name + "' of " + node.kind().toQualString() +
                 " should be a string");
  }
  return iv.toStringRef();
}

std::optional<c10::ScalarType> SymbolicContext::optional_const_dtype(const Node& node,
                                                                     const char* name) {
  if (is_none(node, name)) return std::nullopt;
  return static_cast<c10::ScalarType>(const_int(node, name));
}

std::optional<c10::IValue> SymbolicContext::known_value(const Value* value) {
  const Node* producer = value->node();
  if (producer->kind() == c10::prim::Constant) return torch::jit::toIValue(value);
  if (producer->kind() == c10::prim::ListConstruct) {
    // A list that an op writes to (append in a loop) holds its construction's items only until
    // then: its value is the writes' result, which the converter computes, not a constant; a
    // list of objects appended to is the constant the appends bound (append_v9).
    for (const torch::jit::Use& use : value->uses()) {
      if (!writes_input(*use.user, use.offset)) continue;
      const Lowered* bound = bindings_.find(value);
      if (bound != nullptr && bound->kind == Lowered::Kind::kObject) return *bound->object;
      return std::nullopt;
    }
    const auto elem =
        value->type()->containedTypes().empty() ? nullptr : value->type()->containedTypes()[0];
    std::vector<c10::IValue> items;
    for (const Value* in : producer->inputs()) {
      auto iv = known_value(in);
      if (!iv) return std::nullopt;
      items.push_back(*iv);
    }
    if (elem && elem->kind() == c10::TypeKind::ClassType) {
      c10::impl::GenericList objects(elem);
      for (const auto& iv : items) objects.push_back(iv);
      return c10::IValue(objects);
    }
    if (elem && elem->kind() == c10::TypeKind::IntType) {
      std::vector<int64_t> ints;
      for (const auto& iv : items) ints.push_back(iv.toInt());
      return c10::IValue(ints);
    }
    if (elem && elem->kind() == c10::TypeKind::FloatType) {
      std::vector<double> floats;
      for (const auto& iv : items) floats.push_back(iv.toDouble());
      return c10::IValue(floats);
    }
    if (elem && elem->kind() == c10::TypeKind::BoolType) {
      c10::List<bool> bools;
      for (const auto& iv : items) bools.push_back(iv.toBool());
      return c10::IValue(bools);
    }
    return std::nullopt;
  }
  const Lowered* bound = bindings_.find(value);
  if (bound != nullptr && bound->kind == Lowered::Kind::kObject) return *bound->object;
  if (bound != nullptr && bound->kind == Lowered::Kind::kNone) return c10::IValue();
  if (bound == nullptr || bound->kind != Lowered::Kind::kTensor) return std::nullopt;
  const at::Tensor* t = builder_.constant_of(bound->name);
  if (t == nullptr) return std::nullopt;
  switch (value->type()->kind()) {
    case c10::TypeKind::IntType:
      return c10::IValue(t->item<int64_t>());
    case c10::TypeKind::FloatType:
      return c10::IValue(t->item<double>());
    case c10::TypeKind::BoolType:
      return c10::IValue(t->item<bool>());
    case c10::TypeKind::NumberType:
      if (at::isFloatingType(t->scalar_type())) return c10::IValue(t->item<double>());
      return c10::IValue(t->item<int64_t>());
    case c10::TypeKind::ListType: {
      at::Tensor l = t->to(at::kLong).contiguous().reshape({-1});
      return c10::IValue(
          std::vector<int64_t>(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel()));
    }
    default:
      return c10::IValue(*t);
  }
}

std::optional<c10::ScalarType> SymbolicContext::converted_dtype(const Value* value) const {
  const Lowered* bound = bindings_.find(value);
  if (bound == nullptr || bound->kind != Lowered::Kind::kTensor) return std::nullopt;
  return dtype(bound->name);
}

// ---------------------------------------------------------------- values

Lowered SymbolicContext::lowered(const Value* value) {
  if (const Lowered* bound = bindings_.find(value)) return *bound;
  return materialize(value);
}

Lowered SymbolicContext::lower_constant(const Value* value, const c10::IValue& iv) {
  if (iv.isNone()) return Lowered::none();
  if (iv.isTensor() && value != nullptr) {
    const at::Tensor& t = iv.toTensor();
    const std::string param = without_self_prefix(value->debugName());
    if (!param.empty()) return builder_.add_parameter(param, t, settings_.export_params);
    // Named values computed from weights (conv1.weight_fused_bn) keep their name as a hint.
    const std::string& name = value->debugName();
    const bool meaningful = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    return builder_.add_constant(t, meaningful ? name : "const");
  }
  if (iv.isInt()) return int_constant(iv.toInt());
  if (iv.isDouble()) return scalar_constant(iv.toDouble(), c10::kFloat);
  if (iv.isBool()) return scalar_constant(iv.toBool() ? 1 : 0, c10::kBool);
  if (iv.isIntList()) return ints_constant(iv.toIntVector());
  if (iv.isDoubleList()) {
    const auto values = iv.toDoubleVector();
    return constant(at::tensor(values, at::kDouble).to(at::kFloat));
  }
  if (iv.isBoolList()) {
    std::vector<int64_t> ints;
    for (bool b : iv.toBoolList()) ints.push_back(b ? 1 : 0);
    return constant(at::tensor(ints, at::kLong).to(at::kBool));
  }
  if (iv.isTensorList()) {
    std::vector<ValueName> items;
    for (const at::Tensor& t : iv.toTensorVector()) items.push_back(constant(t));
    return Lowered::list(items);
  }
  // Strings, devices and the like: only readable as constants (const_string ...).
  return Lowered::known_object(std::make_shared<const c10::IValue>(iv));
}

Lowered SymbolicContext::known(const c10::IValue& value) {
  if (value.isTensor()) return constant(value.toTensor());
  return lower_constant(nullptr, value);
}

Lowered SymbolicContext::materialize(const Value* value) {
  const Node* producer = value->node();
  if (producer->kind() == c10::prim::Constant) {
    Lowered result = lower_constant(value, *torch::jit::toIValue(value));
    // Initializers live in the main graph, so the binding can too.
    bindings_.bind_global(value, result);
    return result;
  }
  if (producer->kind() == c10::prim::ListConstruct) {
    std::vector<ValueName> items;
    for (const Value* in : producer->inputs()) items.push_back(tensor(in));
    Lowered result = Lowered::list(std::move(items));
    bind(value, result);
    return result;
  }
  throw Error(ErrorKind::kInternal, "value %" + value->debugName() + " (from " +
                                        producer->kind().toQualString() +
                                        ") is used before it was converted");
}

ValueName SymbolicContext::tensor(const Value* value) {
  Lowered l = lowered(value);
  switch (l.kind) {
    case Lowered::Kind::kTensor:
      return l.name;
    case Lowered::Kind::kList: {
      // A list of numbers whose elements are known one by one: one 1-d tensor, int64 for int[]
      // and float32 (the type float scalars are lowered as) for float[], bool for bool[].
      c10::ScalarType elem = c10::kLong;
      const auto contained = value->type()->containedTypes();
      if (value->type()->kind() == c10::TypeKind::ListType && !contained.empty()) {
        if (contained[0]->kind() == c10::TypeKind::FloatType) elem = c10::kFloat;
        if (contained[0]->kind() == c10::TypeKind::BoolType) elem = c10::kBool;
      }
      std::vector<ValueName> parts;
      for (const auto& item : l.items) {
        ValueName part = cast(item, elem);
        const auto r = rank(part);
        if (!r || *r == 0) part = onnx_ops::unsqueeze(builder_, part, {0});
        parts.push_back(part);
      }
      if (parts.empty()) return ints_constant({});
      if (parts.size() == 1) return parts[0];
      return emit("Concat", parts, {{"axis", 0}});
    }
    case Lowered::Kind::kSequence:
      fail_unsupported(
          "a list built at run time (an ONNX sequence) is used where a tensor is "
          "expected");
    case Lowered::Kind::kOptional:
      fail_unsupported(
          "an Optional value that is None or a tensor depending on run-time values (an if or "
          "loop result) is used where a tensor is expected without an `is not None` check");
    case Lowered::Kind::kNone:
    case Lowered::Kind::kObject:
      break;
  }
  fail_invalid("value %" + value->debugName() +
               " is None (or not a tensor) where a tensor is "
               "expected");
}

std::vector<ValueName> SymbolicContext::tensor_list(const Value* value) {
  Lowered l = lowered(value);
  if (l.kind == Lowered::Kind::kList) return l.items;
  if (l.kind == Lowered::Kind::kTensor) return {l.name};
  fail_unsupported("a list of tensors built at run time is not supported here");
}

// ---------------------------------------------------------------- emission

ValueName SymbolicContext::emit(const std::string& op_type, const std::vector<ValueName>& inputs,
                                const Attrs& attrs) {
  return builder_.emit(op_type, inputs, attrs, 1)[0];
}

std::vector<ValueName> SymbolicContext::emit_n(const std::string& op_type,
                                               const std::vector<ValueName>& inputs,
                                               const Attrs& attrs, size_t num_outputs) {
  return builder_.emit(op_type, inputs, attrs, num_outputs);
}

ValueName SymbolicContext::constant(const at::Tensor& value) {
  return builder_.add_constant(value);
}

ValueName SymbolicContext::int_constant(int64_t value) {
  return builder_.add_constant(at::scalar_tensor(value, at::kLong));
}

ValueName SymbolicContext::ints_constant(const std::vector<int64_t>& values) {
  return builder_.add_constant(at::tensor(values, at::kLong));
}

ValueName SymbolicContext::scalar_constant(double value, c10::ScalarType type) {
  return builder_.add_constant(at::scalar_tensor(value, at::kDouble).to(type));
}

ValueName SymbolicContext::cast(const ValueName& value, c10::ScalarType to) {
  if (dtype(value) == to) return value;
  return emit("Cast", {value}, {{"to", static_cast<int64_t>(onnx_ir::onnx_dtype(to))}});
}

// ---------------------------------------------------------------- types

std::optional<c10::ScalarType> SymbolicContext::dtype(const ValueName& value) const {
  auto elem = builder_.elem_type(value);
  if (!elem) return std::nullopt;
  return onnx_ir::torch_dtype(*elem);
}

c10::ScalarType SymbolicContext::require_dtype(const ValueName& value) const {
  auto t = dtype(value);
  if (!t) fail(DiagCode::kUnknownRank, "the element type of '" + value + "' is unknown");
  return *t;
}

std::optional<int64_t> SymbolicContext::rank(const ValueName& value) const {
  return builder_.rank(value);
}

int64_t SymbolicContext::require_rank(const ValueName& value) const {
  auto r = rank(value);
  if (!r) {
    fail(DiagCode::kUnknownRank,
         "this op needs the rank of its input, which is unknown here; give the model "
         "inputs' shapes with --shape NAME:D0xD1x... (dynamic axes stay dynamic with "
         "--dynamic)");
  }
  return *r;
}

std::optional<std::vector<std::optional<int64_t>>> SymbolicContext::dims(
    const ValueName& value) const {
  return builder_.dims(value);
}

std::optional<std::vector<int64_t>> SymbolicContext::static_shape(const ValueName& value) const {
  auto d = dims(value);
  if (!d) return std::nullopt;
  std::vector<int64_t> out;
  for (const auto& x : *d) {
    if (!x) return std::nullopt;
    out.push_back(*x);
  }
  return out;
}

const at::Tensor* SymbolicContext::constant_of(const ValueName& value) const {
  return builder_.constant_of(value);
}

void SymbolicContext::fail(DiagCode code, const std::string& message) const {
  throw Error(code, message);
}

void SymbolicContext::fail_unsupported(const std::string& message) const {
  fail(DiagCode::kUnsupportedConstruct, message);
}

void SymbolicContext::fail_invalid(const std::string& message) const {
  fail(DiagCode::kBadArgument, message);
}

void SymbolicContext::needs_opset(int first_opset, const std::string& what) const {
  throw needs_opset_error(first_opset, what);
}

}  // namespace pt2onnx::sym
