// Opset 17: LayerNormalization (layer_norm, native_layer_norm, the fused encoder layer).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset17(SymbolicTable& t) {
  // ---- attention.cpp
  t.add("aten::_transformer_encoder_layer_fwd", transformer_encoder_layer_fwd_v17);

  // ---- normalization.cpp
  t.add("aten::layer_norm", layer_norm_v17);
  t.add("aten::native_layer_norm", native_layer_norm_v17);
}

}  // namespace pt2onnx::sym
