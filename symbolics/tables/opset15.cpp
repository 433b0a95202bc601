// Opset 15: no lowering changes yet.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset15(SymbolicTable& t) {}

}  // namespace pt2onnx::sym
