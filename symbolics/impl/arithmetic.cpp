// Elementwise arithmetic, comparisons and unary math, on tensors and on TorchScript numbers.
// Operands are promoted as torch does (Note [Type promotion] in symbolics/helpers.h).
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/arithmetic.h"

namespace pt2onnx::sym {
namespace {

// A binary op computed in the promoted type of its operands.
ValueName promoted_binary(SymbolicContext& ctx, const Node& node, const char* op,
                          c10::ScalarType* result_type = nullptr) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  if (result_type != nullptr) *result_type = type;
  return ctx.emit(op, in);
}

// `other * alpha` where the schema has an alpha (add/sub) that is not 1.
ValueName scaled_by_alpha(SymbolicContext& ctx, const Node& node, const ValueName& other,
                          c10::ScalarType type) {
  const auto* schema = node.maybeSchema();
  if (schema == nullptr || !schema->argumentIndexWithName("alpha")) return other;
  const double alpha = ctx.const_float(node, "alpha");
  if (alpha == 1.0) return other;
  return ctx.emit("Mul", {other, ctx.scalar_constant(alpha, type)});
}

Outputs add_or_sub(SymbolicContext& ctx, const Node& node, const char* op) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  return {ctx.emit(op, {in[0], scaled_by_alpha(ctx, node, in[1], type)})};
}

Outputs comparison(SymbolicContext& ctx, const Node& node, const char* op, bool negate) {
  ValueName r = promoted_binary(ctx, node, op);
  if (negate) r = ctx.emit("Not", {r});
  return {r};
}

Outputs unary(SymbolicContext& ctx, const Node& node, const char* op) {
  ValueName x = ctx.tensor(node.input(0));
  // ONNX's float math ops take floats only; torch computes integer inputs as float.
  if (!c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) x = ctx.cast(x, c10::kFloat);
  return {ctx.emit(op, {x})};
}

}  // namespace

// aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) (and .Scalar, .int, .float)
Outputs add_v9(SymbolicContext& ctx, const Node& node) { return add_or_sub(ctx, node, "Add"); }
// aten::add.t(t[] a, t[] b) -> t[]: TorchScript's `+` of lists is concatenation. Element-wise
// lists join their items; number lists known only as 1-d tensors are Concat-ed.
Outputs add_list_v9(SymbolicContext& ctx, const Node& node) {
  const Lowered a = ctx.lowered(node.input(0));
  const Lowered b = ctx.lowered(node.input(1));
  if (a.kind == Lowered::Kind::kList && b.kind == Lowered::Kind::kList) {
    std::vector<ValueName> items = a.items;
    items.insert(items.end(), b.items.begin(), b.items.end());
    return {Lowered::list(std::move(items))};
  }
  const auto list_type = node.input(0)->type()->cast<c10::ListType>();
  if (list_type && list_type->getElementType()->kind() == c10::TypeKind::TensorType) {
    ctx.fail_unsupported("concatenating tensor lists whose length is known only at run time");
  }
  return {ctx.emit("Concat", {ctx.tensor(node.input(0)), ctx.tensor(node.input(1))},
                   {{"axis", int64_t{0}}})};
}
// aten::sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) (and .Scalar, .int, .float)
Outputs sub_v9(SymbolicContext& ctx, const Node& node) { return add_or_sub(ctx, node, "Sub"); }
// aten::rsub.Tensor(Tensor self, Tensor other, Scalar alpha=1) = other - self * alpha
Outputs rsub_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  return {ctx.emit("Sub", {in[1], scaled_by_alpha(ctx, node, in[0], type)})};
}
// aten::mul.Tensor(Tensor self, Tensor other) (and number overloads)
Outputs mul_v9(SymbolicContext& ctx, const Node& node) {
  c10::ScalarType type;
  auto [a, b] = binary_operands(ctx, node);
  type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  // Bool tensors multiply as logical and (ONNX Mul has no bool).
  if (type == c10::kBool) return {ctx.emit("And", in)};
  return {ctx.emit("Mul", in)};
}

// aten::div.Tensor(Tensor self, Tensor other): true division, integer inputs give float32.
Outputs div_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  c10::ScalarType type = promoted_type(ctx, {a, b});
  if (!c10::isFloatingType(type)) type = c10::kFloat;
  return {ctx.emit("Div", inputs_as(ctx, {a, b}, type))};
}

// aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode)
Outputs div_mode_v9(SymbolicContext& ctx, const Node& node) {
  if (ctx.is_none(node, "rounding_mode")) return div_v9(ctx, node);
  const std::string mode = ctx.const_string(node, "rounding_mode");
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  if (c10::isFloatingType(type)) {
    ValueName q = ctx.emit("Div", in);
    if (mode == "floor") return {ctx.emit("Floor", {q})};
    // trunc: sign(q) * floor(|q|)
    return {ctx.emit("Mul", {ctx.emit("Sign", {q}), ctx.emit("Floor", {ctx.emit("Abs", {q})})})};
  }
  if (mode == "trunc") return {ctx.emit("Div", in)};  // integer Div truncates
  return {int_floor_div(ctx, in[0], in[1], type)};
}

