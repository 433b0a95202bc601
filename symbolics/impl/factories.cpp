// Ops that make new tensors: filled tensors (zeros/ones/full and their _like/new_ forms), ranges
// (arange, linspace), windows, identity matrices, random tensors, tensors from Python data, and
// the TorchScript plumbing that describes tensors (prim::dtype, prim::device).
//
// Note [Factory sizes]: a size list is a constant where every element is known at conversion
// time; otherwise it is concatenated at run time (Shape/Gather of the inputs), and the filled
// tensor comes from ConstantOfShape, so dynamic axes stay dynamic.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <cmath>

#include "onnx/ops.h"
#include "onnx/tensor_proto.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/factories.h"

namespace pt2onnx::sym {
namespace {

bool has_arg(const Node& node, const char* name) {
  return node.maybeSchema() != nullptr && node.maybeSchema()->argumentIndexWithName(name);
}

// The `dtype` keyword where given, else `fallback`.
c10::ScalarType dtype_or(SymbolicContext& ctx, const Node& node, c10::ScalarType fallback) {
  if (!has_arg(node, "dtype")) return fallback;
  return ctx.optional_const_dtype(node, "dtype").value_or(fallback);
}

// A size list as a 1-d int64 tensor (see Note [Factory sizes]).
ValueName size_tensor(SymbolicContext& ctx, const Node& node, const char* name) {
  auto known = ctx.known_value(ctx.arg(node, name));
  if (known && known->isIntList()) return ctx.ints_constant(known->toIntVector());
  return ctx.cast(ctx.input(node, name), c10::kLong);
}

// ConstantOfShape(shape) filled with `value` of `type`.
ValueName filled(SymbolicContext& ctx, const ValueName& shape, double value, c10::ScalarType type) {
  at::Tensor v = at::scalar_tensor(value, at::kDouble).to(type).reshape({1});
  return ctx.emit("ConstantOfShape", {shape}, {{"value", v}});
}

// The type torch gives a tensor made from a Python scalar: int64, float32 (the default dtype)
// or bool.
c10::ScalarType scalar_type_of(SymbolicContext& ctx, const torch::jit::Value* v) {
  switch (v->type()->kind()) {
    case c10::TypeKind::IntType:
      return c10::kLong;
    case c10::TypeKind::FloatType:
      return c10::kFloat;
    case c10::TypeKind::BoolType:
      return c10::kBool;
    default:
      break;
  }
  auto t = ctx.dtype(ctx.tensor(v)).value_or(c10::kFloat);
  if (c10::isFloatingType(t)) return c10::kFloat;
  return t;
}

// A tensor of `shape` filled with the `name` argument (a Scalar or a 0-d tensor) as `type`.
ValueName fill_with(SymbolicContext& ctx, const Node& node, const char* name,
                    const ValueName& shape, c10::ScalarType type) {
  auto known = ctx.known_value(ctx.arg(node, name));
  if (known && (known->isInt() || known->isDouble() || known->isBool())) {
    const double v = known->isDouble() ? known->toDouble()
                     : known->isInt()  ? static_cast<double>(known->toInt())
                                       : (known->toBool() ? 1.0 : 0.0);
    return filled(ctx, shape, v, type);
  }
  ValueName value = ctx.cast(ctx.input(node, name), type);
  return ctx.emit("Expand", {value, shape});
}

}  // namespace

// aten::zeros / ones / empty (int[] size, *, ScalarType? dtype, ...): ConstantOfShape. empty
// is zeros (its contents are unspecified). Valid from opset 9 (ConstantOfShape-9).
Outputs zeros_v9(SymbolicContext& ctx, const Node& node) {
  return {filled(ctx, size_tensor(ctx, node, "size"), 0.0, dtype_or(ctx, node, c10::kFloat))};
}

Outputs ones_v9(SymbolicContext& ctx, const Node& node) {
  return {filled(ctx, size_tensor(ctx, node, "size"), 1.0, dtype_or(ctx, node, c10::kFloat))};
}

// aten::full(int[] size, Scalar fill_value, *, ScalarType? dtype, ...): ConstantOfShape for a
// known value, Expand of the value otherwise. Without a dtype torch infers it from the value.
Outputs full_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, scalar_type_of(ctx, ctx.arg(node, "fill_value")));
  return {fill_with(ctx, node, "fill_value", size_tensor(ctx, node, "size"), type)};
}

