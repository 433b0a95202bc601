// Opset 9, the base: every op pt2onnx lowers, in the form valid from opset 9. Later tables only
// list what changes.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset9(SymbolicTable& t) {
  // ---- control flow and TorchScript plumbing
  t.add("prim::If", If_v9);
  t.add("prim::Loop", Loop_v9);
  t.add("prim::ListUnpack", ListUnpack_v9);
  t.add("prim::TupleConstruct", TupleConstruct_v9);
  t.add("prim::TupleUnpack", TupleUnpack_v9);
  t.add("prim::NumToTensor", passthrough_v9);
  t.add("prim::unchecked_cast", passthrough_v9);
  t.add("aten::ScalarImplicit", passthrough_v9);
  t.add("prim::RaiseException", RaiseException_v9);
  t.add("aten::warn", no_op_v9);
  t.add("aten::size", size_v9);
  t.add("aten::dim", dim_v9);
  t.add("aten::len", len_v9);
  t.add("aten::Int", Int_v9);
  t.add("aten::Float", Float_v9);
  t.add("aten::Bool", Bool_v9);
  t.add("aten::__is__", is_v9);
  t.add("aten::__isnot__", isnot_v9);
  t.add("aten::__not__", not_v9);
  t.add("aten::__getitem__", getitem_v9);

  // ---- arithmetic
  t.add("aten::add", add_v9);
  t.add("aten::sub", sub_v9);
  t.add("aten::rsub", rsub_v9);
  t.add("aten::mul", mul_v9);
  t.add("aten::div", div_v9);
  t.add("aten::div.Tensor_mode", div_mode_v9);
  t.add("aten::div.Scalar_mode", div_mode_v9);
  t.add("aten::floor_divide", floor_divide_v9);
  t.add("aten::floordiv", floor_divide_v9);
  t.add("aten::remainder", remainder_v9);
  t.add("aten::pow", pow_v9);
  t.add("aten::eq", eq_v9);
  t.add("aten::ne", ne_v9);
  t.add("aten::lt", lt_v9);
  t.add("aten::gt", gt_v9);
  t.add("aten::le", le_v9);
  t.add("aten::ge", ge_v9);
  t.add("aten::neg", neg_v9);
  t.add("aten::abs", abs_v9);
  t.add("aten::sqrt", sqrt_v9);
  t.add("aten::rsqrt", rsqrt_v9);
  t.add("aten::exp", exp_v9);
  t.add("aten::log", log_v9);
  t.add("aten::reciprocal", reciprocal_v9);
  t.add("aten::floor", floor_v9);
  t.add("aten::ceil", ceil_v9);
  t.add("aten::sin", sin_v9);
  t.add("aten::cos", cos_v9);
  t.add("aten::erf", erf_v9);

  // ---- activations
  t.add("aten::relu", relu_v9);
  t.add("aten::sigmoid", sigmoid_v9);
  t.add("aten::tanh", tanh_v9);
  t.add("aten::leaky_relu", leaky_relu_v9);
  t.add("aten::elu", elu_v9);
  t.add("aten::hardsigmoid", hardsigmoid_v9);
  t.add("aten::hardswish", hardswish_v9);
  t.add("aten::silu", silu_v9);
  t.add("aten::gelu", gelu_v9);
  t.add("aten::hardtanh", hardtanh_v9);
  t.add("aten::relu6", relu6_v9);
  t.add("aten::clamp", clamp_v9);
  t.add("aten::clip", clamp_v9);
  t.add("aten::softmax", softmax_v9);
  t.add("aten::log_softmax", log_softmax_v9);

  // ---- convolution and pooling
  t.add("aten::_convolution", _convolution_v9);
  t.add("aten::conv1d", conv_v9);
  t.add("aten::conv2d", conv_v9);
  t.add("aten::conv3d", conv_v9);
  t.add("aten::conv_transpose1d", conv_transpose_v9);
  t.add("aten::conv_transpose2d", conv_transpose_v9);
  t.add("aten::conv_transpose3d", conv_transpose_v9);
  t.add("aten::max_pool1d", max_pool_v9);
  t.add("aten::max_pool2d", max_pool_v9);
  t.add("aten::max_pool3d", max_pool_v9);
  t.add("aten::avg_pool1d", avg_pool_v9);
  t.add("aten::avg_pool2d", avg_pool_v9);
  t.add("aten::avg_pool3d", avg_pool_v9);
  t.add("aten::adaptive_avg_pool1d", adaptive_avg_pool_v9);
  t.add("aten::adaptive_avg_pool2d", adaptive_avg_pool_v9);
  t.add("aten::adaptive_avg_pool3d", adaptive_avg_pool_v9);
  t.add("aten::adaptive_max_pool1d", adaptive_max_pool_v9);
  t.add("aten::adaptive_max_pool2d", adaptive_max_pool_v9);
  t.add("aten::adaptive_max_pool3d", adaptive_max_pool_v9);

  // ---- normalization
  t.add("aten::batch_norm", batch_norm_v9);
  t.add("aten::layer_norm", layer_norm_v9);
  t.add("aten::group_norm", group_norm_v9);
  t.add("aten::instance_norm", instance_norm_v9);

  // ---- linear algebra
  t.add("aten::linear", linear_v9);
  t.add("aten::addmm", addmm_v9);
  t.add("aten::matmul", matmul_v9);
  t.add("aten::mm", matmul_v9);
  t.add("aten::bmm", matmul_v9);
  t.add("aten::t", t_v9);

  // ---- shape and data movement
  t.add("aten::view", reshape_v9);
  t.add("aten::reshape", reshape_v9);
  t.add("aten::flatten", flatten_v9);
  t.add("aten::permute", permute_v9);
  t.add("aten::transpose", transpose_v9);
  t.add("aten::unsqueeze", unsqueeze_v9);
  t.add("aten::squeeze", squeeze_v9);
  t.add("aten::cat", cat_v9);
  t.add("aten::concat", cat_v9);
  t.add("aten::stack", stack_v9);
  t.add("aten::slice", slice_v9);
  t.add("aten::select", select_v9);
  t.add("aten::expand", expand_v9);
  t.add("aten::expand_as", expand_as_v9);
  t.add("aten::chunk", chunk_v9);
  t.add("aten::split", split_v9);
  t.add("aten::split_with_sizes", split_v9);
  t.add("aten::to", to_v9);
  t.add("aten::type_as", type_as_v9);
  t.add("aten::contiguous", identity_v9);
  t.add("aten::clone", identity_v9);
  t.add("aten::detach", identity_v9);
  t.add("aten::dropout", identity_v9);
  t.add("aten::feature_dropout", identity_v9);

  // ---- reductions
  t.add("aten::mean", mean_v9);
  t.add("aten::sum", sum_v9);
  t.add("aten::amax", amax_v9);
  t.add("aten::amin", amin_v9);

  // ---- resampling
  t.add("aten::upsample_nearest1d", upsample_nearest_v9);
  t.add("aten::upsample_nearest2d", upsample_nearest_v9);
  t.add("aten::upsample_nearest3d", upsample_nearest_v9);
  t.add("aten::upsample_linear1d", upsample_linear_v9);
  t.add("aten::upsample_bilinear2d", upsample_linear_v9);
  t.add("aten::upsample_trilinear3d", upsample_linear_v9);
}

}  // namespace pt2onnx::sym
