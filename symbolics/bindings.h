// What each TorchScript value has been lowered to, one map per open graph: a value converted
// inside an If branch or a Loop body is not visible outside it. The dispatcher opens and closes
// scopes with the blocks it converts; symbolics read and write bindings through the context.
#pragma once

#include <unordered_map>
#include <vector>

#include "symbolics/symbolic.h"

namespace torch::jit {
struct Value;
}

namespace pt2onnx::sym {

class ValueBindings {
 public:
  ValueBindings() { scopes_.emplace_back(); }

  // The innermost binding of `value`, or nullptr.
  const Lowered* find(const torch::jit::Value* value) const;
  void bind(const torch::jit::Value* value, Lowered lowered) {
    scopes_.back()[value] = std::move(lowered);
  }
  // Initializers live in the main graph, so bindings to them are visible in every subgraph.
  void bind_global(const torch::jit::Value* value, Lowered lowered) {
    scopes_.front()[value] = std::move(lowered);
  }

  // Opens a scope for the lifetime of the guard.
  class Scope {
   public:
    explicit Scope(ValueBindings& bindings) : bindings_(bindings) {
      bindings_.scopes_.emplace_back();
    }
    ~Scope() { bindings_.scopes_.pop_back(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ValueBindings& bindings_;
  };

 private:
  std::vector<std::unordered_map<const torch::jit::Value*, Lowered>> scopes_;
};

}  // namespace pt2onnx::sym