// aten::zeros_like / ones_like / empty_like (self, *, ScalarType? dtype, ...):
// ConstantOfShape(Shape(self)).
Outputs zeros_like_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {filled(ctx, ctx.emit("Shape", {x}), 0.0, dtype_or(ctx, node, ctx.require_dtype(x)))};
}

Outputs ones_like_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {filled(ctx, ctx.emit("Shape", {x}), 1.0, dtype_or(ctx, node, ctx.require_dtype(x)))};
}

// aten::full_like(self, Scalar fill_value, *, ScalarType? dtype, ...)
Outputs full_like_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = dtype_or(ctx, node, ctx.require_dtype(x));
  return {fill_with(ctx, node, "fill_value", ctx.emit("Shape", {x}), type)};
}

// aten::fill.Scalar / fill.Tensor (self, value) and fill_: a tensor like self filled with value.
Outputs fill_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {fill_with(ctx, node, "value", ctx.emit("Shape", {x}), ctx.require_dtype(x))};
}

// aten::zero_(self), reached as aten::zero: zeros like self, in self's type.
Outputs zero_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  return {filled(ctx, ctx.emit("Shape", {x}), 0.0, ctx.require_dtype(x))};
}

// aten::new_zeros / new_ones / new_empty (self, int[] size, *, ScalarType? dtype, ...): as zeros,
// with self's dtype by default.
Outputs new_zeros_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, ctx.require_dtype(ctx.input(node, "self")));
  return {filled(ctx, size_tensor(ctx, node, "size"), 0.0, type)};
}

Outputs new_ones_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, ctx.require_dtype(ctx.input(node, "self")));
  return {filled(ctx, size_tensor(ctx, node, "size"), 1.0, type)};
}

// aten::new_full(self, int[] size, Scalar fill_value, *, ScalarType? dtype, ...)
Outputs new_full_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, ctx.require_dtype(ctx.input(node, "self")));
  return {fill_with(ctx, node, "fill_value", size_tensor(ctx, node, "size"), type)};
}

// aten::eye(int n, *, dtype, ...) / eye.m(int n, int m, *, dtype, ...): EyeLike of a
// ConstantOfShape([n, m]) (sizes may be computed at run time). EyeLike-9.
Outputs eye_v9(SymbolicContext& ctx, const Node& node) {
  auto& g = ctx.builder();
  const auto type = dtype_or(ctx, node, c10::kFloat);
  auto as_1d = [&](const char* name) {
    return onnx_ops::unsqueeze(g, ctx.cast(ctx.input(node, name), c10::kLong), {0});
  };
  ValueName n = as_1d("n");
  ValueName m = has_arg(node, "m") ? as_1d("m") : n;
  ValueName shape = ctx.emit("Concat", {n, m}, {{"axis", 0}});
  ValueName zeros = filled(ctx, shape, 0.0, type);
  return {
      ctx.emit("EyeLike", {zeros}, {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(type))}})};
}

