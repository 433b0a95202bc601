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

// aten::relu(Tensor self). ONNX Relu takes integers from opset 14; before it the graph builder
// computes narrow integers in a wider type. int64 takes Where: no ONNX float holds it, and ONNX
// Runtime has no int64 kernel for Relu-14. int16, which ONNX Runtime has neither a Relu-14 nor a
// Where kernel for, is computed in int32 (exact).
Outputs relu_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.dtype(x);
  if (type == c10::kShort)
    return {ctx.cast(ctx.emit("Relu", {ctx.cast(x, c10::kInt)}), c10::kShort)};
  if (type != c10::kLong) return {ctx.emit("Relu", {x})};
  const ValueName zero = ctx.scalar_constant(0, c10::kLong);
  return {ctx.emit("Where", {ctx.emit("Less", {x, zero}), zero, x})};
}
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
  return {
      ctx.emit("Mul", {x, ctx.emit("HardSigmoid", {x}, {{"alpha", 1.0f / 6.0f}, {"beta", 0.5f}})})};
}
Outputs hardswish_v14(SymbolicContext& ctx, const Node& node) {
  return simple(ctx, node, "HardSwish");
}

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
  if (approximate != "tanh") return {gelu_erf(ctx, x)};
  auto c = [&](double v) { return ctx.scalar_constant(v, type); };
  ValueName cube = ctx.emit("Mul", {x, ctx.emit("Mul", {x, x})});
  ValueName arg = ctx.emit("Mul", {c(std::sqrt(2.0 / M_PI)),
                                   ctx.emit("Add", {x, ctx.emit("Mul", {c(0.044715), cube})})});
  ValueName inner = ctx.emit("Tanh", {arg});
  return {ctx.emit("Mul", {ctx.emit("Mul", {x, c(0.5)}), ctx.emit("Add", {inner, c(1.0)})})};
}

// Opset 20: ONNX Gelu takes both forms (approximate "none" or "tanh") as one node.
Outputs gelu_v20(SymbolicContext& ctx, const Node& node) {
  std::string approximate = "none";
  if (node.maybeSchema() && node.maybeSchema()->argumentIndexWithName("approximate")) {
    approximate = ctx.const_string(node, "approximate");
  }
  if (approximate != "none" && approximate != "tanh") {
    ctx.fail_invalid("gelu approximate must be 'none' or 'tanh'");
  }
  return {ctx.emit("Gelu", {ctx.input(node, "self")}, {{"approximate", approximate}})};
}

namespace {
// Integers take Where: ONNX Clip takes them only from opset 12, and ONNX Runtime has no Clip
// kernel for double (the type the graph builder would compute int32 in) before it.
ValueName bounded(SymbolicContext& ctx, const ValueName& x, double lo, double hi) {
  const auto type = ctx.dtype(x);
  if (!type || c10::isFloatingType(*type)) return onnx_ops::clip(ctx.builder(), x, lo, hi);
  const ValueName l = ctx.scalar_constant(lo, *type);
  const ValueName h = ctx.scalar_constant(hi, *type);
  const ValueName y = ctx.emit("Where", {ctx.emit("Less", {x, l}), l, x});
  return ctx.emit("Where", {ctx.emit("Greater", {y, h}), h, y});
}
}  // namespace

// aten::hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1); relu6 is hardtanh(0, 6).
Outputs hardtanh_v9(SymbolicContext& ctx, const Node& node) {
  return {bounded(ctx, ctx.input(node, "self"), ctx.const_float(node, "min_val"),
                  ctx.const_float(node, "max_val"))};
}
Outputs relu6_v9(SymbolicContext& ctx, const Node& node) {
  return {bounded(ctx, ctx.input(node, "self"), 0.0, 6.0)};
}

