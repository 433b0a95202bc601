// Opset 14: HardSwish.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset14(SymbolicTable& t) {
  t.add("aten::hardswish", hardswish_v14);
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  t.add("aten::tril", tril_v14);
  t.add("aten::triu", triu_v14);
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
}

}  // namespace pt2onnx::sym
