#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/ir/ir.h>

#include <string>

#include "loader/torchscript_loader.h"
#include "passes/passes.h"
#include "pt2onnx/options.h"

namespace pt2onnx::passes {

// `forward(self, x, mask: Optional[Tensor] = None, need_weights: bool = True)`: an ONNX graph
// has no "argument not given", so an argument with a default becomes that constant, unless the
// user describes it (--shape, --dtype or --dynamic by name or position), which keeps it as an
// input. With the constant in place, `if mask is not None:` and the checks on it fold away.
void bind_default_inputs(loader::LoadedGraph& loaded, const ExportOptions& options) {
  auto& graph = *loaded.graph;
  auto described = [&](size_t index) {
    for (const std::string& key : {loaded.input_names[index], std::to_string(index)}) {
      if (options.shapes.count(key) != 0 || options.dtypes.count(key) != 0 ||
          options.dynamic_axes.count(key) != 0)
        return true;
    }
    return false;
  };
  std::vector<size_t> bound;
  for (size_t i = 0; i < loaded.input_defaults.size() && i < graph.inputs().size(); ++i) {
    if (loaded.input_defaults[i] == nullptr || described(i)) continue;
    torch::jit::WithInsertPoint guard(graph.block()->nodes().front());
    torch::jit::Value* constant = graph.insertConstant(*loaded.input_defaults[i]);
    constant->setType(graph.inputs()[i]->type());  // Optional[Tensor] stays optional
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
