#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/ir/ir.h>

#include <string>

#include "loader/torchscript_loader.h"
#include "passes/passes.h"

namespace pt2onnx::passes {

// `forward(self, x, mask: Optional[Tensor] = None, need_weights: bool = True)`: an ONNX graph
// has no "argument not given", so an argument with a default becomes that constant, unless the
// user describes it (--shape, --dtype or --dynamic by name or position), which keeps it as an
// input. With the constant in place, `if mask is not None:` and the checks on it fold away.
// Which arguments the user describes is the option resolver's answer (`keep`), so that a key
// means the same argument here as everywhere else.
void bind_default_inputs(loader::LoadedGraph& loaded, const std::vector<bool>& keep) {
  auto& graph = *loaded.graph;
  std::vector<size_t> bound;
  for (size_t i = 0; i < loaded.input_defaults.size() && i < graph.inputs().size(); ++i) {
    if (loaded.input_defaults[i] == nullptr || (i < keep.size() && keep[i])) continue;
    torch::jit::WithInsertPoint guard(graph.block()->nodes().front());
    torch::jit::Value* constant = graph.insertConstant(*loaded.input_defaults[i]);
    // A None keeps the argument's Optional type, so `mask is not None` folds; any other value
    // keeps its own (a Tensor constant typed Optional[Tensor] would be a literal no lowering
    // takes, and a Tensor can stand wherever an Optional[Tensor] is used).
    if (loaded.input_defaults[i]->isNone()) constant->setType(graph.inputs()[i]->type());
    graph.inputs()[i]->replaceAllUsesWith(constant);
    bound.push_back(i);
  }
  for (auto it = bound.rbegin(); it != bound.rend(); ++it) {
    graph.eraseInput(*it);
    loaded.input_names.erase(loaded.input_names.begin() + static_cast<std::ptrdiff_t>(*it));
    loaded.input_defaults.erase(loaded.input_defaults.begin() + static_cast<std::ptrdiff_t>(*it));
  }
}

}  // namespace pt2onnx::passes