namespace {

// The (start, end, step) of an arange overload; a missing start is 0, a missing step 1.
struct RangeArgs {
  const torch::jit::Value* start = nullptr;
  const torch::jit::Value* end = nullptr;
  const torch::jit::Value* step = nullptr;
};

RangeArgs range_args(SymbolicContext& ctx, const Node& node) {
  RangeArgs r;
  r.end = ctx.arg(node, "end");
  if (has_arg(node, "start")) r.start = ctx.arg(node, "start");
  if (has_arg(node, "step")) r.step = ctx.arg(node, "step");
  return r;
}

// torch's arange type: the dtype keyword, else float32 where any bound is floating, else int64.
c10::ScalarType arange_type(SymbolicContext& ctx, const Node& node, const RangeArgs& r) {
  c10::ScalarType inferred = c10::kLong;
  for (const auto* v : {r.start, r.end, r.step}) {
    if (v != nullptr && c10::isFloatingType(scalar_type_of(ctx, v))) inferred = c10::kFloat;
  }
  return dtype_or(ctx, node, inferred);
}

std::optional<double> known_number(SymbolicContext& ctx, const torch::jit::Value* v) {
  auto iv = ctx.known_value(v);
  if (!iv) return std::nullopt;
  if (iv->isInt()) return static_cast<double>(iv->toInt());
  if (iv->isDouble()) return iv->toDouble();
  if (iv->isTensor() && iv->toTensor().numel() == 1) return iv->toTensor().item<double>();
  return std::nullopt;
}

// A bound as a 0-d tensor of `type`; a missing one is `fallback`.
ValueName bound(SymbolicContext& ctx, const torch::jit::Value* v, double fallback,
                c10::ScalarType type) {
  if (v == nullptr) return ctx.scalar_constant(fallback, type);
  return ctx.cast(ctx.tensor(v), type);
}

// Where every bound is known: the range as a constant.
std::optional<ValueName> known_range(SymbolicContext& ctx, const RangeArgs& r, c10::ScalarType type,
                                     bool integral) {
  auto s = r.start ? known_number(ctx, r.start) : std::optional<double>(0.0);
  auto e = known_number(ctx, r.end);
  auto st = r.step ? known_number(ctx, r.step) : std::optional<double>(1.0);
  if (!s || !e || !st) return std::nullopt;
  // LibTorch itself for an integral result: it truncates the bounds as torch does.
  if (c10::isIntegralType(type, /*includeBool=*/false)) {
    return ctx.constant(at::arange(*s, *e, *st, at::TensorOptions().dtype(type)));
  }
  at::Tensor t = integral ? at::arange(static_cast<int64_t>(*s), static_cast<int64_t>(*e),
                                       static_cast<int64_t>(*st), at::kLong)
                          : at::arange(*s, *e, *st, at::kDouble);
  return ctx.constant(t.to(type));
}

bool integral_bounds(SymbolicContext& ctx, const RangeArgs& r) {
  for (const auto* v : {r.start, r.end, r.step}) {
    if (v != nullptr && c10::isFloatingType(scalar_type_of(ctx, v))) return false;
  }
  return true;
}

// torch computes an integral arange in int64 from bounds truncated toward zero; an int64 result
// also counts its elements from the truncated bounds (arange(8.5, dtype=torch.int64) has 8),
// other integer types count from the bounds as given (arange(8.5, dtype=torch.int32) has 9).
bool counts_truncated(SymbolicContext& ctx, const RangeArgs& r, c10::ScalarType type) {
  return integral_bounds(ctx, r) || type == c10::kLong;
}
bool values_truncated(SymbolicContext& ctx, const RangeArgs& r, c10::ScalarType type) {
  return integral_bounds(ctx, r) || c10::isIntegralType(type, /*includeBool=*/false);
}

}  // namespace

// aten::arange(end) / arange.start(start, end) / arange.start_step(start, end, step), with
// dtype keywords. Opset 9 has no Range: a known range is a constant; a run-time one is the
// indices of NonZero(ones(n)) scaled and shifted, n = ceil((end - start) / step).
Outputs arange_v9(SymbolicContext& ctx, const Node& node) {
  const RangeArgs r = range_args(ctx, node);
  const auto type = arange_type(ctx, node, r);
  const bool integral = integral_bounds(ctx, r);
  if (auto k = known_range(ctx, r, type, integral)) return {*k};
  const c10::ScalarType calc = values_truncated(ctx, r, type) ? c10::kLong : c10::kDouble;
  const c10::ScalarType counted = counts_truncated(ctx, r, type) ? c10::kLong : c10::kDouble;
  auto as_counted = [&](const torch::jit::Value* v, double fallback) {
    return ctx.cast(bound(ctx, v, fallback, counted), c10::kDouble);
  };
  ValueName start = as_counted(r.start, 0);
  ValueName end = as_counted(r.end, 0);
  ValueName step = as_counted(r.step, 1);
  const ValueName count =
      ctx.emit("Ceil", {ctx.emit("Div", {ctx.emit("Sub", {end, start}), step})});
  const ValueName idx = positions_up_to(ctx, count);
  ValueName out =
      ctx.emit("Add", {ctx.emit("Mul", {ctx.cast(idx, calc), bound(ctx, r.step, 1, calc)}),
                       bound(ctx, r.start, 0, calc)});
  return {ctx.cast(out, type)};
}

