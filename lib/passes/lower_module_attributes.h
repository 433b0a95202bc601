// Attributes that a method writes (`self.hidden = h`, `self.count += 1`): freezing keeps them as
// prim::GetAttr / prim::SetAttr on `self`, which an ONNX graph cannot express.
#pragma once

#include <vector>

#include "pt2onnx/error.h"

namespace torch::jit {
struct Graph;
struct Module;
}  // namespace torch::jit

namespace pt2onnx::passes {

// Replaces the reads and writes of `module`'s attributes in `graph` (a method of `module`, whose
// input 0 is `self`) by SSA values: each attribute starts as a constant of its value at load
// time, a write rebinds it, reads see the latest write, and If/Loop thread it through block
// outputs and loop-carried values, so every read in the call sees the writes before it. What
// is left after the call cannot be kept (an ONNX model has no state), as in torch.onnx; unlike
// torch.onnx, this is said: the result is one `dropped-attribute-state` warning per attribute
// written (with its first write's source line where the frozen graph kept one). Throws
// pt2onnx::Error naming the attribute when `self` is used in another way.
std::vector<Diagnostic> lower_module_attributes(torch::jit::Graph& graph,
                                                const torch::jit::Module& module);

}  // namespace pt2onnx::passes
