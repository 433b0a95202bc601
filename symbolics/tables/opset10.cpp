// Opset 10: pooling gains ceil_mode and dilations; Upsample becomes Resize; Slice takes its
// bounds as inputs; TopK takes k as an input; Mod with fmod, IsInf; QuantizeLinear and
// DequantizeLinear; NonMaxSuppression and RoiAlign.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset10(SymbolicTable& t) {
  // ---- conv_pool.cpp
  t.add("aten::max_pool1d", max_pool_v10);
  t.add("aten::max_pool2d", max_pool_v10);
  t.add("aten::max_pool3d", max_pool_v10);
  t.add("aten::avg_pool1d", avg_pool_v10);
  t.add("aten::avg_pool2d", avg_pool_v10);
  t.add("aten::avg_pool3d", avg_pool_v10);
  t.add("aten::max_pool1d_with_indices", max_pool_with_indices_v10);
  t.add("aten::max_pool2d_with_indices", max_pool_with_indices_v10);
  t.add("aten::max_pool3d_with_indices", max_pool_with_indices_v10);

  // ---- detection.cpp
  t.add("torchvision::nms", nms_v10);
  t.add("torchvision::roi_align", roi_align_v10);

  // ---- logical.cpp
  t.add("aten::isinf", isinf_v10);
  t.add("aten::isfinite", isfinite_v10);

  // ---- math_unary.cpp
  t.add("aten::fmod", fmod_v10);
  t.add("aten::nan_to_num", nan_to_num_v10);

  // ---- quantized.cpp
  t.add("aten::quantize_per_tensor", quantize_per_tensor_v10);
  t.add("aten::dequantize", dequantize_v10);
  t.add("aten::fake_quantize_per_tensor_affine", fake_quantize_per_tensor_affine_v10);
  t.add("aten::int_repr", int_repr_v10);
  t.add("quantized::conv1d", quantized_conv1d_v10);
  t.add("quantized::conv1d_relu", quantized_conv1d_relu_v10);
  t.add("quantized::conv2d", quantized_conv2d_v10);
  t.add("quantized::conv2d_relu", quantized_conv2d_relu_v10);
  t.add("quantized::conv3d", quantized_conv3d_v10);
  t.add("quantized::conv3d_relu", quantized_conv3d_relu_v10);
  t.add("quantized::conv_transpose2d", quantized_conv_transpose2d_v10);
  t.add("quantized::linear", quantized_linear_v10);
  t.add("quantized::linear_relu", quantized_linear_relu_v10);
  t.add("quantized::linear_dynamic", quantized_linear_dynamic_v10);
  t.add("quantized::add", quantized_add_v10);
  t.add("quantized::add_relu", quantized_add_relu_v10);
  t.add("quantized::mul", quantized_mul_v10);
  t.add("quantized::add_scalar", quantized_add_scalar_v10);
  t.add("quantized::add_scalar_relu", quantized_add_scalar_relu_v10);
  t.add("quantized::mul_scalar", quantized_mul_scalar_v10);
  t.add("quantized::mul_scalar_relu", quantized_mul_scalar_relu_v10);
  t.add("quantized::cat", quantized_cat_v10);
  t.add("quantized::hardswish", quantized_hardswish_v10);
  t.add("quantized::sigmoid", quantized_sigmoid_v10);
  t.add("quantized::relu6", quantized_relu6_v10);
  t.add("quantized::leaky_relu", quantized_leaky_relu_v10);
  t.add("quantized::batch_norm2d", quantized_batch_norm_v10);
  t.add("quantized::layer_norm", quantized_layer_norm_v10);
  t.add("quantized::group_norm", quantized_group_norm_v10);
  t.add("quantized::instance_norm", quantized_instance_norm_v10);

  // ---- resize.cpp
  t.add("aten::upsample_nearest1d", upsample_nearest_v10);
  t.add("aten::upsample_nearest2d", upsample_nearest_v10);
  t.add("aten::upsample_nearest3d", upsample_nearest_v10);
  t.add("aten::upsample_linear1d", upsample_linear_v10);
  t.add("aten::upsample_bilinear2d", upsample_linear_v10);
  t.add("aten::upsample_trilinear3d", upsample_linear_v10);
  t.add("aten::__interpolate", interpolate_v10);

  // ---- shape.cpp
  t.add("aten::flip", flip_v10);
  t.add("aten::im2col", im2col_v10);
  t.add("aten::split", split_v10);
  t.add("aten::split_with_sizes", split_v10);
  t.add("aten::unsafe_split", split_v10);
  t.add("aten::unsafe_split_with_sizes", split_v10);
  t.add("aten::chunk", chunk_v10);
  t.add("aten::unsafe_chunk", chunk_v10);

  // ---- sorting.cpp
  t.add("aten::topk", topk_v10);
  t.add("aten::sort", sort_v10);
  t.add("aten::argsort", argsort_v10);
}

}  // namespace pt2onnx::sym
