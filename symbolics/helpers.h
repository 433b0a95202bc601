// Helpers shared by symbolics of several categories. Category-local helpers stay in their
// impl/<category>.cpp; only what several categories need is here.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "convert/symbolic_context.h"

namespace torch::jit {
struct Value;
}

namespace pt2onnx::sym {

// Note [Type promotion]: torch promotes mixed operands by category (bool < integer < float) and
// by priority (dimensioned tensors > 0-d tensors > Python numbers): a lower-priority operand only
// changes the result type when its category is higher (int tensor + 2.5 -> float32, float16
// tensor + 2.5 -> float16, int tensor + 0-d float64 tensor -> float64). ONNX ops want equal
// input types, so operands are cast to the promoted type.
c10::ScalarType promoted_type(SymbolicContext& ctx, const std::vector<const torch::jit::Value*>& operands);
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

}  // namespace pt2onnx::sym
