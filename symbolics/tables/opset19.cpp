// Opset 19: Pad's `wrap` mode (torch's circular padding). AveragePool's new `dilations` has no
// torch counterpart (avg_pool has none); DeformConv would lower torchvision::deform_conv2d, an op
// of torchvision's own library that LibTorch alone cannot load. The rest of 19 widens types
// (Cast's float8 and `saturate`, Equal on strings) or adds Resize's half_pixel_symmetric, which
// no torch mode uses.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset19(SymbolicTable& t) {
  // ---- padding.cpp
  t.add("aten::_pad_circular", _pad_circular_v19);
  t.add("aten::pad", pad_v19);
}

}  // namespace pt2onnx::sym
