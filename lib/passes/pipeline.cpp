#include "passes/pipeline.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/common_subexpression_elimination.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/loop_unrolling.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_mutation.h>

#include <algorithm>
#include <string>
#include <vector>

#include "convert/source_location.h"
#include "passes/passes.h"
#include "pt2onnx/error.h"

namespace pt2onnx::passes {
namespace {

// A tuple kept inside a list or a dict (List[Tuple[int, int]]) has no flat form.
bool nests_a_tuple(const c10::TypePtr& type, bool inside_container) {
  if (type->kind() == c10::TypeKind::TupleType && inside_container) return true;
  const bool container = type->kind() == c10::TypeKind::ListType ||
                         type->kind() == c10::TypeKind::DictType || inside_container;
  for (const auto& contained : type->containedTypes()) {
    if (nests_a_tuple(contained, container)) return true;
  }
  return false;
}

void collect_nested_tuples(const torch::jit::Block& block,
                           std::vector<const torch::jit::Value*>& found) {
  for (const torch::jit::Node* node : block.nodes()) {
    for (const torch::jit::Value* out : node->outputs()) {
      if (nests_a_tuple(out->type(), false)) found.push_back(out);
    }
    for (const torch::jit::Block* inner : node->blocks()) collect_nested_tuples(*inner, found);
  }
}

// An empty list written as `annotate(List[...], [])` has no source range; its first user
// (the `append`) has.
const torch::jit::Node* node_with_source(const torch::jit::Value& value) {
  if (!convert::describe_source(*value.node()).empty()) return value.node();
  for (const torch::jit::Use& use : value.uses()) {
    if (!convert::describe_source(*use.user).empty()) return use.user;
  }
  return value.node();
}

// The refusal of a tuple inside a list or a dict: its type and the first three places in the
// source (each is one more edit for the user). `graph` is searched with constant branches
// folded, so that code the eval-mode model never runs (a training branch's list of losses) is
// not the one reported.
Error nested_tuple_refusal(std::shared_ptr<torch::jit::Graph> graph) {
  torch::jit::ConstantPropagation(graph);
  torch::jit::EliminateDeadCode(graph);
  std::vector<const torch::jit::Value*> nested;
  collect_nested_tuples(*graph->block(), nested);
  const std::string type = nested.empty() ? "for example `for a, b in [(0, h), (h, w)]`"
                                          : nested.front()->type()->annotation_str();
  Diagnostic d = make_diagnostic(DiagCode::kUnsupportedConstruct,
                                 "the model keeps tuples inside a list or a dict (" + type +
                                     "), which cannot be flattened into ONNX values: use "
                                     "separate lists, or a tuple of tuples");
  std::vector<std::string> places;
  for (const torch::jit::Value* value : nested) {
    const torch::jit::Node* node = node_with_source(*value);
    const std::string place = convert::describe_source(*node);
    if (places.empty()) {
      d.node_kind = node->kind().toQualString();
      d.source = place;
      d.scope = convert::module_scope(*node);
    }
    if (!place.empty() && std::find(places.begin(), places.end(), place) == places.end()) {
      places.push_back(place);
    }
  }
  std::string formatted = d.message;
  for (size_t i = 0; i < places.size() && i < 3; ++i) {
    formatted += (i == 0 ? " (at " : "; at ") + places[i];
  }
  if (places.size() > 3) formatted += "; and " + std::to_string(places.size() - 3) + " more places";
  if (!places.empty()) formatted += ")";
  return Error(ErrorKind::kUnsupported, {d}, formatted);
}

// LibTorch gives up on tuples it cannot flatten (a list of tuples, a tuple in a dict) with an
// exception after lowering the rest; that is a construct ONNX has no form for, not a defect. A
// graph that has none is lowered without the copy the refusal would search.
void lower_all_tuples(std::shared_ptr<torch::jit::Graph>& graph) {
  std::vector<const torch::jit::Value*> nested;
  collect_nested_tuples(*graph->block(), nested);
  std::shared_ptr<torch::jit::Graph> before = nested.empty() ? nullptr : graph->copy();
  try {
    torch::jit::LowerAllTuples(graph);
  } catch (const c10::Error&) {
    throw nested_tuple_refusal(before ? before : graph);
  }
}

}  // namespace

// LibTorch's own passes do the heavy lifting (docs/architecture.md says why each is here).
void prepare_graph(std::shared_ptr<torch::jit::Graph>& graph,
                   const std::vector<std::optional<int64_t>>& input_ranks, bool fold_weights) {
  torch::jit::Inline(*graph);                  // calls to submodules and functions
  lower_all_tuples(graph);                     // tuple inputs/outputs/loop-carried values
  specialize_input_ranks(graph, input_ranks);  // x.dim() of inputs with a --shape
  packed_sequence_sizes(graph);                // nn.LSTM's checks on a packed sequence
  drop_exception_messages(graph);              // f"got {x.shape}" only feeds a raise
  torch::jit::ConstantPropagation(graph);      // also folds branches on constants (training)
  torch::jit::UnrollConstantLoops(graph);      // as freezing does; lists built in them ...
  torch::jit::RemoveListMutation(graph);       // ... become plain lists (append -> ListConstruct)
  torch::jit::RemoveTensorMutation(graph);     // x.add_(y) -> x = x.add(y) where alias-safe
  torch::jit::ConstantPropagation(graph);
  write_back_views(graph);                          // x[0:2].add_(1) also writes x
  drop_no_op_nodes(graph);                          // dropout/detach/contiguous in eval mode
  torch::jit::EliminateCommonSubexpression(graph);  // key.shape == value.shape of one tensor
  if (fold_weights) fold_conv_batchnorm(graph);     // as torch.onnx does in eval mode
  torch::jit::EliminateDeadCode(graph);
}

}  // namespace pt2onnx::passes