// aten::floordiv.int(int a, int b) -> int and aten::floor_divide(Tensor self, Tensor other):
// torch 1.13 floors (torch.onnx exports truncation, which differs for negative operands).
Outputs floor_divide_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  if (c10::isFloatingType(type)) return {ctx.emit("Floor", {ctx.emit("Div", in)})};
  return {int_floor_div(ctx, in[0], in[1], type)};
}

// aten::remainder.Tensor(Tensor self, Tensor other): Python's modulo (sign of the divisor).
Outputs remainder_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  // Integers: a - floor(a / b) * b (ONNX Mod arrives at opset 10).
  if (!c10::isFloatingType(type)) {
    return {
        ctx.emit("Sub", {in[0], ctx.emit("Mul", {int_floor_div(ctx, in[0], in[1], type), in[1]})})};
  }
  // a - floor(a / b) * b
  ValueName q = ctx.emit("Floor", {ctx.emit("Div", in)});
  return {ctx.emit("Sub", {in[0], ctx.emit("Mul", {q, in[1]})})};
}

// aten::pow.Tensor_Tensor / Tensor_Scalar / Scalar(Scalar self, Tensor exponent)
Outputs pow_v9(SymbolicContext& ctx, const Node& node) {
  const auto* schema = node.maybeSchema();
  const torch::jit::Value* base =
      ctx.arg(node, schema && schema->argumentIndexWithName("a") ? "a" : "self");
  const torch::jit::Value* exponent =
      schema && schema->argumentIndexWithName("b") ? ctx.arg(node, "b") : ctx.arg(node, "exponent");
  c10::ScalarType type = promoted_type(ctx, {base, exponent});
  // ONNX Pow-9 computes in float; integers round-trip through float32.
  const c10::ScalarType compute = c10::isFloatingType(type) ? type : c10::kFloat;
  auto in = inputs_as(ctx, {base, exponent}, compute);
  return {ctx.cast(ctx.emit("Pow", in), type)};
}

// aten::eq / ne (Tensor | Scalar): ONNX Equal takes floats only from opset 11, so eq_v9 compares
// floats as "neither less nor greater, and no NaN" (a + b is NaN exactly when an operand is NaN or
// they are opposite infinities, which are unequal anyway).
namespace {
ValueName equal_v9_impl(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  const at::Tensor* ca = ctx.constant_of(in[0]);
  const at::Tensor* cb = ctx.constant_of(in[1]);
  if (ca != nullptr && cb != nullptr) return ctx.constant(at::eq(*ca, *cb));  // e.g. If conditions
  if (!c10::isFloatingType(type)) {
    if (type != c10::kBool && type != c10::kInt && type != c10::kLong)
      in = inputs_as(ctx, {a, b}, c10::kLong);
    return ctx.emit("Equal", in);
  }
  const ValueName ordered = ctx.emit("Or", {ctx.emit("Less", in), ctx.emit("Greater", in)});
  const ValueName nan = ctx.emit("IsNaN", {ctx.emit("Add", in)});
  return ctx.emit("Not", {ctx.emit("Or", {ordered, nan})});
}
}  // namespace
Outputs eq_v9(SymbolicContext& ctx, const Node& node) { return {equal_v9_impl(ctx, node)}; }
Outputs ne_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Not", {equal_v9_impl(ctx, node)})};
}
Outputs eq_v11(SymbolicContext& ctx, const Node& node) {
  return comparison(ctx, node, "Equal", false);
}
Outputs ne_v11(SymbolicContext& ctx, const Node& node) {
  return comparison(ctx, node, "Equal", true);
}

namespace {
// Two shape lists whose elements are known to be equal, number by number or dim_param by
// dim_param (`key.shape == value.shape` of two inputs with the same dynamic axes).
bool same_symbolic_values(SymbolicContext& ctx, const ValueName& a, const ValueName& b) {
  const auto* da = ctx.builder().shape_data_of(a);
  const auto* db = ctx.builder().shape_data_of(b);
  if (da == nullptr || db == nullptr || da->size() != db->size()) return false;
  for (size_t i = 0; i < da->size(); ++i) {
    const auto& x = (*da)[i];
    const auto& y = (*db)[i];
    const bool same_number = x.value && y.value && *x.value == *y.value;
    const bool same_symbol = !x.symbol.empty() && x.symbol == y.symbol;
    if (!same_number && !same_symbol) return false;
  }
  return true;
}
}  // namespace

