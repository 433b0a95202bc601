// Activations and softmax.
#include <torch/csrc/jit/ir/ir.h>

#include <cmath>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/activation.h"

namespace pt2onnx::sym {
namespace {

Outputs simple(SymbolicContext& ctx, const Node& node, const char* op, const Attrs& attrs = {}) {
  return {ctx.emit(op, {ctx.input(node, "self")}, attrs)};
}

// Softmax along `dim` for ONNX < 13, whose Softmax flattens the input to 2-D around `axis`:
// correct only when `dim` is the last axis, so other dims are transposed there and back.
ValueName softmax_last_axis(SymbolicContext& ctx, const ValueName& x, int64_t dim, const char* op) {
  const int64_t rank = ctx.require_rank(x);
  const int64_t d = dim < 0 ? dim + rank : dim;
  if (d == rank - 1) return ctx.emit(op, {x}, {{"axis", d}});
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i) perm.push_back(i);
  std::swap(perm[static_cast<size_t>(d)], perm.back());
  ValueName t = ctx.emit("Transpose", {x}, {{"perm", perm}});
  ValueName s = ctx.emit(op, {t}, {{"axis", rank - 1}});
  return ctx.emit("Transpose", {s}, {{"perm", perm}});
}

ValueName with_dtype(SymbolicContext& ctx, const Node& node, const ValueName& x) {
  if (auto dtype = ctx.optional_const_dtype(node, "dtype")) return ctx.cast(x, *dtype);
  return x;
}

}  // namespace

Outputs relu_v9(SymbolicContext& ctx, const Node& node) { return simple(ctx, node, "Relu"); }
Outputs sigmoid_v9(SymbolicContext& ctx, const Node& node) { return simple(ctx, node, "Sigmoid"); }
Outputs tanh_v9(SymbolicContext& ctx, const Node& node) { return simple(ctx, node, "Tanh"); }

// aten::leaky_relu(Tensor self, Scalar negative_slope=0.01)
Outputs leaky_relu_v9(SymbolicContext& ctx, const Node& node) {
  return simple(ctx, node, "LeakyRelu", {{"alpha", ctx.const_float(node, "negative_slope")}});
}

// aten::elu(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1)
Outputs elu_v9(SymbolicContext& ctx, const Node& node) {
  if (ctx.const_float(node, "scale") != 1.0 || ctx.const_float(node, "input_scale") != 1.0) {
    ctx.fail_unsupported("elu with scale or input_scale other than 1");
  }
  return simple(ctx, node, "Elu", {{"alpha", ctx.const_float(node, "alpha")}});
}

// aten::hardsigmoid(Tensor self): relu6(x + 3) / 6
Outputs hardsigmoid_v9(SymbolicContext& ctx, const Node& node) {
  return simple(ctx, node, "HardSigmoid", {{"alpha", 1.0f / 6.0f}, {"beta", 0.5f}});
}

// aten::hardswish(Tensor self): x * hardsigmoid(x); ONNX HardSwish exists from opset 14.
Outputs hardswish_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {ctx.emit("Mul", {x, ctx.emit("HardSigmoid", {x}, {{"alpha", 1.0f / 6.0f}, {"beta", 0.5f}})})};
}
Outputs hardswish_v14(SymbolicContext& ctx, const Node& node) { return simple(ctx, node, "HardSwish"); }

// aten::silu(Tensor self): x * sigmoid(x)
Outputs silu_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {ctx.emit("Mul", {x, ctx.emit("Sigmoid", {x})})};
}

// aten::gelu(Tensor self, *, str approximate='none')
// 'none': 0.5 x (1 + erf(x / sqrt 2)); 'tanh': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Outputs gelu_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  std::string approximate = "none";
  if (node.maybeSchema() && node.maybeSchema()->argumentIndexWithName("approximate")) {
    approximate = ctx.const_string(node, "approximate");
  }
  auto c = [&](double v) { return ctx.scalar_constant(v, type); };
  ValueName inner;
  if (approximate == "tanh") {
    ValueName cube = ctx.emit("Mul", {x, ctx.emit("Mul", {x, x})});
    ValueName arg = ctx.emit("Mul", {c(std::sqrt(2.0 / M_PI)), ctx.emit("Add", {x, ctx.emit("Mul", {c(0.044715), cube})})});
    inner = ctx.emit("Tanh", {arg});
  } else {
    inner = ctx.emit("Erf", {ctx.emit("Div", {x, c(std::sqrt(2.0))})});
  }
  return {ctx.emit("Mul", {ctx.emit("Mul", {x, c(0.5)}), ctx.emit("Add", {inner, c(1.0)})})};
}

// aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1); relu6 is hardtanh(0, 6).
Outputs hardtanh_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::clip(ctx.builder(), ctx.input(node, "self"), ctx.const_float(node, "min_val"),
                         ctx.const_float(node, "max_val"))};
}
Outputs relu6_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::clip(ctx.builder(), ctx.input(node, "self"), 0.0, 6.0)};
}

// aten::clamp(Tensor self, Scalar? min=None, Scalar? max=None) (and .Tensor with tensor bounds)
Outputs clamp_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto min_known = ctx.is_none(node, "min") ? std::optional<double>() :
                         ctx.known_value(ctx.arg(node, "min")) ? std::optional<double>(ctx.const_float(node, "min")) : std::nullopt;
  const auto max_known = ctx.is_none(node, "max") ? std::optional<double>() :
                         ctx.known_value(ctx.arg(node, "max")) ? std::optional<double>(ctx.const_float(node, "max")) : std::nullopt;
  const bool min_runtime = !ctx.is_none(node, "min") && !min_known;
  const bool max_runtime = !ctx.is_none(node, "max") && !max_known;
  if (!min_runtime && !max_runtime) return {onnx_ops::clip(ctx.builder(), x, min_known, max_known)};
  // Bounds computed at run time: Max/Min, which also broadcast tensor bounds.
  const auto type = ctx.require_dtype(x);
  ValueName y = x;
  if (!ctx.is_none(node, "min")) y = ctx.emit("Max", {y, ctx.cast(ctx.input(node, "min"), type)});
  if (!ctx.is_none(node, "max")) y = ctx.emit("Min", {y, ctx.cast(ctx.input(node, "max"), type)});
  return {y};
}

// aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None)
// Opset 13 Softmax normalises along one axis as torch does; before 13 it flattens to 2-D, so
// softmax_v9 moves `dim` last first.
Outputs softmax_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = with_dtype(ctx, node, ctx.input(node, "self"));
  return {softmax_last_axis(ctx, x, ctx.const_int(node, "dim"), "Softmax")};
}
Outputs softmax_v13(SymbolicContext& ctx, const Node& node) {
  const ValueName x = with_dtype(ctx, node, ctx.input(node, "self"));
  return {ctx.emit("Softmax", {x}, {{"axis", ctx.const_int(node, "dim")}})};
}
Outputs log_softmax_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = with_dtype(ctx, node, ctx.input(node, "self"));
  return {softmax_last_axis(ctx, x, ctx.const_int(node, "dim"), "LogSoftmax")};
}
Outputs log_softmax_v13(SymbolicContext& ctx, const Node& node) {
  const ValueName x = with_dtype(ctx, node, ctx.input(node, "self"));
  return {ctx.emit("LogSoftmax", {x}, {{"axis", ctx.const_int(node, "dim")}})};
}

}  // namespace pt2onnx::sym
