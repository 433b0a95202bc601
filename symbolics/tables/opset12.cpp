// Opset 12: no lowering changes yet.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset12(SymbolicTable& t) {
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
}

}  // namespace pt2onnx::sym
