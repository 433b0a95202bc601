// Opset 15: no lowering changes here; what the opset adds (Optional, CastLike, BatchNormalization's
// training outputs) is not needed by any symbolic, since If and Loop take optionals only from 16.
// The table exists so that every opset has one.
#include "symbolics/impl/all.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

void register_opset15(SymbolicTable& /*t*/) {}

}  // namespace pt2onnx::sym
