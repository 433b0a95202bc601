// Opset 13: Softmax/LogSoftmax normalise along one axis (as torch does).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset13(SymbolicTable& t) {
  t.add("aten::softmax", softmax_v13);
  t.add("aten::log_softmax", log_softmax_v13);
  // ---- math, activations, reductions, linear algebra (helper: math)
  t.add("aten::_log_softmax", _log_softmax_v13);
  // ---- tensors, indexing, factories, padding (helper: tensor)
  t.add("aten::split", split_v13);
  t.add("aten::split_with_sizes", split_v13);
  t.add("aten::unsafe_split", split_v13);
  t.add("aten::unsafe_split_with_sizes", split_v13);
  t.add("aten::chunk", chunk_v13);
  t.add("aten::unsafe_chunk", chunk_v13);
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
  t.add("aten::fake_quantize_per_channel_affine", fake_quantize_per_channel_affine_v13);
  t.add("prim::Loop", Loop_v13);
  t.add("prim::If", If_v13);
}

}  // namespace pt2onnx::sym
