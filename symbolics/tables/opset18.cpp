// Opset 18: Reduce* take their axes as an input and Split its piece count as `num_outputs`
// (both spelled by lib/onnx/ops.cpp's emitters, not here); BitwiseAnd/Or/Xor/Not; Mish; Col2Im;
// ScatterElements reduces by max and min. Pad's `axes` and Resize's `antialias` and
// `keep_aspect_ratio_policy` are new inputs and attributes that no lowering needs (torch's
// antialiased resizing is left to a later change), GroupNormalization-18 normalises with
// per-group scales, which torch's group_norm does not have (its form is 21's).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset18(SymbolicTable& t) {
  // ---- activation.cpp
  t.add("aten::mish", mish_v18);

  // ---- indexing.cpp
  t.add("aten::scatter_reduce", scatter_reduce_v18);

  // ---- logical.cpp
  t.add("aten::__and__", __and___v18);
  t.add("aten::__or__", __or___v18);
  t.add("aten::__xor__", __xor___v18);
  t.add("aten::bitwise_and", __and___v18);
  t.add("aten::bitwise_or", __or___v18);
  t.add("aten::bitwise_xor", __xor___v18);
  t.add("aten::bitwise_not", bitwise_not_v18);

  // ---- shape.cpp
  t.add("aten::col2im", col2im_v18);
}

}  // namespace pt2onnx::sym
