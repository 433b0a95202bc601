// How a symbolic with nested blocks (If, Loop) gets them converted: through this interface,
// which the dispatcher implements, so the symbolic API does not depend on the dispatcher.
#pragma once

#include <string>
#include <vector>

#include "pt2onnx/error.h"
#include "symbolics/symbolic.h"

namespace torch::jit {
struct Block;
struct Node;
}  // namespace torch::jit

namespace pt2onnx::sym {

class BlockConverter {
 public:
  virtual ~BlockConverter() = default;
  // Converts the nodes of `block` into the innermost open graph after binding its parameters
  // to `params`; returns the block's outputs (None for an output a failed node would produce).
  virtual std::vector<Lowered> convert_block(const torch::jit::Block& block,
                                             const std::vector<Lowered>& params) = 0;
  // Converts `node` once more with the current bindings of its inputs (a view chain re-applied
  // after a write through it), rebinding its outputs.
  virtual void convert_again(const torch::jit::Node& node) = 0;
  // Records a warning about `where` (a check removed, a print dropped): the conversion goes on.
  virtual void warn(const torch::jit::Node& where, DiagCode code, const std::string& message) = 0;
};

}  // namespace pt2onnx::sym
