// pt2onnx's own TorchScript passes (LibTorch has no equivalent); pipeline.cpp orders them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace torch::jit {
struct Graph;
}
namespace pt2onnx::loader {
struct LoadedGraph;
}

namespace pt2onnx::passes {

// Binds method arguments that have a default value to that value, except where `keep` (one
// entry per argument, from the option resolver) says the user describes them, and drops them
// from the graph's inputs.
void bind_default_inputs(loader::LoadedGraph& loaded, const std::vector<bool>& keep);

// Tuple-typed inputs become one input per element, named "arg.0", "arg.1", ...
void flatten_tuple_inputs(loader::LoadedGraph& loaded);

// Removes nodes that are the identity at inference (dropout in eval mode, detach, contiguous,
// clone without a memory format, the autograd-only prim::profile-style markers).
void drop_no_op_nodes(std::shared_ptr<torch::jit::Graph>& graph);

// Replaces the messages of prim::RaiseException by constants, so that the formatting feeding
// them (often from run-time values) is dead code.
void drop_exception_messages(std::shared_ptr<torch::jit::Graph>& graph);

// After each in-place op on a view, writes its result back into the view with aten::copy_, so
// the tensor the view belongs to sees the write (the copy_ symbolic scatters into it).
void write_back_views(std::shared_ptr<torch::jit::Graph>& graph);

// Merges inference batch_norm into the preceding convolution (weights must be constants).
void fold_conv_batchnorm(std::shared_ptr<torch::jit::Graph>& graph);

// Rewrites the sizes library code reads of a packed sequence (its data's rank and feature size,
// batch_sizes[0], batch_sizes.size(0)) to what they are in LibTorch's packed form, computed
// from the padded batch and the lengths that stand for it in ONNX.
void packed_sequence_sizes(std::shared_ptr<torch::jit::Graph>& graph);

// Replaces aten::dim of graph inputs whose rank is known (from --shape) by constants.
void specialize_input_ranks(std::shared_ptr<torch::jit::Graph>& graph,
                            const std::vector<std::optional<int64_t>>& input_ranks);

}  // namespace pt2onnx::passes
