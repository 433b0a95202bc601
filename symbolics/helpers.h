// Helpers shared by symbolics of several categories. Category-local helpers stay in their
// impl/<category>.cpp; only what several categories need is here.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "symbolics/context.h"

namespace torch::jit {
struct Value;
}

namespace pt2onnx::sym {

// Note [Type promotion]: torch promotes mixed operands by category (bool < integer < float) and
// by priority (dimensioned tensors > 0-d tensors > Python numbers): a lower-priority operand only
// changes the result type when its category is higher (int tensor + 2.5 -> float32, float16
// tensor + 2.5 -> float16, int tensor + 0-d float64 tensor -> float64). ONNX ops want equal
// input types, so operands are cast to the promoted type.
c10::ScalarType promoted_type(SymbolicContext& ctx,
                              const std::vector<const torch::jit::Value*>& operands);
// Lowers and casts each operand to `type`.
std::vector<ValueName> inputs_as(SymbolicContext& ctx,
                                 const std::vector<const torch::jit::Value*>& operands,
                                 c10::ScalarType type);
// The two operands of a binary op whichever spelling its schema uses (self/other or a/b).
std::pair<const torch::jit::Value*, const torch::jit::Value*> binary_operands(SymbolicContext& ctx,
                                                                              const Node& node);

// Wraps a possibly negative dim into [0, rank).
int64_t wrap_dim(SymbolicContext& ctx, int64_t dim, const ValueName& x);
// The input's static size at `axis`, if known.
std::optional<int64_t> static_dim(SymbolicContext& ctx, const ValueName& x, int64_t axis);
// Shape(x) with its axes [first, first + count) replaced by `middle` (a 1-d int64 value; a count
// of 0 inserts it before `first`): the target of a Reshape or Expand that changes only those axes
// and keeps the others at their run-time sizes.
ValueName shape_with_axes_replaced(SymbolicContext& ctx, const ValueName& x, int64_t first,
                                   int64_t count, const ValueName& middle);

}  // namespace pt2onnx::sym

// ---- numeric helpers
namespace pt2onnx::sym {

// Python-style floor division of two integer tensors of the same type, from ops the constant
// folder knows (Div truncates; the result is corrected where the signs differ and the division
// is inexact).
ValueName int_floor_div(SymbolicContext& ctx, const ValueName& a, const ValueName& b,
                        c10::ScalarType type);
// The p-norm of `x` over `axes` (all where empty) as torch.linalg.vector_norm computes it:
// p = 0 counts non-zeros, +-inf takes max/min of |x|, 1 and 2 use ReduceL1/L2, others
// (sum |x|^p)^(1/p). `x` must be floating.
ValueName vector_norm(SymbolicContext& ctx, const ValueName& x, double p,
                      const std::vector<int64_t>& axes, bool keepdim);
// Casts integer and bool tensors to float32 (torch computes float math of integers in the
// default float type); floating tensors are returned unchanged.
ValueName as_floating(SymbolicContext& ctx, const ValueName& x);

// 0, 1, ..., n - 1 (int64) for a 0-d int64 n known only at run time, from opset 9, where there is
// no Range: the indices of NonZero over n true values.
ValueName positions_up_to(SymbolicContext& ctx, const ValueName& n);

// onnx_ops::slice_dynamic, with the output typed as the input's element type and rank (ONNX's
// Slice inference gives up on run-time bounds, which would lose the rank for later symbolics).
ValueName slice_dynamic_keep_rank(SymbolicContext& ctx, const ValueName& x, const ValueName& starts,
                                  const ValueName& ends, const ValueName& axes,
                                  const ValueName& steps);

// Layer normalization of `x` over its last `axes_count` axes, decomposed:
// (x - mean) / sqrt(var + eps), then * weight and + bias where given. `mean` and `rstd`
// (1 / sqrt(var + eps), kept dims), when asked for, receive the statistics.
ValueName layer_norm_decomposed(SymbolicContext& ctx, const ValueName& x, int64_t axes_count,
                                const std::optional<ValueName>& weight,
                                const std::optional<ValueName>& bias, double eps,
                                ValueName* mean = nullptr, ValueName* rstd = nullptr);
// Group normalization of `x` (N, C, ...) in `groups` groups, decomposed: InstanceNormalization of
// the (N, groups, -1) view, then * weight and + bias (per channel) where given.
ValueName group_norm_decomposed(SymbolicContext& ctx, const ValueName& x, int64_t groups,
                                const std::optional<ValueName>& weight,
                                const std::optional<ValueName>& bias, double eps);
// torch's exact GELU: 0.5 x (1 + erf(x / sqrt 2)).
ValueName gelu_erf(SymbolicContext& ctx, const ValueName& x);

}  // namespace pt2onnx::sym
