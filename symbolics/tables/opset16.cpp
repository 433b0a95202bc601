// Opset 16: no lowering changes yet.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset16(SymbolicTable& t) {
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  t.add("aten::scatter_add", scatter_add_v16);
  t.add("aten::index_add", index_add_v16);
  t.add("aten::index_put", index_put_v16);
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
  t.add("aten::grid_sampler", grid_sampler_v16);
}

}  // namespace pt2onnx::sym