// As arange_v9 with Range-11 for run-time bounds (computed in int64 or double, then cast).
Outputs arange_v11(SymbolicContext& ctx, const Node& node) {
  const RangeArgs r = range_args(ctx, node);
  const auto type = arange_type(ctx, node, r);
  const bool integral = integral_bounds(ctx, r);
  if (auto k = known_range(ctx, r, type, integral)) return {*k};
  if (values_truncated(ctx, r, type) && !counts_truncated(ctx, r, type)) {
    // Counted from the bounds as given, valued from the truncated ones.
    auto d = [&](const torch::jit::Value* v, double f) { return bound(ctx, v, f, c10::kDouble); };
    const ValueName count = ctx.cast(
        ctx.emit("Ceil",
                 {ctx.emit("Div", {ctx.emit("Sub", {d(r.end, 0), d(r.start, 0)}), d(r.step, 1)})}),
        c10::kLong);
    const ValueName idx = ctx.emit(
        "Range", {ctx.scalar_constant(0, c10::kLong), count, ctx.scalar_constant(1, c10::kLong)});
    const ValueName out =
        ctx.emit("Add", {ctx.emit("Mul", {idx, bound(ctx, r.step, 1, c10::kLong)}),
                         bound(ctx, r.start, 0, c10::kLong)});
    return {ctx.cast(out, type)};
  }
  const c10::ScalarType calc = counts_truncated(ctx, r, type) ? c10::kLong : c10::kDouble;
  ValueName out = ctx.emit("Range", {bound(ctx, r.start, 0, calc), bound(ctx, r.end, 0, calc),
                                     bound(ctx, r.step, 1, calc)});
  return {ctx.cast(out, type)};
}

namespace {

// The known-size forms of linspace and hann_window: constants computed with LibTorch.
std::optional<ValueName> known_linspace(SymbolicContext& ctx, const Node& node,
                                        c10::ScalarType type) {
  auto s = known_number(ctx, ctx.arg(node, "start"));
  auto e = known_number(ctx, ctx.arg(node, "end"));
  auto n = known_number(ctx, ctx.arg(node, "steps"));
  if (!s || !e || !n) return std::nullopt;
  return ctx.constant(at::linspace(*s, *e, static_cast<int64_t>(*n), at::kDouble).to(type));
}

bool hann_periodic(SymbolicContext& ctx, const Node& node) {
  return has_arg(node, "periodic") ? ctx.const_bool(node, "periodic") : true;
}

std::optional<ValueName> known_hann(SymbolicContext& ctx, const Node& node, c10::ScalarType type) {
  auto n = known_number(ctx, ctx.arg(node, "window_length"));
  if (!n) return std::nullopt;
  return ctx.constant(
      at::hann_window(static_cast<int64_t>(*n), hann_periodic(ctx, node), at::kDouble).to(type));
}

// Run-time linspace: start + i * (end - start) / (steps - 1) over the positions i (double).
ValueName run_time_linspace(SymbolicContext& ctx, const Node& node, c10::ScalarType type,
                            const ValueName& i) {
  ValueName start = ctx.cast(ctx.input(node, "start"), c10::kDouble);
  ValueName end = ctx.cast(ctx.input(node, "end"), c10::kDouble);
  ValueName steps = ctx.cast(ctx.input(node, "steps"), c10::kDouble);
  ValueName one = ctx.scalar_constant(1.0, c10::kDouble);
  ValueName denom = ctx.emit("Max", {ctx.emit("Sub", {steps, one}), one});
  ValueName delta = ctx.emit("Div", {ctx.emit("Sub", {end, start}), denom});
  ValueName out = ctx.emit("Add", {start, ctx.emit("Mul", {i, delta})});
  if (c10::isIntegralType(type, false)) out = ctx.emit("Floor", {out});
  return ctx.cast(out, type);
}

}  // namespace

// aten::linspace(Scalar start, Scalar end, int steps, *, dtype, ...): a constant for known
// arguments; run-time ones over the positions of NonZero (opset 9 has no Range).
Outputs linspace_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, c10::kFloat);
  if (auto k = known_linspace(ctx, node, type)) return {*k};
  const ValueName i = positions_up_to(ctx, ctx.input(node, "steps"));
  return {run_time_linspace(ctx, node, type, ctx.cast(i, c10::kDouble))};
}

