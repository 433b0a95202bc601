// Opset 11: Resize-11 (sizes, coordinate modes, cubic), so bicubic upsampling starts here.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset11(SymbolicTable& t) {
  t.add("aten::upsample_nearest1d", upsample_nearest_v11);
  t.add("aten::upsample_nearest2d", upsample_nearest_v11);
  t.add("aten::upsample_nearest3d", upsample_nearest_v11);
  t.add("aten::upsample_linear1d", upsample_linear_v11);
  t.add("aten::upsample_bilinear2d", upsample_linear_v11);
  t.add("aten::upsample_trilinear3d", upsample_linear_v11);
  t.add("aten::upsample_bicubic2d", upsample_bicubic2d_v11);
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
}

}  // namespace pt2onnx::sym
