// Opset 16: ScatterElements and ScatterND with reduction=add (scatter_add, index_add, accumulating
// index_put) and mul (scatter_reduce sum and prod); GridSample; RoiAlign's
// coordinate_transformation_mode; If and Loop carry optionals (Optional[Tensor] set to None at run
// time), read with OptionalHasElement and OptionalGetElement.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset16(SymbolicTable& t) {
  // ---- control_flow.cpp
  t.add("prim::If", If_v16);
  t.add("prim::Loop", Loop_v16);

  // ---- detection.cpp
  t.add("torchvision::roi_align", roi_align_v16);

  // ---- indexing.cpp
  t.add("aten::scatter_add", scatter_add_v16);
  t.add("aten::index_add", index_add_v16);
  t.add("aten::index_put", index_put_v16);
  t.add("aten::scatter_reduce", scatter_reduce_v16);

  // ---- resize.cpp
  t.add("aten::grid_sampler", grid_sampler_v16);

  // ---- torchscript_values.cpp
  t.add("aten::__is__", is_v16);
  t.add("aten::__isnot__", isnot_v16);
  t.add("prim::unchecked_cast", unchecked_cast_v16);
}

}  // namespace pt2onnx::sym