// aten::eq.int_list / eq.float_list / eq.bool_list (a, b) -> bool: whole-list
// equality (one bool, not elementwise). Folded when both lists are known (static sizes);
// otherwise equal lengths and every element equal.
Outputs eq_list_v9(SymbolicContext& ctx, const Node& node) {
  auto [va, vb] = binary_operands(ctx, node);
  const auto ka = ctx.known_value(va);
  const auto kb = ctx.known_value(vb);
  if (ka && kb) return {ctx.scalar_constant(*ka == *kb ? 1 : 0, c10::kBool)};
  const ValueName a = ctx.tensor(va);
  const ValueName b = ctx.tensor(vb);
  const at::Tensor* ca = ctx.constant_of(a);
  const at::Tensor* cb = ctx.constant_of(b);
  if (ca != nullptr && cb != nullptr) {
    const bool same = ca->sizes() == cb->sizes() && at::equal(*ca, cb->to(ca->scalar_type()));
    return {ctx.scalar_constant(same ? 1 : 0, c10::kBool)};
  }
  if (a == b || same_symbolic_values(ctx, a, b)) return {ctx.scalar_constant(1, c10::kBool)};
  const auto sa = ctx.static_shape(a);
  const auto sb = ctx.static_shape(b);
  if (sa && sb && *sa != *sb) return {ctx.scalar_constant(0, c10::kBool)};
  if (!sa || !sb) ctx.fail_unsupported("comparing lists whose lengths are only known at run time");
  const c10::ScalarType type = promoted_type(ctx, {va, vb});
  auto in = inputs_as(ctx, {va, vb}, type);
  const ValueName differ = ctx.cast(ctx.emit("Not", {ctx.emit("Equal", in)}), c10::kLong);
  const ValueName n = onnx_ops::reduce(ctx.builder(), "ReduceSum", differ, {}, false);
  return {ctx.emit("Equal", {n, ctx.scalar_constant(0, c10::kLong)})};
}
// aten::ne.int_list etc.: not eq.
Outputs ne_list_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Not", {eq_list_v9(ctx, node)[0].name})};
}
Outputs lt_v9(SymbolicContext& ctx, const Node& node) {
  return comparison(ctx, node, "Less", false);
}
Outputs gt_v9(SymbolicContext& ctx, const Node& node) {
  return comparison(ctx, node, "Greater", false);
}
// le = not gt, ge = not lt, and false where a float operand is NaN (NaN compares false both
// ways). LessOrEqual/GreaterOrEqual (opset 12) are function ops that ONNX 1.12 cannot type node
// by node, so this form serves at every opset.
namespace {
Outputs not_opposite(SymbolicContext& ctx, const Node& node, const char* opposite) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  ValueName r = ctx.emit("Not", {ctx.emit(opposite, in)});
  if (!c10::isFloatingType(type)) return {r};
  const ValueName nan = ctx.emit("Or", {ctx.emit("IsNaN", {in[0]}), ctx.emit("IsNaN", {in[1]})});
  return {ctx.emit("And", {r, ctx.emit("Not", {nan})})};
}
}  // namespace

Outputs le_v9(SymbolicContext& ctx, const Node& node) { return not_opposite(ctx, node, "Greater"); }
Outputs ge_v9(SymbolicContext& ctx, const Node& node) { return not_opposite(ctx, node, "Less"); }

// aten::neg(Tensor self)
Outputs neg_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Neg", {ctx.tensor(node.input(0))})};
}
Outputs abs_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Abs", {ctx.tensor(node.input(0))})};
}
Outputs sqrt_v9(SymbolicContext& ctx, const Node& node) { return unary(ctx, node, "Sqrt"); }
Outputs exp_v9(SymbolicContext& ctx, const Node& node) { return unary(ctx, node, "Exp"); }
Outputs log_v9(SymbolicContext& ctx, const Node& node) { return unary(ctx, node, "Log"); }
Outputs reciprocal_v9(SymbolicContext& ctx, const Node& node) {
  return unary(ctx, node, "Reciprocal");
}
Outputs floor_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Floor", {ctx.tensor(node.input(0))})};
}
Outputs ceil_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Ceil", {ctx.tensor(node.input(0))})};
}
Outputs sin_v9(SymbolicContext& ctx, const Node& node) { return unary(ctx, node, "Sin"); }
Outputs cos_v9(SymbolicContext& ctx, const Node& node) { return unary(ctx, node, "Cos"); }
Outputs erf_v9(SymbolicContext& ctx, const Node& node) { return unary(ctx, node, "Erf"); }

// aten::maximum / minimum(Tensor self, Tensor other), and max.other / min.other.
// ONNX Max/Min take only floats before opset 12: integers and bools use Greater/Less + Where.
Outputs maximum_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  if (c10::isFloatingType(type)) return {ctx.emit("Max", in)};
  if (type == c10::kBool) return {ctx.emit("Or", in)};
  return {ctx.emit("Where", {ctx.emit("Greater", in), in[0], in[1]})};
}
Outputs minimum_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  if (c10::isFloatingType(type)) return {ctx.emit("Min", in)};
  if (type == c10::kBool) return {ctx.emit("And", in)};
  return {ctx.emit("Where", {ctx.emit("Less", in), in[0], in[1]})};
}
// aten::rsqrt(Tensor self) = 1 / sqrt(x)
Outputs rsqrt_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.tensor(node.input(0));
  if (!c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) x = ctx.cast(x, c10::kFloat);
  return {ctx.emit("Reciprocal", {ctx.emit("Sqrt", {x})})};
}

}  // namespace pt2onnx::sym
