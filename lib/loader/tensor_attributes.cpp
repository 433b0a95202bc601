#include "loader/tensor_attributes.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>

#include <optional>
#include <string>
#include <vector>

namespace pt2onnx::loader {
namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;

bool writes_attributes(const Block& block) {
  for (const Node* node : block.nodes()) {
    if (node->kind() == c10::prim::SetAttr) return true;
    for (const Block* sub : node->blocks()) {
      if (writes_attributes(*sub)) return true;
    }
  }
  return false;
}

void collect_reads(Block& block, std::vector<Node*>& reads) {
  for (Node* node : block.nodes()) {
    if (node->kind() == c10::prim::GetAttr) reads.push_back(node);
    for (Block* sub : node->blocks()) collect_reads(*sub, reads);
  }
}

// The attribute path "layers.0.weight" of a GetAttr chain rooted at `self`, or nullopt.
std::optional<std::string> path_of(const Value* value, const Value* self) {
  if (value == self) return std::string();
  const Node* node = value->node();
  if (node->kind() != c10::prim::GetAttr) return std::nullopt;
  auto parent = path_of(node->input(0), self);
  if (!parent) return std::nullopt;
  const std::string& name = node->s(c10::attr::name);
  return parent->empty() ? name : *parent + "." + name;
}

std::optional<c10::IValue> attribute_at(const torch::jit::Module& module, const std::string& path) {
  c10::IValue current = module._ivalue();
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!current.isObject()) return std::nullopt;
    const auto& object = current.toObjectRef();
    if (!object.type()->hasAttribute(name)) return std::nullopt;
    current = object.getAttr(name);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return current;
}

}  // namespace

void fold_tensor_attributes(torch::jit::Graph& graph, const torch::jit::Module& module) {
  if (graph.inputs().empty() || writes_attributes(*graph.block())) return;
  const Value* self = graph.inputs()[0];
  std::vector<Node*> reads;
  collect_reads(*graph.block(), reads);
  for (Node* read : reads) {
    Value* out = read->output();
    if (!out->type()->isSubtypeOf(*c10::TensorType::get())) continue;
    auto path = path_of(out, self);
    if (!path) continue;
    auto value = attribute_at(module, *path);
    if (!value || !value->isTensor()) continue;
    torch::jit::WithInsertPoint at_start(graph.block()->nodes().front());
    // Parameters require grad, which a graph constant may not; freezing detaches them too.
    Value* constant = graph.insertConstant(value->toTensor().detach());
    constant->setDebugName("self." + *path);
    out->replaceAllUsesWith(constant);
  }
  // The reads, then the module reads they leave unused, innermost first.
  for (auto it = reads.rbegin(); it != reads.rend(); ++it) {
    if (!(*it)->output()->hasUses()) (*it)->destroy();
  }
}

}  // namespace pt2onnx::loader
