// Opset 17: LayerNormalization.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset17(SymbolicTable& t) {
  t.add("aten::layer_norm", layer_norm_v17);
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
  t.add("aten::native_layer_norm", native_layer_norm_v17);
  t.add("aten::_transformer_encoder_layer_fwd", transformer_encoder_layer_fwd_v17);
}

}  // namespace pt2onnx::sym