// aten::clamp(Tensor self, Scalar? min=None, Scalar? max=None) (and .Tensor with tensor bounds)
Outputs clamp_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto min_known = ctx.is_none(node, "min") ? std::optional<double>()
                         : ctx.known_value(ctx.arg(node, "min"))
                             ? std::optional<double>(ctx.const_float(node, "min"))
                             : std::nullopt;
  const auto max_known = ctx.is_none(node, "max") ? std::optional<double>()
                         : ctx.known_value(ctx.arg(node, "max"))
                             ? std::optional<double>(ctx.const_float(node, "max"))
                             : std::nullopt;
  const bool min_runtime = !ctx.is_none(node, "min") && !min_known;
  const bool max_runtime = !ctx.is_none(node, "max") && !max_known;
  const auto type = ctx.require_dtype(x);
  const bool floating = c10::isFloatingType(type);
  if (!min_runtime && !max_runtime && floating)
    return {onnx_ops::clip(ctx.builder(), x, min_known, max_known)};
  // Bounds computed at run time: Max/Min, which also broadcast tensor bounds. Integers: Where,
  // since ONNX Clip/Max/Min take integers only from opset 12.
  ValueName y = x;
  if (!ctx.is_none(node, "min")) {
    const ValueName m = ctx.cast(ctx.input(node, "min"), type);
    y = floating ? ctx.emit("Max", {y, m}) : ctx.emit("Where", {ctx.emit("Less", {y, m}), m, y});
  }
  if (!ctx.is_none(node, "max")) {
    const ValueName m = ctx.cast(ctx.input(node, "max"), type);
    y = floating ? ctx.emit("Min", {y, m}) : ctx.emit("Where", {ctx.emit("Greater", {y, m}), m, y});
  }
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

// aten::_log_softmax(Tensor self, int dim, bool half_to_float): log_softmax without a dtype.
Outputs _log_softmax_v9(SymbolicContext& ctx, const Node& node) {
  return {
      softmax_last_axis(ctx, ctx.input(node, "self"), ctx.const_int(node, "dim"), "LogSoftmax")};
}
Outputs _log_softmax_v13(SymbolicContext& ctx, const Node& node) {
  return {
      ctx.emit("LogSoftmax", {ctx.input(node, "self")}, {{"axis", ctx.const_int(node, "dim")}})};
}

// aten::celu(Tensor self, Scalar alpha=1.0) = alpha * elu(x / alpha): Elu (opset 6), so it
// works before ONNX Celu (opset 12).
// ONNX Runtime implements Elu for float32 only: float16 is computed in float32 (as torch does on
// the CPU), float64 as x > 0 ? x : alpha (exp(x / alpha) - 1), which keeps its precision.
Outputs celu_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const double alpha = ctx.const_float(node, "alpha");
  const auto type = ctx.require_dtype(x);
  if (type == c10::kDouble) {
    const ValueName a = ctx.scalar_constant(alpha, type);
    const ValueName zero = ctx.scalar_constant(0.0, type);
    const ValueName e =
        ctx.emit("Mul", {ctx.emit("Sub", {ctx.emit("Exp", {ctx.emit("Div", {x, a})}),
                                          ctx.scalar_constant(1.0, type)}),
                         a});
    return {ctx.emit("Where", {ctx.emit("Greater", {x, zero}), x, e})};
  }
  const ValueName xf = ctx.cast(x, c10::kFloat);
  if (alpha == 1.0) return {ctx.cast(ctx.emit("Elu", {xf}, {{"alpha", 1.0}}), type)};
  const ValueName a = ctx.scalar_constant(alpha, c10::kFloat);
  return {ctx.cast(
      ctx.emit("Mul", {ctx.emit("Elu", {ctx.emit("Div", {xf, a})}, {{"alpha", 1.0}}), a}), type)};
}

// aten::selu(Tensor self): ONNX Selu with torch's constants.
Outputs selu_v9(SymbolicContext& ctx, const Node& node) {
  return simple(
      ctx, node, "Selu",
      {{"alpha", 1.6732632423543772848170429916717}, {"gamma", 1.0507009873554804934193349852946}});
}

// aten::softplus(Tensor self, Scalar beta=1, Scalar threshold=20):
// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
Outputs softplus_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  const double beta = ctx.const_float(node, "beta");
  const double threshold = ctx.const_float(node, "threshold");
  const ValueName bx = beta == 1.0 ? x : ctx.emit("Mul", {x, ctx.scalar_constant(beta, type)});
  ValueName sp = ctx.emit("Softplus", {bx});
  if (beta != 1.0) sp = ctx.emit("Div", {sp, ctx.scalar_constant(beta, type)});
  const ValueName linear = ctx.emit("Greater", {bx, ctx.scalar_constant(threshold, type)});
  return {ctx.emit("Where", {linear, x, sp})};
}

// aten::mish(Tensor self) = x * tanh(softplus(x))
Outputs mish_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {ctx.emit("Mul", {x, ctx.emit("Tanh", {ctx.emit("Softplus", {x})})})};
}
// Opset 18: ONNX Mish.
Outputs mish_v18(SymbolicContext& ctx, const Node& node) { return simple(ctx, node, "Mish"); }

// aten::log_sigmoid(Tensor self) = -softplus(-x), stable for large |x|.
Outputs log_sigmoid_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {ctx.emit("Neg", {ctx.emit("Softplus", {ctx.emit("Neg", {x})})})};
}

