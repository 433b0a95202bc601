#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>

#include <optional>
#include <vector>

#include "passes/passes.h"

namespace pt2onnx::passes {
namespace {

std::optional<int64_t> constant_int(torch::jit::Value* v) {
  auto iv = torch::jit::toIValue(v);
  if (!iv || !iv->isInt()) return std::nullopt;
  return iv->toInt();
}

void collect_packers(torch::jit::Block* block, std::vector<torch::jit::Node*>& out) {
  for (torch::jit::Node* node : block->nodes()) {
    if (node->kind() == c10::aten::_pack_padded_sequence) out.push_back(node);
    for (torch::jit::Block* inner : node->blocks()) collect_packers(inner, out);
  }
}

void replace_with(torch::jit::Node* node, torch::jit::Value* value) {
  node->output()->replaceAllUsesWith(value);
  node->destroy();
}

void rewrite_readers(torch::jit::Graph& graph, torch::jit::Node* packer) {
  torch::jit::Value* input = packer->input(0);
  torch::jit::Value* lengths = packer->input(1);
  auto batch_first = torch::jit::toIValue(packer->input(2));
  if (!batch_first || !batch_first->isBool()) return;  // the symbolic refuses it
  const int64_t batch_axis = batch_first->toBool() ? 0 : 1;

  // Copies: the loops destroy readers, which edits the use lists.
  const std::vector<torch::jit::Use> data_uses = packer->output(0)->uses();
  for (const torch::jit::Use& use : data_uses) {
    torch::jit::Node* reader = use.user;
    torch::jit::WithInsertPoint guard(reader);
    if (reader->kind() == c10::aten::dim) {
      // LibTorch's packed data is (steps summed over the batch, features).
      replace_with(reader, graph.insertConstant(2));
    } else if (reader->kind() == c10::aten::size && reader->inputs().size() == 2) {
      const auto dim = constant_int(reader->input(1));
      if (dim && (*dim == 1 || *dim == -1)) {
        replace_with(reader, graph.insert(c10::aten::size, {input, int64_t{-1}}));
      }
    }
  }
  const std::vector<torch::jit::Use> size_uses = packer->output(1)->uses();
  for (const torch::jit::Use& use : size_uses) {
    torch::jit::Node* reader = use.user;
    torch::jit::WithInsertPoint guard(reader);
    if (reader->kind() == c10::aten::select && constant_int(reader->input(1)) == 0 &&
        constant_int(reader->input(2)) == 0) {
      // batch_sizes[0]: how many sequences the first step has, which is all of them (a length
      // is at least 1).
      torch::jit::Value* batch = graph.insert(c10::aten::size, {input, batch_axis});
      replace_with(reader, graph.insert(c10::prim::NumToTensor, {batch}));
    } else if (reader->kind() == c10::aten::size && reader->inputs().size() == 2 &&
               constant_int(reader->input(1)) == 0) {
      // batch_sizes.size(0): the number of steps, which is the longest length.
      torch::jit::Value* longest = graph.insert(c10::aten::max, {lengths});
      replace_with(reader, graph.insert(c10::aten::Int, {longest}));
    }
  }
}

}  // namespace

// ONNX has no packed sequences: _pack_padded_sequence's "data" stays the padded batch and its
// "batch sizes" the lengths (symbolics/impl/rnn.cpp), which the recurrent layers take as
// sequence_lens. Library code also reads sizes of them (nn.LSTM checks `input.dim() == 2`,
// starts its hidden state with `batch_sizes[0]` rows; pad_packed_sequence pads to
// `batch_sizes.size(0)` steps): those are rewritten to what they are in LibTorch's packed form,
// computed from the padded batch and the lengths. Other readers are refused by the symbolic.
void packed_sequence_sizes(std::shared_ptr<torch::jit::Graph>& graph) {
  std::vector<torch::jit::Node*> packers;
  collect_packers(graph->block(), packers);
  for (torch::jit::Node* packer : packers) rewrite_readers(*graph, packer);
}

}  // namespace pt2onnx::passes
