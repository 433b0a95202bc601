// Opset 21: GroupNormalization with per-channel scale and bias, as torch's group_norm. The rest
// of 21 widens types (4-bit integers, blocked quantization).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset21(SymbolicTable& t) {
  // ---- normalization.cpp
  t.add("aten::group_norm", group_norm_v21);
}

}  // namespace pt2onnx::sym
