// Reductions.
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/reduction.h"

namespace pt2onnx::sym {
namespace {

// aten::<op>.dim_IntList(self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) and the
// all-axes overload aten::<op>(self, *, ScalarType? dtype=None).
Outputs reduce(SymbolicContext& ctx, const Node& node, const char* op) {
  ValueName x = ctx.input(node, "self");
  const auto* schema = node.maybeSchema();
  if (schema && schema->argumentIndexWithName("dtype")) {
    if (auto dtype = ctx.optional_const_dtype(node, "dtype")) x = ctx.cast(x, *dtype);
  }
  std::vector<int64_t> axes;
  bool keepdim = false;
  if (schema && schema->argumentIndexWithName("dim")) {
    if (auto dims = ctx.optional_const_ints(node, "dim")) axes = *dims;
    keepdim = ctx.const_bool(node, "keepdim");
  }
  // torch sums booleans and integers as int64.
  if (std::string(op) == "ReduceSum" && !c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) {
    x = ctx.cast(x, c10::kLong);
  }
  return {onnx_ops::reduce(ctx.builder(), op, x, axes, keepdim)};
}

}  // namespace

Outputs mean_v9(SymbolicContext& ctx, const Node& node) { return reduce(ctx, node, "ReduceMean"); }
Outputs sum_v9(SymbolicContext& ctx, const Node& node) { return reduce(ctx, node, "ReduceSum"); }

// aten::amax / amin(self, int[1] dim=[], bool keepdim=False)
Outputs amax_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::reduce(ctx.builder(), "ReduceMax", ctx.input(node, "self"),
                           ctx.const_ints(node, "dim"), ctx.const_bool(node, "keepdim"))};
}
Outputs amin_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::reduce(ctx.builder(), "ReduceMin", ctx.input(node, "self"),
                           ctx.const_ints(node, "dim"), ctx.const_bool(node, "keepdim"))};
}

}  // namespace pt2onnx::sym
