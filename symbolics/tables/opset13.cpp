// Opset 13: Softmax and LogSoftmax along one axis (as torch computes them); Split takes its
// sizes as an input; per-axis QuantizeLinear; If and Loop carry sequences.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset13(SymbolicTable& t) {
  // ---- activation.cpp
  t.add("aten::softmax", softmax_v13);
  t.add("aten::log_softmax", log_softmax_v13);
  t.add("aten::_log_softmax", _log_softmax_v13);

  // ---- control_flow.cpp
  t.add("prim::Loop", Loop_v13);
  t.add("prim::If", If_v13);

  // ---- quantized.cpp
  t.add("aten::fake_quantize_per_channel_affine", fake_quantize_per_channel_affine_v13);
  t.add("aten::quantize_per_channel", quantize_per_channel_v13);
  t.add("quantized::conv1d", quantized_conv1d_v13);
  t.add("quantized::conv1d_relu", quantized_conv1d_relu_v13);
  t.add("quantized::conv2d", quantized_conv2d_v13);
  t.add("quantized::conv2d_relu", quantized_conv2d_relu_v13);
  t.add("quantized::conv3d", quantized_conv3d_v13);
  t.add("quantized::conv3d_relu", quantized_conv3d_relu_v13);
  t.add("quantized::conv_transpose2d", quantized_conv_transpose2d_v13);
  t.add("quantized::linear", quantized_linear_v13);
  t.add("quantized::linear_relu", quantized_linear_relu_v13);
  t.add("quantized::linear_dynamic", quantized_linear_dynamic_v13);

  // ---- shape.cpp
  t.add("aten::split", split_v13);
  t.add("aten::split_with_sizes", split_v13);
  t.add("aten::unsafe_split", split_v13);
  t.add("aten::unsafe_split_with_sizes", split_v13);
  t.add("aten::chunk", chunk_v13);
  t.add("aten::unsafe_chunk", chunk_v13);
}

}  // namespace pt2onnx::sym
