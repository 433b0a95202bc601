// Which TorchScript values share storage, read from the ops' schemas: what an op writes to
// (`Tensor(a!) self`), and which outputs are views of an input (`Tensor(a) self -> Tensor(a)`).
// The dispatcher checks with it that no write is lost, and If/Loop carry the tensors their
// blocks write (docs/torchscript.md, "Writes").
#pragma once

#include <cstddef>
#include <vector>

namespace torch::jit {
struct Node;
struct Value;
}  // namespace torch::jit

namespace pt2onnx::sym {

// True where `node`'s schema says it writes to its input `i` (`Tensor(a!) self`, `t[](a!) list`).
bool writes_input(const torch::jit::Node& node, size_t i);
// The tensor inputs `node` writes to, by its schema.
std::vector<const torch::jit::Value*> written_tensors(const torch::jit::Node& node);
// True where output 0 of `node` shares storage with its input 0 (a view, or an in-place op).
bool aliases_input(const torch::jit::Node& node);
// The value `v` is a view of (through any number of views and in-place ops); `v` itself when it
// is not a view.
const torch::jit::Value* alias_root(const torch::jit::Value* v);
// Every value that shares storage with `root` through views and in-place ops, `root` included.
std::vector<const torch::jit::Value*> aliases_of(const torch::jit::Value* root);
// True where `v` is read by a node after `node` (in `node`'s block or an enclosing one), or is an
// output of such a block.
bool read_after(const torch::jit::Value* v, const torch::jit::Node& node);
// The node of `node`'s ancestors (itself included) that sits in `block`; nullptr if none.
const torch::jit::Node* ancestor_in(const torch::jit::Node& node, const torch::jit::Block* block);

}  // namespace pt2onnx::sym
