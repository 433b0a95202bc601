// Opset 10: pooling gains ceil_mode and dilations; Upsample becomes Resize; Slice takes inputs.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset10(SymbolicTable& t) {
  t.add("aten::max_pool1d", max_pool_v10);
  t.add("aten::max_pool2d", max_pool_v10);
  t.add("aten::max_pool3d", max_pool_v10);
  t.add("aten::avg_pool1d", avg_pool_v10);
  t.add("aten::avg_pool2d", avg_pool_v10);
  t.add("aten::avg_pool3d", avg_pool_v10);
  t.add("aten::upsample_nearest1d", upsample_nearest_v10);
  t.add("aten::upsample_nearest2d", upsample_nearest_v10);
  t.add("aten::upsample_nearest3d", upsample_nearest_v10);
  t.add("aten::upsample_linear1d", upsample_linear_v10);
  t.add("aten::upsample_bilinear2d", upsample_linear_v10);
  t.add("aten::upsample_trilinear3d", upsample_linear_v10);
  // ---- math, activations, reductions, linear algebra (helper: math)
  // ---- tensors, indexing, factories, padding (helper: tensor)
  // ---- nn layers, recurrent, resampling, TorchScript lists (helper: nn)
}

}  // namespace pt2onnx::sym
