#include "passes/pipeline.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/common_subexpression_elimination.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/loop_unrolling.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_mutation.h>

#include "passes/passes.h"
#include "pt2onnx/error.h"

namespace pt2onnx::passes {
namespace {

// LibTorch gives up on tuples it cannot flatten (a list of tuples, a tuple in a dict) with an
// exception after lowering the rest; that is a construct ONNX has no form for, not a defect.
void lower_all_tuples(std::shared_ptr<torch::jit::Graph>& graph) {
  try {
    torch::jit::LowerAllTuples(graph);
  } catch (const c10::Error&) {
    throw Error(DiagCode::kUnsupportedConstruct,
                "the model keeps tuples inside a list or a dict (for example `for a, b in "
                "[(0, h), (h, w)]`), which cannot be flattened into ONNX values: use separate "
                "lists, or a tuple of tuples");
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
