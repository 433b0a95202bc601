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

// The float weights (w_ih, w_hh, b_ih, b_hh) of one layer and direction of a dynamically
// quantized recurrent layer (torch.classes.rnn.CellParamsBase of kind quantized_dynamic or
// quantized_dynamic_fp16): the weights as LibTorch's kernels multiply them, dequantized.
std::vector<at::Tensor> dequantized_cell_params(SymbolicContext& ctx, const c10::IValue& cell);

// The float rows of the packed table of a quantized::embedding(_bag)_{byte,4bit} node (its first
// input), each computed by LibTorch's own kernel on a bag of that one row, so that they are the
// values its sums add (scale * q + bias per row, in its rounding).
at::Tensor dequantized_embedding_table(SymbolicContext& ctx, const Node& node);

}  // namespace pt2onnx::sym
