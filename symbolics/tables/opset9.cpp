// Opset 9, the base: every op pt2onnx lowers, in the form valid from opset 9, grouped by the
// file in symbolics/impl/ that holds the symbolic. Later tables only list what changes.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset9(SymbolicTable& t) {
  // ---- activation.cpp
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
  t.add("aten::_log_softmax", _log_softmax_v9);
  t.add("aten::celu", celu_v9);
  t.add("aten::selu", selu_v9);
  t.add("aten::softplus", softplus_v9);
  t.add("aten::mish", mish_v9);
  t.add("aten::log_sigmoid", log_sigmoid_v9);
  t.add("aten::softshrink", softshrink_v9);
  t.add("aten::hardshrink", hardshrink_v9);
  t.add("aten::threshold", threshold_v9);
  t.add("aten::glu", glu_v9);
  t.add("aten::prelu", prelu_v9);
  t.add("aten::rrelu", rrelu_v9);
  t.add("aten::clamp_min", clamp_min_v9);
  t.add("aten::clamp_max", clamp_max_v9);

  // ---- arithmetic.cpp
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
  t.add("aten::add.t", add_list_v9);
  t.add("aten::maximum", maximum_v9);
  t.add("aten::minimum", minimum_v9);
  t.add("aten::max.other", maximum_v9);
  t.add("aten::min.other", minimum_v9);
  t.add("aten::eq.int_list", eq_list_v9);
  t.add("aten::eq.float_list", eq_list_v9);
  t.add("aten::eq.bool_list", eq_list_v9);
  t.add("aten::ne.int_list", ne_list_v9);
  t.add("aten::ne.float_list", ne_list_v9);
  t.add("aten::ne.bool_list", ne_list_v9);

  // ---- attention.cpp
  t.add("aten::_native_multi_head_attention", native_multi_head_attention_v9);
  t.add("aten::scaled_dot_product_attention", scaled_dot_product_attention_v9);
  t.add("aten::_transformer_encoder_layer_fwd", transformer_encoder_layer_fwd_v9);

  // ---- casts.cpp
  t.add("aten::to", to_v9);
  t.add("aten::type_as", type_as_v9);
  t.add("aten::_cast_Byte", _cast_Byte_v9);
  t.add("aten::_cast_Char", _cast_Char_v9);
  t.add("aten::_cast_Double", _cast_Double_v9);
  t.add("aten::_cast_Float", _cast_Float_v9);
  t.add("aten::_cast_Half", _cast_Half_v9);
  t.add("aten::_cast_Int", _cast_Int_v9);
  t.add("aten::_cast_Long", _cast_Long_v9);
  t.add("aten::_cast_Short", _cast_Short_v9);
  t.add("aten::is_floating_point", is_floating_point_v9);
  t.add("aten::is_pinned", is_pinned_v9);

  // ---- control_flow.cpp
  t.add("prim::If", If_v9);
  t.add("prim::Loop", Loop_v9);

  // ---- conv_pool.cpp
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
  t.add("aten::convolution", _convolution_v9);
  t.add("aten::conv_tbc", conv_tbc_v9);
  t.add("aten::max_pool1d_with_indices", max_pool_with_indices_v9);
  t.add("aten::max_pool2d_with_indices", max_pool_with_indices_v9);
  t.add("aten::max_pool3d_with_indices", max_pool_with_indices_v9);

  // ---- detection.cpp
  t.add("torchvision::roi_pool", roi_pool_v9);
  // Position-sensitive RoI ops: each output bin reads its own group of input channels
  // (channel c * PH * PW + bin); ONNX's RoiAlign and MaxRoiPool pool every channel over every bin.
  t.unsupported("torchvision::ps_roi_align",
                "position-sensitive RoIAlign has no ONNX operator: each bin reads its own "
                "channel group, and RoiAlign pools every channel over every bin");
  t.unsupported("torchvision::ps_roi_pool",
                "position-sensitive RoI pooling has no ONNX operator: each bin reads its own "
                "channel group, and MaxRoiPool pools every channel over every bin");
  t.unsupported("torchvision::deform_conv2d",
                "deformable convolution is ONNX's DeformConv, from opset 19 (ONNX 1.14); this "
                "build writes opsets up to 17");

  // ---- dicts.cpp
  t.add("prim::DictConstruct", DictConstruct_v9);
  t.add("aten::get", dict_get_v9);
  t.add("aten::setdefault", setdefault_v9);
  t.add("aten::update", update_v9);
  t.add("aten::keys", keys_v9);
  t.add("aten::values", values_v9);
  t.add("aten::dict", dict_copy_v9);
  // dicts with keys known at conversion time: str, int and float keys
  for (const std::string key : {"str", "int", "float"}) {
    t.add("aten::__getitem__.Dict_" + key, dict_getitem_v9);
    t.add("aten::_set_item." + key, dict_set_item_v9);
    t.add("aten::pop.Dict_" + key, dict_pop_v9);
    t.add("aten::pop.Dict_default_" + key, dict_pop_v9);
    t.add("aten::Delete.Dict_" + key, dict_delete_v9);
    t.add("aten::clear." + key, dict_clear_v9);
    t.add("aten::copy.Dict_" + key, dict_copy_v9);
    t.add("aten::len.Dict_" + key, dict_len_v9);
    t.add("aten::__contains__." + key, dict_contains_v9);
  }

  // ---- environment.cpp
  t.add("prim::device", device_v9);
  t.add("prim::layout", layout_v9);
  for (const char* query :
       {"prim::is_cuda", "prim::is_mkldnn", "prim::is_quantized", "prim::is_sparse",
        "prim::is_meta", "prim::is_nested", "prim::is_xpu", "prim::is_vulkan", "prim::is_ipu",
        "prim::requires_grad", "aten::is_autocast_enabled", "aten::is_autocast_cpu_enabled",
        "aten::is_grad_enabled", "aten::is_inference_mode_enabled", "aten::has_torch_function"})
    t.add(query, false_query_v9);
  t.add("aten::cpu", cpu_v9);
  t.add("prim::type", type_v9);

  // ---- factories.cpp
  t.add("prim::dtype", dtype_v9);
  t.add("aten::zeros", zeros_v9);
  t.add("aten::empty", zeros_v9);
  t.add("aten::ones", ones_v9);
  t.add("aten::full", full_v9);
  t.add("aten::zeros_like", zeros_like_v9);
  t.add("aten::empty_like", zeros_like_v9);
  t.add("aten::ones_like", ones_like_v9);
  t.add("aten::full_like", full_like_v9);
  t.add("aten::fill", fill_v9);
  t.add("aten::zero", zero_v9);
  // A 0-d tensor where an int is expected (torchvision's mask pasting: torch.zeros(0, im_h, im_w)).
  t.add("aten::IntImplicit", Int_v9);
  t.add("aten::new_zeros", new_zeros_v9);
  t.add("aten::new_empty", new_zeros_v9);
  t.add("aten::new_ones", new_ones_v9);
  t.add("aten::new_full", new_full_v9);
  t.add("aten::eye", eye_v9);
  t.add("aten::arange", arange_v9);
  t.add("aten::linspace", linspace_v9);
  t.add("aten::hann_window", hann_window_v9);
  t.add("aten::rand", rand_v9);
  t.add("aten::randn", randn_v9);
  t.add("aten::rand_like", rand_like_v9);
  t.add("aten::randn_like", randn_like_v9);
  t.add("aten::normal", normal_v9);
  t.add("aten::normal.float_float", normal_float_float_v9);
  t.add("aten::bernoulli", bernoulli_v9);
  t.add("aten::multinomial", multinomial_v9);
  t.add("aten::as_tensor", as_tensor_v9);
  t.add("aten::tensor", as_tensor_v9);

  // ---- indexing.cpp
  t.add("aten::index_select", index_select_v9);
  t.add("aten::embedding", embedding_v9);
  t.add("aten::take", take_v9);
  t.add("aten::index", index_v9);
  t.add("aten::gather", gather_v9);
  t.add("aten::scatter", scatter_v9);
  t.add("aten::scatter_add", scatter_add_v9);
  t.add("aten::index_copy", index_copy_v9);
  t.add("aten::index_add", index_add_v9);
  t.add("aten::index_fill", index_fill_v9);
  t.add("aten::masked_fill", masked_fill_v9);
  t.add("aten::where", where_v9);
  t.add("aten::nonzero", nonzero_v9);
  t.add("aten::nonzero_numpy", nonzero_numpy_v9);
  t.add("aten::masked_select", masked_select_v9);
  t.add("aten::one_hot", one_hot_v9);
  t.add("aten::bucketize", bucketize_v9);
  t.add("aten::embedding_renorm", embedding_renorm_v9);
  t.add("aten::index_put", index_put_v9);
  t.add("aten::embedding_bag", embedding_bag_v9);
  t.add("quantized::embedding_bag_byte", quantized_embedding_bag_v9);
  t.add("quantized::embedding_bag_4bit", quantized_embedding_bag_v9);
  t.add("quantized::embedding_byte", quantized_embedding_v9);

  // ---- inplace_views.cpp
  t.add("aten::copy_", copy__v9);

  // ---- linear.cpp
  t.add("aten::linear", linear_v9);
  t.add("aten::addmm", addmm_v9);
  t.add("aten::matmul", matmul_v9);
  t.add("aten::mm", matmul_v9);
  t.add("aten::bmm", matmul_v9);
  t.add("aten::t", t_v9);
  t.add("aten::dot", matmul_v9);
  t.add("aten::mv", matmul_v9);
  t.add("aten::outer", outer_v9);
  t.add("aten::ger", outer_v9);
  t.add("aten::baddbmm", baddbmm_v9);
  t.add("aten::tensordot", tensordot_v9);
  t.add("aten::cross", cross_v9);
  t.add("aten::linalg_cross", linalg_cross_v9);

  // ---- lists.cpp
  t.add("aten::list", list_v9);
  t.add("aten::copy.t", list_v9);
  t.add("aten::_set_item.t", list_set_item_v9);
  t.add("aten::slice.t", list_slice_v9);
  t.add("aten::append", append_v9);
  t.add("aten::pop", pop_v9);
  t.add("aten::Delete", Delete_v9);
  t.add("aten::insert", insert_v9);
  t.add("prim::min", prim_min_v9);
  t.add("prim::max", prim_max_v9);
  t.add("aten::__range_length", __range_length_v9);
  t.add("aten::__derive_index", __derive_index_v9);
  t.add("aten::_dim_arange", _dim_arange_v9);

  // ---- logical.cpp
  t.add("aten::__and__", __and___v9);
  t.add("aten::__or__", __or___v9);
  t.add("aten::__xor__", __xor___v9);
  t.add("aten::bitwise_and", __and___v9);
  t.add("aten::bitwise_or", __or___v9);
  t.add("aten::bitwise_xor", __xor___v9);
  t.add("aten::bitwise_not", bitwise_not_v9);
  t.add("aten::logical_and", logical_and_v9);
  t.add("aten::logical_or", logical_or_v9);
  t.add("aten::logical_xor", logical_xor_v9);
  t.add("aten::logical_not", logical_not_v9);
  t.add("aten::__lshift__", __lshift___v9);
  t.add("aten::__rshift__", __rshift___v9);
  t.add("aten::isnan", isnan_v9);

  // ---- loss.cpp
  t.add("aten::binary_cross_entropy_with_logits", binary_cross_entropy_with_logits_v9);
  t.add("aten::binary_cross_entropy", binary_cross_entropy_v9);
  t.add("aten::kl_div", kl_div_v9);
  t.add("aten::cosine_similarity", cosine_similarity_v9);
  t.add("aten::pairwise_distance", pairwise_distance_v9);
  t.add("aten::cdist", cdist_v9);

  // ---- math_unary.cpp
  t.add("aten::acos", acos_v9);
  t.add("aten::asin", asin_v9);
  t.add("aten::atan", atan_v9);
  t.add("aten::tan", tan_v9);
  t.add("aten::sign", sign_v9);
  t.add("aten::log2", log2_v9);
  t.add("aten::log10", log10_v9);
  t.add("aten::log1p", log1p_v9);
  t.add("aten::square", square_v9);
  t.add("aten::lerp", lerp_v9);
  t.add("aten::addcmul", addcmul_v9);
  t.add("aten::addcdiv", addcdiv_v9);

  // ---- normalization.cpp
  t.add("aten::batch_norm", batch_norm_v9);
  t.add("aten::layer_norm", layer_norm_v9);
  t.add("aten::group_norm", group_norm_v9);
  t.add("aten::instance_norm", instance_norm_v9);
  t.add("aten::dropout", dropout_v9);
  t.add("aten::feature_dropout", dropout_v9);
  t.add("aten::native_layer_norm", native_layer_norm_v9);
  t.add("aten::native_dropout", native_dropout_v9);
  t.add("aten::alpha_dropout", alpha_dropout_v9);
  t.add("aten::feature_alpha_dropout", alpha_dropout_v9);

  // ---- padding.cpp
  t.add("aten::constant_pad_nd", constant_pad_nd_v9);
  t.add("aten::reflection_pad1d", reflection_pad_v9);
  t.add("aten::reflection_pad2d", reflection_pad_v9);
  t.add("aten::reflection_pad3d", reflection_pad_v9);
  t.add("aten::replication_pad1d", replication_pad_v9);
  t.add("aten::replication_pad2d", replication_pad_v9);
  t.add("aten::replication_pad3d", replication_pad_v9);
  t.add("aten::_pad_circular", _pad_circular_v9);
  t.add("aten::pad", pad_v9);

  // ---- reduction.cpp
  t.add("aten::mean", mean_v9);
  t.add("aten::sum", sum_v9);
  t.add("aten::amax", amax_v9);
  t.add("aten::amin", amin_v9);
  t.add("aten::max", max_v9);
  t.add("aten::max.dim", max_dim_v9);
  t.add("aten::min", min_v9);
  t.add("aten::min.dim", min_dim_v9);
  t.add("aten::argmax", argmax_v9);
  t.add("aten::argmin", argmin_v9);
  t.add("aten::aminmax", aminmax_v9);
  t.add("aten::prod", prod_v9);
  t.add("aten::var", var_v9);
  t.add("aten::std", std_v9);
  t.add("aten::var_mean", var_mean_v9);
  t.add("aten::std_mean", std_mean_v9);
  t.add("aten::logsumexp", logsumexp_v9);
  t.add("aten::norm", norm_v9);
  t.add("aten::linalg_vector_norm", linalg_vector_norm_v9);
  t.add("aten::linalg_matrix_norm", linalg_matrix_norm_v9);
  t.add("aten::linalg_norm", linalg_norm_v9);
  t.add("aten::frobenius_norm", frobenius_norm_v9);
  t.add("aten::cumsum", cumsum_v9);
  t.add("aten::all", all_v9);
  t.add("aten::any", any_v9);

  // ---- resize.cpp
  t.add("aten::upsample_nearest1d", upsample_nearest_v9);
  t.add("aten::upsample_nearest2d", upsample_nearest_v9);
  t.add("aten::upsample_nearest3d", upsample_nearest_v9);
  t.add("aten::upsample_linear1d", upsample_linear_v9);
  t.add("aten::upsample_bilinear2d", upsample_linear_v9);
  t.add("aten::upsample_trilinear3d", upsample_linear_v9);
  t.add("aten::__interpolate", interpolate_v9);

  // ---- rnn.cpp
  t.add("aten::lstm", lstm_v9);
  t.add("aten::gru", gru_v9);
  t.add("aten::rnn_tanh", rnn_tanh_v9);
  t.add("aten::rnn_relu", rnn_relu_v9);
  t.add("aten::lstm.data", lstm_packed_v9);
  t.add("aten::gru.data", gru_packed_v9);
  t.add("aten::rnn_tanh.data", rnn_tanh_packed_v9);
  t.add("aten::rnn_relu.data", rnn_relu_packed_v9);
  t.add("aten::quantized_lstm", quantized_lstm_v9);
  t.add("aten::quantized_gru", quantized_gru_v9);
  t.add("aten::_pack_padded_sequence", _pack_padded_sequence_v9);
  t.add("aten::_pad_packed_sequence", _pad_packed_sequence_v9);

  // ---- rnn_cells.cpp
  t.add("aten::lstm_cell", lstm_cell_v9);
  t.add("aten::gru_cell", gru_cell_v9);
  t.add("aten::rnn_tanh_cell", rnn_tanh_cell_v9);
  t.add("aten::rnn_relu_cell", rnn_relu_cell_v9);

  // ---- shape.cpp
  t.add("aten::view", reshape_v9);
  t.add("aten::reshape", reshape_v9);
  t.add("aten::flatten", flatten_v9);
  t.add("aten::unflatten", unflatten_v9);
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
  t.add("aten::contiguous", identity_v9);
  t.add("aten::clone", identity_v9);
  t.add("aten::detach", identity_v9);
  t.add("aten::item", item_v9);
  t.add("aten::numel", numel_v9);
  t.add("aten::_shape_as_tensor", _shape_as_tensor_v9);
  t.add("aten::_reshape_from_tensor", _reshape_from_tensor_v9);
  t.add("aten::reshape_as", reshape_as_v9);
  t.add("aten::view_as", reshape_as_v9);
  t.add("aten::narrow", narrow_v9);
  t.add("aten::movedim", movedim_v9);
  t.add("aten::moveaxis", movedim_v9);
  t.add("aten::numpy_T", numpy_T_v9);
  t.add("aten::roll", roll_v9);
  t.add("aten::repeat", repeat_v9);
  t.add("aten::repeat_interleave", repeat_interleave_v9);
  t.add("aten::tril", tril_v9);
  t.add("aten::triu", triu_v9);
  t.add("aten::diagonal", diagonal_v9);
  t.add("aten::unbind", unbind_v9);
  t.add("aten::unfold", unfold_v9);
  t.add("aten::tensor_split", tensor_split_v9);
  t.add("aten::unsafe_chunk", chunk_v9);
  t.add("aten::unsafe_split", split_v9);
  t.add("aten::unsafe_split_with_sizes", split_v9);
  t.add("aten::broadcast_tensors", broadcast_tensors_v9);
  t.add("aten::meshgrid", meshgrid_v9);
  t.add("aten::pixel_shuffle", pixel_shuffle_v9);
  t.add("aten::pixel_unshuffle", pixel_unshuffle_v9);
  t.add("aten::as_strided", as_strided_v9);
  t.add("aten::lift", identity_v9);
  t.add("aten::lift_fresh", identity_v9);
  t.add("aten::resolve_conj", identity_v9);
  t.add("aten::resolve_neg", identity_v9);
  t.add("aten::conj_physical", identity_v9);

  // ---- sorting.cpp
  t.add("aten::topk", topk_v9);
  t.add("aten::sort", sort_v9);
  t.add("aten::argsort", argsort_v9);

  // ---- torchscript_values.cpp
  t.add("prim::ListUnpack", ListUnpack_v9);
  t.add("prim::TupleConstruct", TupleConstruct_v9);
  t.add("prim::TupleUnpack", TupleUnpack_v9);
  t.add("prim::NumToTensor", passthrough_v9);
  t.add("prim::unchecked_cast", passthrough_v9);
  t.add("aten::ScalarImplicit", passthrough_v9);
  t.add("prim::RaiseException", RaiseException_v9);
  t.add("prim::Uninitialized", Uninitialized_v9);
  t.add("aten::warn", no_op_v9);
  t.add("prim::data", passthrough_v9);
  t.add("aten::scalar_tensor", scalar_tensor_v9);
  t.add("aten::set", set_v9);
  t.add("prim::tolist", tolist_v9);
  t.add("aten::format", format_v9);
  t.add("prim::Print", Print_v9);
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
}

}  // namespace pt2onnx::sym
