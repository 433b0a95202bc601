// Opset 11: Resize-11 (sizes, coordinate modes, cubic); Range; Equal on floats; Round; CumSum;
// Det; GatherElements and ScatterElements; TopK's largest/sorted; Unique; sequences joined with
// ConcatFromSequence; If branches of different ranks (squeeze on a dynamic axis);
// pad_packed_sequence to a run-time length (Pad's pads input).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset11(SymbolicTable& t) {
  // ---- arithmetic.cpp
  t.add("aten::eq", eq_v11);
  t.add("aten::ne", ne_v11);

  // ---- factories.cpp
  t.add("aten::arange", arange_v11);
  t.add("aten::linspace", linspace_v11);
  t.add("aten::hann_window", hann_window_v11);

  // ---- indexing.cpp
  t.add("aten::gather", gather_v11);
  t.add("aten::scatter", scatter_v11);
  t.add("aten::index_copy", index_copy_v11);
  t.add("aten::embedding_bag", embedding_bag_v11);
  t.add("quantized::embedding_bag_byte", quantized_embedding_bag_v11);
  t.add("quantized::embedding_bag_4bit", quantized_embedding_bag_v11);
  t.add("aten::masked_scatter", masked_scatter_v11);
  t.add("aten::index_put", index_put_v11);

  // ---- inplace_views.cpp
  t.add("aten::copy_", copy__v11);

  // ---- linear.cpp
  t.add("aten::linalg_det", linalg_det_v11);
  t.add("aten::det", linalg_det_v11);
  t.add("aten::logdet", logdet_v11);

  // ---- lists.cpp
  t.add("aten::_dim_arange", _dim_arange_v11);

  // ---- math_unary.cpp
  t.add("aten::round", round_v11);

  // ---- reduction.cpp
  t.add("aten::cumsum", cumsum_v11);

  // ---- resize.cpp
  t.add("aten::upsample_nearest1d", upsample_nearest_v11);
  t.add("aten::upsample_nearest2d", upsample_nearest_v11);
  t.add("aten::upsample_nearest3d", upsample_nearest_v11);
  t.add("aten::upsample_linear1d", upsample_linear_v11);
  t.add("aten::upsample_bilinear2d", upsample_linear_v11);
  t.add("aten::upsample_trilinear3d", upsample_linear_v11);
  t.add("aten::upsample_bicubic2d", upsample_bicubic2d_v11);
  t.add("aten::__interpolate", interpolate_v11);

  // ---- rnn.cpp
  t.add("aten::_pad_packed_sequence", _pad_packed_sequence_v11);

  // ---- shape.cpp
  t.add("aten::repeat_interleave", repeat_interleave_v11);
  t.add("aten::cat", cat_v11);
  t.add("aten::stack", stack_v11);
  t.add("aten::squeeze", squeeze_v11);
  t.add("aten::tril", tril_v11);
  t.add("aten::triu", triu_v11);
  t.add("aten::unbind", unbind_v11);

  // ---- sorting.cpp
  t.add("aten::topk", topk_v11);
  t.add("aten::sort", sort_v11);
  t.add("aten::argsort", argsort_v11);
  t.add("aten::_unique", _unique_v11);
  t.add("aten::_unique2", _unique2_v11);
  t.add("aten::unique_dim", unique_dim_v11);

  // ---- torchscript_values.cpp
  t.add("aten::__getitem__", getitem_v11);
}

}  // namespace pt2onnx::sym
