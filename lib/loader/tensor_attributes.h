// After freezing: the tensor attributes LibTorch's freezing left as run-time reads of `self`.
#pragma once

namespace torch::jit {
struct Graph;
struct Module;
}  // namespace torch::jit

namespace pt2onnx::loader {

// Freezing keeps an attribute as a read of `self` when alias analysis cannot rule out a write to
// it. LibTorch 2.x does so for nn.MultiheadAttention's packed in-projection, whose weight reaches
// aten::chunk (its outputs sit in a list, which may alias anything); 1.13 folded it. One export is
// one inference call, for which an attribute's value is the one the module holds, so each tensor
// read through a chain of prim::GetAttr from `self` (graph input 0) becomes a constant named
// after its path, as freezing names them. Nothing is folded when the graph writes any attribute.
void fold_tensor_attributes(torch::jit::Graph& graph, const torch::jit::Module& module);

}  // namespace pt2onnx::loader
