#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/lower_tuples.h>

#include <string>
#include <vector>

#include "loader/torchscript_loader.h"
#include "passes/passes.h"

namespace pt2onnx::passes {
namespace {

// `pair: Tuple[Tensor, Tensor]` -> "pair.0", "pair.1" (nested tuples: "pair.1.0"), in the
// depth-first order LowerAllTuples gives the flattened inputs.
void flat_names(const c10::TypePtr& type, const std::string& name, std::vector<std::string>& out) {
  if (type->kind() != c10::TypeKind::TupleType) {
    out.push_back(name);
    return;
  }
  const auto elements = type->containedTypes();
  for (size_t i = 0; i < elements.size(); ++i) {
    flat_names(elements[i], name + "." + std::to_string(i), out);
  }
}

}  // namespace

// Tuple inputs become one ONNX input per element, named after the argument and the position, so
// that --shape pair.0:2x3 can describe them (the graph's tuple outputs are flattened later, with
// the rest of its tuples).
void flatten_tuple_inputs(loader::LoadedGraph& loaded) {
  auto& graph = *loaded.graph;
  bool any = false;
  std::vector<std::string> names;
  std::vector<std::shared_ptr<const c10::IValue>> defaults;
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    const std::string name = i < loaded.input_names.size() ? loaded.input_names[i] : "";
    const size_t before = names.size();
    flat_names(graph.inputs()[i]->type(), name, names);
    any = any || names.size() != before + 1;
    for (size_t k = before; k < names.size(); ++k)
      defaults.push_back(names.size() == before + 1 && i < loaded.input_defaults.size()
                             ? loaded.input_defaults[i]
                             : nullptr);
  }
  if (!any) return;
  torch::jit::LowerAllTuples(loaded.graph);
  loaded.input_names = std::move(names);
  loaded.input_defaults = std::move(defaults);
}

}  // namespace pt2onnx::passes
