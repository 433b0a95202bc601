// Opset 14: HardSwish; Trilu; Relu on integers.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset14(SymbolicTable& t) {
  // ---- activation.cpp
  t.add("aten::hardswish", hardswish_v14);
  t.add("aten::relu", relu_v14);

  // ---- shape.cpp
  t.add("aten::tril", tril_v14);
  t.add("aten::triu", triu_v14);
}

}  // namespace pt2onnx::sym
