// Quantized values as the float symbolics see them (defined in quantized.cpp, beside what it
// reads; Note [Quantized values]).
#pragma once

#include "symbolics/context.h"

namespace pt2onnx::sym {

// `y`, the float result of an op that moves a quantized input off its grid (average pooling),
// put back on the input's grid right after the op, as LibTorch's integer kernel rounds its
// result there; `y` unchanged when the op's first input is not a per-tensor quantized tensor.
// The QuantizeLinear directly after the op is also what ONNX Runtime fuses, with the
// DequantizeLinear before it, into its integer kernel (QLinearAveragePool and the like), which
// rounds as LibTorch does; one later, after a Flatten, is not fused.
ValueName requantized_like_input(SymbolicContext& ctx, const Node& node, const ValueName& y);

}  // namespace pt2onnx::sym
