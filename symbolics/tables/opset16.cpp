// Opset 16: ScatterElements and ScatterND with reduction=add (scatter_add, index_add, accumulating
// index_put); GridSample; RoiAlign's coordinate_transformation_mode.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset16(SymbolicTable& t) {
  // ---- detection.cpp
  t.add("torchvision::roi_align", roi_align_v16);

  // ---- indexing.cpp
  t.add("aten::scatter_add", scatter_add_v16);
  t.add("aten::index_add", index_add_v16);
  t.add("aten::index_put", index_put_v16);

  // ---- resize.cpp
  t.add("aten::grid_sampler", grid_sampler_v16);
}

}  // namespace pt2onnx::sym
