// Opset 16: no lowering changes yet.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset16(SymbolicTable& t) {}

}  // namespace pt2onnx::sym
