#include "pt2onnx/options.h"
#include "symbolics/tables/tables.h"

namespace pt2onnx::sym {

const OpsetRegistry& builtin_registry() {
  static const OpsetRegistry registry = [] {
    OpsetRegistry r(kMinOpset, kMaxOpset);
    register_opset9(r.table(9));
    register_opset10(r.table(10));
    register_opset11(r.table(11));
    register_opset12(r.table(12));
    register_opset13(r.table(13));
    register_opset14(r.table(14));
    register_opset15(r.table(15));
    register_opset16(r.table(16));
    register_opset17(r.table(17));
    register_opset18(r.table(18));
    register_opset19(r.table(19));
    register_opset20(r.table(20));
    register_opset21(r.table(21));
    return r;
  }();
  return registry;
}

}  // namespace pt2onnx::sym