// As linspace_v9, the positions from Range(0, steps).
Outputs linspace_v11(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, c10::kFloat);
  if (auto k = known_linspace(ctx, node, type)) return {*k};
  const ValueName steps = ctx.cast(ctx.input(node, "steps"), c10::kDouble);
  const ValueName i = ctx.emit("Range", {ctx.scalar_constant(0.0, c10::kDouble), steps,
                                         ctx.scalar_constant(1.0, c10::kDouble)});
  return {run_time_linspace(ctx, node, type, i)};
}

// aten::hann_window(int window_length, *, dtype...) / hann_window.periodic(n, bool periodic, ...):
// a constant; opset 9 has no Range for a run-time length.
Outputs hann_window_v9(SymbolicContext& ctx, const Node& node) {
  if (auto k = known_hann(ctx, node, dtype_or(ctx, node, c10::kFloat))) return {*k};
  ctx.needs_opset(11, "hann_window of a length computed at run time (Range)");
}

// As hann_window_v9; a run-time length gives 0.5 - 0.5 cos(2 pi i / N) over i = Range(0, n),
// N = n (periodic) or n - 1.
Outputs hann_window_v11(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, c10::kFloat);
  if (auto k = known_hann(ctx, node, type)) return {*k};
  ValueName len = ctx.cast(ctx.input(node, "window_length"), c10::kDouble);
  ValueName one = ctx.scalar_constant(1.0, c10::kDouble);
  ValueName i = ctx.emit("Range", {ctx.scalar_constant(0.0, c10::kDouble), len, one});
  ValueName denom =
      hann_periodic(ctx, node) ? len : ctx.emit("Max", {ctx.emit("Sub", {len, one}), one});
  ValueName angle =
      ctx.emit("Div", {ctx.emit("Mul", {i, ctx.scalar_constant(2 * M_PI, c10::kDouble)}), denom});
  ValueName half = ctx.scalar_constant(0.5, c10::kDouble);
  ValueName out = ctx.emit("Sub", {half, ctx.emit("Mul", {half, ctx.emit("Cos", {angle})})});
  return {ctx.cast(out, type)};
}

// aten::rand / randn (int[] size, *, dtype, ...): RandomUniformLike / RandomNormalLike of a
// ConstantOfShape (the size may be computed at run time). Checked by shape and dtype only.
Outputs rand_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, c10::kFloat);
  ValueName like = filled(ctx, size_tensor(ctx, node, "size"), 0.0, type);
  return {ctx.emit("RandomUniformLike", {like},
                   {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(type))}})};
}

Outputs randn_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, c10::kFloat);
  ValueName like = filled(ctx, size_tensor(ctx, node, "size"), 0.0, type);
  return {ctx.emit("RandomNormalLike", {like},
                   {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(type))}})};
}

// aten::rand_like / randn_like (self, *, dtype, ...): RandomUniformLike / RandomNormalLike.
Outputs rand_like_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = dtype_or(ctx, node, ctx.require_dtype(x));
  return {ctx.emit("RandomUniformLike", {x},
                   {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(type))}})};
}

Outputs randn_like_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = dtype_or(ctx, node, ctx.require_dtype(x));
  return {ctx.emit("RandomNormalLike", {x},
                   {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(type))}})};
}

// aten::normal.Tensor_Tensor(Tensor mean, Tensor std, *, generator): mean + std * N(0, 1), the
// noise from RandomNormalLike over the broadcast shape.
Outputs normal_v9(SymbolicContext& ctx, const Node& node) {
  ValueName mean = ctx.input(node, "mean");
  ValueName std = ctx.input(node, "std");
  const auto type = ctx.require_dtype(mean);
  std = ctx.cast(std, type);
  ValueName like = ctx.emit("Add", {ctx.emit("Mul", {mean, ctx.scalar_constant(0, type)}),
                                    ctx.emit("Mul", {std, ctx.scalar_constant(0, type)})});
  ValueName noise = ctx.emit("RandomNormalLike", {like});
  return {ctx.emit("Add", {mean, ctx.emit("Mul", {std, noise})})};
}

