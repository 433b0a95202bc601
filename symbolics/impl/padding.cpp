// Padding: constant, reflect, replicate (ONNX "edge") and circular.
//
// Note [Pad order]: torch lists pads from the last axis backwards, [last_begin, last_end,
// prev_begin, prev_end, ...]; ONNX wants all begins in axis order, then all ends. Circular
// padding has no ONNX mode before opset 19: a Concat of the input with slices of its own ends.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <limits>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/padding.h"

namespace pt2onnx::sym {
namespace {

// torch pads -> ONNX pads for an input of `rank` (see Note [Pad order]).
std::vector<int64_t> onnx_pads(SymbolicContext& ctx, const std::vector<int64_t>& pad,
                               int64_t rank) {
  if (pad.size() % 2 != 0 || static_cast<int64_t>(pad.size()) > 2 * rank) {
    ctx.fail_invalid("pad: the padding list must have an even length of at most twice the rank");
  }
  std::vector<int64_t> out(static_cast<size_t>(2 * rank), 0);
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    const int64_t axis = rank - 1 - static_cast<int64_t>(i);
    out[static_cast<size_t>(axis)] = pad[2 * i];
    out[static_cast<size_t>(axis + rank)] = pad[2 * i + 1];
  }
  return out;
}

// torch pads known only at run time -> ONNX pads: a Gather from the torch list with a zero
// appended, the positions as onnx_pads would place them (see Note [Pad order]).
ValueName onnx_pads_at_run_time(SymbolicContext& ctx, const Node& node, const char* name,
                                int64_t rank) {
  const ValueName pad = ctx.cast(ctx.input(node, name), c10::kLong);
  const auto shape = ctx.static_shape(pad);
  if (!shape || shape->size() != 1) {
    ctx.fail_unsupported("pad with a padding list whose length is known only at run time");
  }
  const int64_t n = (*shape)[0];
  std::vector<int64_t> positions(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) positions[static_cast<size_t>(i)] = i;
  const std::vector<int64_t> where = onnx_pads(ctx, positions, rank);
  std::vector<int64_t> index;
  for (size_t i = 0; i < where.size(); ++i) {
    // onnx_pads leaves 0 at unpadded axes; a padded axis reads its position in the list.
    const int64_t axis = static_cast<int64_t>(i) % rank;
    const bool padded = axis >= rank - n / 2;
    index.push_back(padded ? where[i] : n);
  }
  const ValueName with_zero = ctx.emit("Concat", {pad, ctx.ints_constant({0})}, {{"axis", 0}});
  return ctx.emit("Gather", {with_zero, ctx.ints_constant(index)}, {{"axis", 0}});
}

// Pad in `mode` by the list argument `name`: attribute or constant input where its values are
// known at conversion time, a run-time input (opset 11) otherwise.
ValueName pad_mode(SymbolicContext& ctx, const Node& node, const char* name, const ValueName& x,
                   const std::string& mode, double value) {
  const int64_t rank = ctx.require_rank(x);
  if (ctx.known_value(ctx.arg(node, name))) {
    return onnx_ops::pad(ctx.builder(), x, onnx_pads(ctx, ctx.const_ints(node, name), rank), mode,
                         value);
  }
  return onnx_ops::pad_dynamic(ctx.builder(), x, onnx_pads_at_run_time(ctx, node, name, rank), mode,
                               value);
}

// Circular padding: per padded axis, Concat(x[-begin:], x, x[:end]); from opset 19 (`wrap`)
// Pad's wrap mode, the same values.
ValueName pad_circular(SymbolicContext& ctx, ValueName x, const std::vector<int64_t>& pad,
                       bool wrap) {
  const int64_t rank = ctx.require_rank(x);
  for (int64_t v : pad) {
    if (v < 0) ctx.fail_unsupported("circular padding with negative pads");
  }
  if (wrap) return onnx_ops::pad(ctx.builder(), x, onnx_pads(ctx, pad, rank), "wrap", 0.0);
  auto& g = ctx.builder();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    const int64_t axis = rank - 1 - static_cast<int64_t>(i);
    const int64_t begin = pad[2 * i];
    const int64_t end = pad[2 * i + 1];
    std::vector<ValueName> parts;
    if (begin > 0) parts.push_back(onnx_ops::slice(g, x, {axis}, {-begin}, {kMax}));
    parts.push_back(x);
    if (end > 0) parts.push_back(onnx_ops::slice(g, x, {axis}, {0}, {end}));
    if (parts.size() > 1) x = ctx.emit("Concat", parts, {{"axis", axis}});
  }
  return x;
}

}  // namespace

// aten::constant_pad_nd(self, int[] pad, Scalar value=0): Pad constant (attribute pads before
// opset 11, input from 11, through onnx_ops::pad).
Outputs constant_pad_nd_v9(SymbolicContext& ctx, const Node& node) {
  const double value = ctx.is_none(node, "value") ? 0.0 : ctx.const_float(node, "value");
  return {pad_mode(ctx, node, "pad", ctx.input(node, "self"), "constant", value)};
}

// aten::reflection_pad1d/2d/3d(self, int[] padding): Pad reflect.
Outputs reflection_pad_v9(SymbolicContext& ctx, const Node& node) {
  return {pad_mode(ctx, node, "padding", ctx.input(node, "self"), "reflect", 0.0)};
}

// aten::replication_pad1d/2d/3d(self, int[] padding): Pad edge.
Outputs replication_pad_v9(SymbolicContext& ctx, const Node& node) {
  return {pad_mode(ctx, node, "padding", ctx.input(node, "self"), "edge", 0.0)};
}

// aten::_pad_circular(self, int[] pad): slices and Concat; Pad wrap from 19.
Outputs _pad_circular_v9(SymbolicContext& ctx, const Node& node) {
  return {pad_circular(ctx, ctx.input(node, "self"), ctx.const_ints(node, "pad"), false)};
}
Outputs _pad_circular_v19(SymbolicContext& ctx, const Node& node) {
  return {pad_circular(ctx, ctx.input(node, "self"), ctx.const_ints(node, "pad"), true)};
}

namespace {

// aten::pad(self, int[] pad, str mode="constant", float? value=None): by mode.
Outputs pad_by_mode(SymbolicContext& ctx, const Node& node, bool wrap) {
  const ValueName x = ctx.input(node, "self");
  const std::string mode = ctx.const_string(node, "mode");
  if (mode == "constant") {
    const double value = ctx.is_none(node, "value") ? 0.0 : ctx.const_float(node, "value");
    return {pad_mode(ctx, node, "pad", x, "constant", value)};
  }
  if (mode == "reflect") return {pad_mode(ctx, node, "pad", x, "reflect", 0.0)};
  if (mode == "replicate") return {pad_mode(ctx, node, "pad", x, "edge", 0.0)};
  if (mode == "circular") return {pad_circular(ctx, x, ctx.const_ints(node, "pad"), wrap)};
  ctx.fail_unsupported("pad mode '" + mode + "'");
}

}  // namespace

Outputs pad_v9(SymbolicContext& ctx, const Node& node) { return pad_by_mode(ctx, node, false); }
Outputs pad_v19(SymbolicContext& ctx, const Node& node) { return pad_by_mode(ctx, node, true); }

}  // namespace pt2onnx::sym
