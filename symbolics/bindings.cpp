#include "symbolics/bindings.h"

namespace pt2onnx::sym {

const Lowered* ValueBindings::find(const torch::jit::Value* value) const {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    auto it = scope->find(value);
    if (it != scope->end()) return &it->second;
  }
  return nullptr;
}

}  // namespace pt2onnx::sym
