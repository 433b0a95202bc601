// Opset 20: Gelu (both of torch's forms, one node); AffineGrid; GridSample goes N-d and renames
// its modes linear and cubic.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset20(SymbolicTable& t) {
  // ---- activation.cpp
  t.add("aten::gelu", gelu_v20);

  // ---- resize.cpp
  t.add("aten::affine_grid_generator", affine_grid_generator_v20);
  t.add("aten::grid_sampler", grid_sampler_v20);
}

}  // namespace pt2onnx::sym
