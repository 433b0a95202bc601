// Sorting and selection by value: sort, argsort, topk, unique.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/sorting.h"

namespace pt2onnx::sym {

namespace {

// TopK of k (a 1-d int64 [1]) along dim; `largest` false only from opset 11.
std::vector<ValueName> topk_node(SymbolicContext& ctx, const ValueName& x, const ValueName& k,
                                 int64_t dim, bool largest, bool sorted, bool k_as_input) {
  if (!k_as_input) {
    const at::Tensor* kc = ctx.constant_of(k);
    if (kc == nullptr) ctx.needs_opset(10, "topk/sort with a run-time k");
    return ctx.emit_n("TopK", {x}, {{"axis", dim}, {"k", kc->reshape({-1})[0].item<int64_t>()}}, 2);
  }
  onnx_ir::Attrs attrs = {{"axis", dim}};
  if (!largest) attrs.push_back({"largest", 0});
  if (!sorted) attrs.push_back({"sorted", 0});
  return ctx.emit_n("TopK", {x, k}, attrs, 2);
}

// topk / sort / argsort below opset 11: no `largest` attribute, so the smallest are the largest
// of -x (signed types only).
Outputs topk_impl(SymbolicContext& ctx, const ValueName& x, const ValueName& k, int64_t dim,
                  bool largest, bool sorted, int opset_form) {
  if (opset_form >= 11) {
    auto r = topk_node(ctx, x, k, dim, largest, sorted, true);
    return {r[0], r[1]};
  }
  // TopK-1/10 take floating inputs only: others go through double.
  const auto type = ctx.require_dtype(x);
  ValueName xf = c10::isFloatingType(type) ? x : ctx.cast(x, c10::kDouble);
  if (!largest) xf = ctx.emit("Neg", {xf});
  auto r = topk_node(ctx, xf, k, dim, true, true, opset_form >= 10);
  ValueName values = largest ? r[0] : ctx.emit("Neg", {r[0]});
  return {ctx.cast(values, type), r[1]};
}

ValueName k_tensor(SymbolicContext& ctx, const Node& node) {
  return ctx.emit("Reshape", {ctx.cast(ctx.input(node, "k"), c10::kLong), ctx.ints_constant({1})});
}

Outputs topk_form(SymbolicContext& ctx, const Node& node, int form) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  return topk_impl(ctx, x, k_tensor(ctx, node), dim, ctx.const_bool(node, "largest"),
                   ctx.const_bool(node, "sorted"), form);
}

Outputs sort_form(SymbolicContext& ctx, const Node& node, int form) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto& g = ctx.builder();
  ValueName k = onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, x, dim), {0});
  return topk_impl(ctx, x, k, dim, ctx.const_bool(node, "descending"), true, form);
}

}  // namespace

// aten::topk(self, int k, int dim, bool largest, bool sorted): TopK-1 (k attribute, largest
// only; smallest via negation) at 9, TopK-10 (k input) at 10, TopK-11 (largest/sorted) at 11.
Outputs topk_v9(SymbolicContext& ctx, const Node& node) { return topk_form(ctx, node, 9); }
Outputs topk_v10(SymbolicContext& ctx, const Node& node) { return topk_form(ctx, node, 10); }
Outputs topk_v11(SymbolicContext& ctx, const Node& node) { return topk_form(ctx, node, 11); }

// aten::sort(self, int dim, bool descending) / sort.stable(self, *, bool? stable, dim,
// descending): TopK over the whole axis (as topk for the opset forms).
Outputs sort_v9(SymbolicContext& ctx, const Node& node) { return sort_form(ctx, node, 9); }
Outputs sort_v10(SymbolicContext& ctx, const Node& node) { return sort_form(ctx, node, 10); }
Outputs sort_v11(SymbolicContext& ctx, const Node& node) { return sort_form(ctx, node, 11); }

// aten::argsort(self, int dim, bool descending): the indices of sort.
Outputs argsort_v9(SymbolicContext& ctx, const Node& node) { return {sort_form(ctx, node, 9)[1]}; }
Outputs argsort_v10(SymbolicContext& ctx, const Node& node) {
  return {sort_form(ctx, node, 10)[1]};
}
Outputs argsort_v11(SymbolicContext& ctx, const Node& node) {
  return {sort_form(ctx, node, 11)[1]};
}

namespace {

// Unique-11 outputs: Y, first indices, inverse indices (of the flattened input), counts.
std::vector<ValueName> unique_node(SymbolicContext& ctx, const ValueName& x,
                                   std::optional<int64_t> axis, bool sorted) {
  onnx_ir::Attrs attrs = {{"sorted", sorted ? 1 : 0}};
  if (axis) attrs.push_back({"axis", *axis});
  return ctx.emit_n("Unique", {x}, attrs, 4);
}

}  // namespace

// aten::_unique(self, bool sorted, bool return_inverse) -> (output, inverse): Unique-11, the
// inverse reshaped to the input's shape.
Outputs _unique_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  auto u = unique_node(ctx, x, std::nullopt, true);
  return {u[0], ctx.emit("Reshape", {u[2], ctx.emit("Shape", {x})})};
}

// aten::_unique2(self, bool sorted, bool return_inverse, bool return_counts) -> (output,
// inverse, counts): Unique-11.
Outputs _unique2_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  auto u = unique_node(ctx, x, std::nullopt, true);
  return {u[0], ctx.emit("Reshape", {u[2], ctx.emit("Shape", {x})}), u[3]};
}

// aten::unique_dim(self, int dim, bool sorted, bool return_inverse, bool return_counts):
// Unique-11 along an axis.
Outputs unique_dim_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto u = unique_node(ctx, x, dim, true);
  return {u[0], u[2], u[3]};
}

}  // namespace pt2onnx::sym