// aten::softshrink / hardshrink(Tensor self, Scalar lambd=0.5): ONNX Shrink (opset 9).
Outputs softshrink_v9(SymbolicContext& ctx, const Node& node) {
  const double lambd = ctx.const_float(node, "lambd");
  return simple(ctx, node, "Shrink", {{"lambd", lambd}, {"bias", lambd}});
}
Outputs hardshrink_v9(SymbolicContext& ctx, const Node& node) {
  return simple(ctx, node, "Shrink", {{"lambd", ctx.const_float(node, "lambd")}, {"bias", 0.0}});
}

// aten::threshold(Tensor self, Scalar threshold, Scalar value): x > threshold ? x : value
Outputs threshold_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  const ValueName keep =
      ctx.emit("Greater", {x, ctx.scalar_constant(ctx.const_float(node, "threshold"), type)});
  return {ctx.emit("Where", {keep, x, ctx.scalar_constant(ctx.const_float(node, "value"), type)})};
}

// aten::glu(Tensor self, int dim=-1) = a * sigmoid(b), the halves of `dim` (static size).
Outputs glu_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const auto size = static_dim(ctx, x, dim);
  if (!size) ctx.fail_unsupported("glu along a dimension whose size is only known at run time");
  if (*size % 2 != 0) ctx.fail_invalid("glu needs an even size along dim");
  auto halves = onnx_ops::split(ctx.builder(), x, dim, {*size / 2, *size / 2});
  return {ctx.emit("Mul", {halves[0], ctx.emit("Sigmoid", {halves[1]})})};
}

// aten::prelu(Tensor self, Tensor weight): ONNX PRelu, whose slope broadcasts from the right, so
// a per-channel weight [C] becomes [C, 1, ..., 1] for inputs of rank > 2.
Outputs prelu_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  ValueName w = ctx.input(node, "weight");
  const int64_t rank = ctx.require_rank(x);
  const auto wshape = ctx.static_shape(w);
  const bool single = wshape && (wshape->empty() || (wshape->size() == 1 && (*wshape)[0] == 1));
  // A 0-d input stays 0-d in torch; a [1] slope would broadcast the result to [1].
  if (rank == 0 && single && !wshape->empty()) w = ctx.emit("Reshape", {w, ctx.ints_constant({})});
  if (!single && rank > 2 && ctx.rank(w) == 1) {
    std::vector<int64_t> axes;
    for (int64_t i = 1; i < rank - 1; ++i) axes.push_back(i);
    w = onnx_ops::unsqueeze(ctx.builder(), w, axes);
  }
  return {ctx.emit("PRelu", {x, w})};
}

// aten::rrelu(Tensor self, Scalar lower=1/8, Scalar upper=1/3, bool training=False, Generator?):
// in inference a leaky relu with the mean slope.
Outputs rrelu_v9(SymbolicContext& ctx, const Node& node) {
  if (ctx.const_bool(node, "training")) {
    ctx.fail_unsupported(
        "rrelu in training mode draws random slopes; export the model in eval mode");
  }
  const double slope = (ctx.const_float(node, "lower") + ctx.const_float(node, "upper")) / 2.0;
  return simple(ctx, node, "LeakyRelu", {{"alpha", slope}});
}

// aten::clamp_min / clamp_max(Tensor self, Scalar | Tensor bound)
Outputs clamp_min_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  if (ctx.is_number(node, "min") && ctx.known_value(ctx.arg(node, "min")) &&
      c10::isFloatingType(type)) {
    return {onnx_ops::clip(ctx.builder(), x, ctx.const_float(node, "min"), std::nullopt)};
  }
  const ValueName m = ctx.cast(ctx.input(node, "min"), type);
  if (c10::isFloatingType(type)) return {ctx.emit("Max", {x, m})};
  return {ctx.emit("Where", {ctx.emit("Less", {x, m}), m, x})};
}
Outputs clamp_max_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  if (ctx.is_number(node, "max") && ctx.known_value(ctx.arg(node, "max")) &&
      c10::isFloatingType(type)) {
    return {onnx_ops::clip(ctx.builder(), x, std::nullopt, ctx.const_float(node, "max"))};
  }
  const ValueName m = ctx.cast(ctx.input(node, "max"), type);
  if (c10::isFloatingType(type)) return {ctx.emit("Min", {x, m})};
  return {ctx.emit("Where", {ctx.emit("Greater", {x, m}), m, x})};
}

}  // namespace pt2onnx::sym