// aten::normal.float_float(float mean, float std, int[] size, *, generator, dtype, ...): the
// only overload whose shape is `size` rather than the operands': mean + std * RandomNormalLike
// over zeros of that size.
Outputs normal_float_float_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = dtype_or(ctx, node, c10::kFloat);
  ValueName like = filled(ctx, size_tensor(ctx, node, "size"), 0.0, type);
  ValueName noise = ctx.emit("RandomNormalLike", {like},
                             {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(type))}});
  const ValueName mean = ctx.cast(ctx.input(node, "mean"), type);
  const ValueName std = ctx.cast(ctx.input(node, "std"), type);
  return {ctx.emit("Add", {mean, ctx.emit("Mul", {std, noise})})};
}

// aten::bernoulli(self, *, generator): 1 where U[0, 1) < p, as p's dtype.
Outputs bernoulli_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName p = ctx.input(node, "self");
  ValueName u = ctx.emit("RandomUniformLike", {p});
  return {ctx.cast(ctx.emit("Less", {u, p}), ctx.require_dtype(p))};
}

// aten::multinomial(self, int num_samples, bool replacement, *, generator): ONNX Multinomial
// samples from log-probabilities (always with replacement; without it only one sample is the
// same thing).
Outputs multinomial_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName p = ctx.input(node, "self");
  const int64_t n = ctx.const_int(node, "num_samples");
  if (!ctx.const_bool(node, "replacement") && n > 1) {
    ctx.fail_unsupported("multinomial without replacement of more than one sample");
  }
  if (ctx.require_rank(p) != 2) ctx.fail_unsupported("multinomial of a non-2-d input");
  ValueName logp = ctx.emit("Log", {ctx.cast(p, c10::kFloat)});
  return {ctx.emit(
      "Multinomial", {logp},
      {{"sample_size", n}, {"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(c10::kLong))}})};
}

// aten::as_tensor(Tensor data, *, dtype, device) / as_tensor.list(t[] data, ...) and
// aten::tensor(t data / t[] data, *, dtype, device, requires_grad): a constant for known data,
// else the data (stacked where it is a list of run-time numbers) cast to the dtype.
Outputs as_tensor_v9(SymbolicContext& ctx, const Node& node) {
  const torch::jit::Value* data = ctx.arg(node, has_arg(node, "data") ? "data" : "t");
  auto known = ctx.known_value(data);
  std::optional<c10::ScalarType> type = ctx.optional_const_dtype(node, "dtype");
  if (known) {
    at::Tensor t;
    if (known->isIntList())
      t = at::tensor(known->toIntVector(), at::kLong);
    else if (known->isDoubleList())
      t = at::tensor(known->toDoubleVector(), at::kDouble).to(at::kFloat);
    else if (known->isInt())
      t = at::scalar_tensor(known->toInt(), at::kLong);
    else if (known->isDouble())
      t = at::scalar_tensor(known->toDouble(), at::kFloat);
    else if (known->isBool())
      t = at::scalar_tensor(known->toBool(), at::kBool);
    else if (known->isBoolList()) {
      std::vector<int64_t> ints;
      for (bool b : known->toBoolList()) ints.push_back(b ? 1 : 0);
      t = at::tensor(ints, at::kLong).to(at::kBool);
    } else if (known->isTensor())
      t = known->toTensor();
    if (t.defined()) return {ctx.constant(type ? t.to(*type) : t)};
  }
  ValueName x = ctx.tensor(data);
  if (!type) {
    const auto kind = data->type()->kind();
    if (kind == c10::TypeKind::FloatType) type = c10::kFloat;
    if (kind == c10::TypeKind::ListType && !data->type()->containedTypes().empty() &&
        data->type()->containedTypes()[0]->kind() == c10::TypeKind::FloatType) {
      type = c10::kFloat;
    }
  }
  return {type ? ctx.cast(x, *type) : x};
}

// aten::prim::dtype(Tensor a) -> int: the input's dtype, known at conversion time.
Outputs dtype_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.tensor(node.input(0));
  return {ctx.int_constant(static_cast<int64_t>(ctx.require_dtype(x)))};
}

}  // namespace pt2onnx::sym
