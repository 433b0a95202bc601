// Opset 14: HardSwish; Trilu (also for causal attention over dynamic lengths).
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset14(SymbolicTable& t) {
  // ---- activation.cpp
  t.add("aten::hardswish", hardswish_v14);

  // ---- attention.cpp
  t.add("aten::scaled_dot_product_attention", scaled_dot_product_attention_v14);

  // ---- shape.cpp
  t.add("aten::tril", tril_v14);
  t.add("aten::triu", triu_v14);
}

}  // namespace pt2onnx::sym
