// Opset 13: Softmax/LogSoftmax normalise along one axis (as torch does).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset13(SymbolicTable& t) {
  t.add("aten::softmax", softmax_v13);
  t.add("aten::log_softmax", log_softmax_v13);
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
}

}  // namespace pt2onnx::sym
