#include "symbolics/aliasing.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>

namespace pt2onnx::sym {
namespace {

using torch::jit::Node;
using torch::jit::Value;

bool is_tensor(const Value* v) { return v->type()->kind() == c10::TypeKind::TensorType; }

}  // namespace

bool writes_input(const Node& node, size_t i) {
  const auto* schema = node.maybeSchema();
  if (schema == nullptr || i >= schema->arguments().size() || i >= node.inputs().size())
    return false;
  const auto* alias = schema->arguments()[i].alias_info();
  return alias != nullptr && alias->isWrite();
}

std::vector<const Value*> written_tensors(const Node& node) {
  std::vector<const Value*> out;
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    if (writes_input(node, i) && is_tensor(node.input(i))) out.push_back(node.input(i));
  }
  return out;
}

bool aliases_input(const Node& node) {
  const auto* schema = node.maybeSchema();
  if (schema == nullptr || schema->returns().empty() || schema->arguments().empty() ||
      node.inputs().empty() || node.outputs().empty())
    return false;
  const auto* out = schema->returns()[0].alias_info();
  const auto* in = schema->arguments()[0].alias_info();
  if (out == nullptr || in == nullptr || !is_tensor(node.output(0))) return false;
  return out->beforeSets() == in->beforeSets();
}

const Value* alias_root(const Value* v) {
  while (aliases_input(*v->node())) v = v->node()->input(0);
  return v;
}

std::vector<const Value*> aliases_of(const Value* root) {
  std::vector<const Value*> out = {root};
  for (size_t i = 0; i < out.size(); ++i) {
    for (const auto& use : out[i]->uses()) {
      if (use.offset == 0 && aliases_input(*use.user) &&
          std::find(out.begin(), out.end(), use.user->output(0)) == out.end())
        out.push_back(use.user->output(0));
    }
  }
  return out;
}

const Node* ancestor_in(const Node& node, const torch::jit::Block* block) {
  const Node* n = &node;
  while (n != nullptr && n->owningBlock() != block) n = n->owningBlock()->owningNode();
  return n;
}

bool read_after(const Value* v, const Node& node) {
  for (const auto& use : v->uses()) {
    // The use, seen from `node`'s block or the nearest enclosing block that holds both.
    for (const torch::jit::Block* b = node.owningBlock(); b != nullptr;
         b = b->owningNode() != nullptr ? b->owningNode()->owningBlock() : nullptr) {
      const Node* user = ancestor_in(*use.user, b);
      const Node* self = ancestor_in(node, b);
      if (user == nullptr || self == nullptr) continue;
      if (user == self) break;  // the use is inside `node` itself (or in the same enclosing node)
      if (user->kind() == c10::prim::Return || user->isAfter(self)) return true;
      break;
    }
  }
  return false;
}

}  // namespace pt2onnx::sym
