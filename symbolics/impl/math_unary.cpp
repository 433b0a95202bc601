// Elementwise math beyond the basic arithmetic: trigonometry, logarithms, rounding, NaN/inf
// handling, fmod, and the fused ternaries lerp/addcmul.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <cmath>
#include <limits>

#include "symbolics/helpers.h"
#include "symbolics/impl/math_unary.h"

namespace pt2onnx::sym {
namespace {

// A float-only ONNX op on `self`; integer inputs are computed as float32, as torch does.
Outputs float_unary(SymbolicContext& ctx, const Node& node, const char* op) {
  return {ctx.emit(op, {as_floating(ctx, ctx.input(node, "self"))})};
}

// log(x) * scale, the change of base for log2 and log10.
Outputs scaled_log(SymbolicContext& ctx, const Node& node, double base) {
  const ValueName x = as_floating(ctx, ctx.input(node, "self"));
  const auto type = ctx.require_dtype(x);
  return {ctx.emit("Div", {ctx.emit("Log", {x}), ctx.scalar_constant(std::log(base), type)})};
}

}  // namespace

// aten::acos/asin/atan/tan(Tensor self): ONNX Acos/Asin/Atan/Tan (opset 7).
Outputs acos_v9(SymbolicContext& ctx, const Node& node) { return float_unary(ctx, node, "Acos"); }
Outputs asin_v9(SymbolicContext& ctx, const Node& node) { return float_unary(ctx, node, "Asin"); }
Outputs atan_v9(SymbolicContext& ctx, const Node& node) { return float_unary(ctx, node, "Atan"); }
Outputs tan_v9(SymbolicContext& ctx, const Node& node) { return float_unary(ctx, node, "Tan"); }

// aten::sign(Tensor self): ONNX Sign (opset 9, all numeric types); bool is its own sign.
Outputs sign_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (ctx.dtype(x) == c10::kBool) return {x};
  return {ctx.emit("Sign", {x})};
}

// aten::round(Tensor self) / round.decimals(Tensor self, *, int decimals): ONNX Round (opset 11)
// rounds half to even like torch; decimals scale by 10^d around it.
Outputs round_v11(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  if (!c10::isFloatingType(type)) return {x};
  const auto* schema = node.maybeSchema();
  const int64_t decimals =
      schema && schema->argumentIndexWithName("decimals") ? ctx.const_int(node, "decimals") : 0;
  if (decimals == 0) return {ctx.emit("Round", {x})};
  const ValueName scale = ctx.scalar_constant(std::pow(10.0, static_cast<double>(decimals)), type);
  return {ctx.emit("Div", {ctx.emit("Round", {ctx.emit("Mul", {x, scale})}), scale})};
}

// aten::log2 / log10(Tensor self): Log divided by ln(base).
Outputs log2_v9(SymbolicContext& ctx, const Node& node) { return scaled_log(ctx, node, 2.0); }
Outputs log10_v9(SymbolicContext& ctx, const Node& node) { return scaled_log(ctx, node, 10.0); }

// aten::log1p(Tensor self): Log(1 + x).
Outputs log1p_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, ctx.input(node, "self"));
  return {ctx.emit("Log", {ctx.emit("Add", {x, ctx.scalar_constant(1.0, ctx.require_dtype(x))})})};
}

// aten::square(Tensor self): Mul(x, x); torch squares bools as int64.
Outputs square_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  if (ctx.dtype(x) == c10::kBool) x = ctx.cast(x, c10::kLong);
  return {ctx.emit("Mul", {x, x})};
}

// aten::nan_to_num(Tensor self, float? nan=None, float? posinf=None, float? neginf=None)
// IsNaN/IsInf + Where; IsInf needs opset 10. Integers pass through.
Outputs nan_to_num_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  if (!c10::isFloatingType(type)) return {x};
  double big = std::numeric_limits<float>::max();
  if (type == c10::kDouble) big = std::numeric_limits<double>::max();
  if (type == c10::kHalf) big = 65504.0;
  if (type == c10::kBFloat16) big = 3.3895313892515355e38;
  const double nan = ctx.optional_const_float(node, "nan").value_or(0.0);
  const double posinf = ctx.optional_const_float(node, "posinf").value_or(big);
  const double neginf = ctx.optional_const_float(node, "neginf").value_or(-big);
  ValueName y = ctx.emit("Where", {ctx.emit("IsNaN", {x}), ctx.scalar_constant(nan, type), x});
  y = ctx.emit("Where", {ctx.emit("IsInf", {x}, {{"detect_negative", int64_t{0}}}),
                         ctx.scalar_constant(posinf, type), y});
  y = ctx.emit("Where", {ctx.emit("IsInf", {x}, {{"detect_positive", int64_t{0}}}),
                         ctx.scalar_constant(neginf, type), y});
  return {y};
}

// aten::fmod.Tensor / fmod.Scalar(Tensor self, other): ONNX Mod(fmod=1) (opset 10), the C
// remainder with the dividend's sign, for floats and integers.
Outputs fmod_v10(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  return {ctx.emit("Mod", inputs_as(ctx, {a, b}, type), {{"fmod", int64_t{1}}})};
}

// aten::lerp.Scalar / lerp.Tensor(Tensor self, Tensor end, weight) = self + weight * (end - self)
Outputs lerp_v9(SymbolicContext& ctx, const Node& node) {
  const auto* self = ctx.arg(node, "self");
  const auto* end = ctx.arg(node, "end");
  const auto* weight = ctx.arg(node, "weight");
  const c10::ScalarType type = promoted_type(ctx, {self, end, weight});
  auto in = inputs_as(ctx, {self, end, weight}, type);
  return {ctx.emit("Add", {in[0], ctx.emit("Mul", {in[2], ctx.emit("Sub", {in[1], in[0]})})})};
}

// aten::addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1)
// = self + value * tensor1 * tensor2
Outputs addcmul_v9(SymbolicContext& ctx, const Node& node) {
  const auto* self = ctx.arg(node, "self");
  const auto* t1 = ctx.arg(node, "tensor1");
  const auto* t2 = ctx.arg(node, "tensor2");
  const c10::ScalarType type = promoted_type(ctx, {self, t1, t2});
  auto in = inputs_as(ctx, {self, t1, t2}, type);
  ValueName prod = ctx.emit("Mul", {in[1], in[2]});
  const double value = ctx.const_float(node, "value");
  if (value != 1.0) prod = ctx.emit("Mul", {prod, ctx.scalar_constant(value, type)});
  return {ctx.emit("Add", {in[0], prod})};
}

// aten::addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1)
// = self + value * tensor1 / tensor2
Outputs addcdiv_v9(SymbolicContext& ctx, const Node& node) {
  const auto* self = ctx.arg(node, "self");
  const auto* t1 = ctx.arg(node, "tensor1");
  const auto* t2 = ctx.arg(node, "tensor2");
  c10::ScalarType type = promoted_type(ctx, {self, t1, t2});
  if (!c10::isFloatingType(type)) type = c10::kFloat;
  auto in = inputs_as(ctx, {self, t1, t2}, type);
  ValueName q = ctx.emit("Div", {in[1], in[2]});
  const double value = ctx.const_float(node, "value");
  if (value != 1.0) q = ctx.emit("Mul", {q, ctx.scalar_constant(value, type)});
  return {ctx.emit("Add", {in[0], q})};
}

}  // namespace pt2onnx::sym
