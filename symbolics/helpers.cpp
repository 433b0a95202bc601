#include "symbolics/helpers.h"

#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"

namespace pt2onnx::sym {
namespace {

int category(c10::ScalarType t) {
  if (t == c10::kBool) return 0;
  if (c10::isIntegralType(t, /*includeBool=*/false)) return 1;
  return 2;
}

c10::ScalarType default_for_category(int cat) {
  return cat == 2 ? c10::kFloat : cat == 1 ? c10::kLong : c10::kBool;
}

}  // namespace

c10::ScalarType promoted_type(SymbolicContext& ctx,
                              const std::vector<const torch::jit::Value*>& operands) {
  // One promoted type per priority level: 2 dimensioned tensor, 1 zero-dim tensor, 0 number.
  std::optional<c10::ScalarType> level[3];
  for (const auto* v : operands) {
    const auto kind = v->type()->kind();
    int priority = 2;
    c10::ScalarType type;
    if (kind == c10::TypeKind::IntType) {
      priority = 0;
      type = c10::kLong;
    } else if (kind == c10::TypeKind::FloatType) {
      priority = 0;
      type = c10::kDouble;
    } else if (kind == c10::TypeKind::BoolType) {
      priority = 0;
      type = c10::kBool;
    } else {
      const ValueName name = ctx.tensor(v);
      type = ctx.dtype(name).value_or(c10::kFloat);
      if (kind == c10::TypeKind::NumberType) {
        priority = 0;
        if (c10::isFloatingType(type)) type = c10::kDouble;
      } else if (ctx.rank(name) == 0) {
        priority = 1;
      }
    }
    level[priority] = level[priority] ? c10::promoteTypes(*level[priority], type) : type;
  }
  std::optional<c10::ScalarType> result;
  for (int p = 2; p >= 0; --p) {
    if (!level[p]) continue;
    // Numbers only set the category; their width is the default one (float32, int64).
    const c10::ScalarType here = p == 0 ? default_for_category(category(*level[p])) : *level[p];
    if (!result || category(*level[p]) > category(*result)) result = here;
  }
  return result.value_or(c10::kFloat);
}

std::vector<ValueName> inputs_as(SymbolicContext& ctx,
                                 const std::vector<const torch::jit::Value*>& operands,
                                 c10::ScalarType type) {
  std::vector<ValueName> out;
  for (const auto* v : operands) out.push_back(ctx.cast(ctx.tensor(v), type));
  return out;
}

std::pair<const torch::jit::Value*, const torch::jit::Value*> binary_operands(SymbolicContext& ctx,
                                                                              const Node& node) {
  const auto* schema = node.maybeSchema();
  if (schema != nullptr && schema->argumentIndexWithName("self")) {
    return {ctx.arg(node, "self"), ctx.arg(node, "other")};
  }
  if (schema != nullptr && schema->argumentIndexWithName("a")) {
    return {ctx.arg(node, "a"), ctx.arg(node, "b")};
  }
  return {node.input(0), node.input(1)};
}

int64_t wrap_dim(SymbolicContext& ctx, int64_t dim, const ValueName& x) {
  if (dim >= 0) return dim;
  return dim + ctx.require_rank(x);
}

std::optional<int64_t> static_dim(SymbolicContext& ctx, const ValueName& x, int64_t axis) {
  auto d = ctx.dims(x);
  if (!d) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(d->size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return std::nullopt;
  return (*d)[static_cast<size_t>(axis)];
}

ValueName shape_with_axes_replaced(SymbolicContext& ctx, const ValueName& x, int64_t first,
                                   int64_t count, const ValueName& middle) {
  const int64_t rank = ctx.require_rank(x);
  auto& g = ctx.builder();
  const ValueName shape = ctx.emit("Shape", {x});
  std::vector<ValueName> parts;
  if (first > 0) parts.push_back(onnx_ops::slice(g, shape, {0}, {0}, {first}));
  parts.push_back(middle);
  if (first + count < rank)
    parts.push_back(onnx_ops::slice(g, shape, {0}, {first + count}, {rank}));
  return parts.size() == 1 ? parts[0] : ctx.emit("Concat", parts, {{"axis", 0}});
}

}  // namespace pt2onnx::sym

// ---- numeric helpers
#include <cmath>

namespace pt2onnx::sym {

ValueName int_floor_div(SymbolicContext& ctx, const ValueName& a, const ValueName& b,
                        c10::ScalarType type) {
  const ValueName zero = ctx.scalar_constant(0, type);
  const ValueName q = ctx.emit("Div", {a, b});  // truncates toward zero
  const ValueName rem = ctx.emit("Sub", {a, ctx.emit("Mul", {q, b})});
  const ValueName inexact = ctx.emit("Not", {ctx.emit("Equal", {rem, zero})});
  // The remainder takes the dividend's sign; it differs from the divisor's where the quotient
  // was rounded up.
  const ValueName signs_differ = ctx.emit(
      "Not", {ctx.emit("Equal", {ctx.emit("Less", {rem, zero}), ctx.emit("Less", {b, zero})})});
  const ValueName fix = ctx.cast(ctx.emit("And", {inexact, signs_differ}), type);
  return ctx.emit("Sub", {q, fix});
}

ValueName vector_norm(SymbolicContext& ctx, const ValueName& x, double p,
                      const std::vector<int64_t>& axes, bool keepdim) {
  auto& g = ctx.builder();
  const c10::ScalarType type = ctx.dtype(x).value_or(c10::kFloat);
  if (p == 1.0) return onnx_ops::reduce(g, "ReduceL1", x, axes, keepdim);
  if (p == 2.0) return onnx_ops::reduce(g, "ReduceL2", x, axes, keepdim);
  const ValueName a = ctx.emit("Abs", {x});
  if (std::isinf(p))
    return onnx_ops::reduce(g, p > 0 ? "ReduceMax" : "ReduceMin", a, axes, keepdim);
  if (p == 0.0) {
    const ValueName nonzero = ctx.cast(ctx.cast(a, c10::kBool), type);
    return onnx_ops::reduce(g, "ReduceSum", nonzero, axes, keepdim);
  }
  const ValueName powed = ctx.emit("Pow", {a, ctx.scalar_constant(p, type)});
  const ValueName sum = onnx_ops::reduce(g, "ReduceSum", powed, axes, keepdim);
  return ctx.emit("Pow", {sum, ctx.scalar_constant(1.0 / p, type)});
}

ValueName as_floating(SymbolicContext& ctx, const ValueName& x) {
  if (c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) return x;
  return ctx.cast(x, c10::kFloat);
}

ValueName positions_up_to(SymbolicContext& ctx, const ValueName& n) {
  auto& g = ctx.builder();
  const ValueName count = onnx_ops::unsqueeze(g, ctx.cast(n, c10::kLong), {0});
  const ValueName trues =
      ctx.emit("ConstantOfShape", {count}, {{"value", at::ones({1}, at::kBool)}});
  return onnx_ops::squeeze(g, ctx.emit("NonZero", {trues}), {0});
}

ValueName slice_dynamic_keep_rank(SymbolicContext& ctx, const ValueName& x, const ValueName& starts,
                                  const ValueName& ends, const ValueName& axes,
                                  const ValueName& steps) {
  ValueName out = onnx_ops::slice_dynamic(ctx.builder(), x, starts, ends, axes, steps);
  const onnx::TypeProto* in = ctx.builder().type_of(x);
  const onnx::TypeProto* got = ctx.builder().type_of(out);
  if (in != nullptr && in->tensor_type().has_shape() &&
      (got == nullptr || !got->tensor_type().has_shape())) {
    ctx.builder().set_type(out, onnx_ir::relaxed_type(*in));
  }
  return out;
}

ValueName layer_norm_decomposed(SymbolicContext& ctx, const ValueName& x, int64_t axes_count,
                                const std::optional<ValueName>& weight,
                                const std::optional<ValueName>& bias, double eps, ValueName* mean,
                                ValueName* rstd) {
  std::vector<int64_t> axes;
  for (int64_t i = -axes_count; i < 0; ++i) axes.push_back(i);
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  auto& g = ctx.builder();
  const ValueName m = onnx_ops::reduce(g, "ReduceMean", x, axes, true);
  const ValueName centered = ctx.emit("Sub", {x, m});
  const ValueName var =
      onnx_ops::reduce(g, "ReduceMean", ctx.emit("Mul", {centered, centered}), axes, true);
  const ValueName r = ctx.emit(
      "Reciprocal", {ctx.emit("Sqrt", {ctx.emit("Add", {var, ctx.scalar_constant(eps, type)})})});
  ValueName y = ctx.emit("Mul", {centered, r});
  if (weight) y = ctx.emit("Mul", {y, *weight});
  if (bias) y = ctx.emit("Add", {y, *bias});
  if (mean != nullptr) *mean = m;
  if (rstd != nullptr) *rstd = r;
  return y;
}

ValueName group_norm_decomposed(SymbolicContext& ctx, const ValueName& x, int64_t groups,
                                const std::optional<ValueName>& weight,
                                const std::optional<ValueName>& bias, double eps) {
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  const int64_t rank = ctx.require_rank(x);
  const ValueName grouped = ctx.emit("Reshape", {x, ctx.ints_constant({0, groups, -1})});
  const ValueName ones = ctx.constant(at::ones({groups}, at::TensorOptions().dtype(type)));
  const ValueName zeros = ctx.constant(at::zeros({groups}, at::TensorOptions().dtype(type)));
  const ValueName normed =
      ctx.emit("InstanceNormalization", {grouped, ones, zeros}, {{"epsilon", eps}});
  ValueName y = ctx.emit("Reshape", {normed, ctx.emit("Shape", {x})});
  // weight and bias are per channel: (C) unsqueezed to (C, 1, ...) against (N, C, ...).
  std::vector<int64_t> axes;
  for (int64_t i = 1; i < rank - 1; ++i) axes.push_back(i);
  auto per_channel = [&](const ValueName& v) {
    return axes.empty() ? v : onnx_ops::unsqueeze(ctx.builder(), v, axes);
  };
  if (weight) y = ctx.emit("Mul", {y, per_channel(*weight)});
  if (bias) y = ctx.emit("Add", {y, per_channel(*bias)});
  return y;
}

ValueName gelu_erf(SymbolicContext& ctx, const ValueName& x) {
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  auto c = [&](double v) { return ctx.scalar_constant(v, type); };
  const ValueName erf = ctx.emit("Erf", {ctx.emit("Div", {x, c(std::sqrt(2.0))})});
  return ctx.emit("Mul", {ctx.emit("Mul", {x, c(0.5)}), ctx.emit("Add", {erf, c(1.0)})});
}

}  // namespace pt2onnx::sym
