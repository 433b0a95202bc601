// Opset 12: no lowering changes yet.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset12(SymbolicTable& t) {}

}  // namespace pt2onnx::sym
