// LibTorch's freezing folds every attribute a method only reads; the ones it writes stay
// attributes (prim::GetAttr/SetAttr on `self`), since their value changes from call to call.
// Within one call, though, an attribute is just a variable: this pass makes it one, the way
// TorchScript's own SSA makes locals, so the rest of the converter never sees `self`.
#include "passes/lower_module_attributes.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "convert/source_location.h"
#include "pt2onnx/error.h"

namespace pt2onnx::passes {
namespace {

using torch::jit::Block;
using torch::jit::Node;
using torch::jit::Value;

[[noreturn]] void refuse(const std::string& what) {
  throw Error(DiagCode::kUnsupportedConstruct, what);
}

// One attribute of `self` or of one of its submodules, by its path ("self.decoder.count").
struct Attribute {
  c10::IValue initial;
  c10::TypePtr type;
};

class Lowering {
 public:
  Lowering(torch::jit::Graph& graph, const torch::jit::Module& module)
      : graph_(graph), module_(module) {}

  std::vector<Diagnostic> run() {
    Value* self = graph_.inputs()[0];
    paths_[self] = "self";
    modules_[self] = module_._ivalue();
    collect(graph_.block());
    if (attributes_.empty()) return {};
    // The initial values, as constants at the top of the graph.
    std::map<std::string, Value*> env;
    torch::jit::WithInsertPoint guard(graph_.block()->nodes().front());
    for (const auto& [path, attr] : attributes_) {
      try {
        // A parameter requires grad, which a constant may not; inference needs no grad.
        env[path] = graph_.insertConstant(
            attr.initial.isTensor() ? c10::IValue(attr.initial.toTensor().detach()) : attr.initial);
      } catch (const std::exception&) {
        refuse("the model writes the attribute `" + path + "` of type " +
               attr.type->annotation_str() +
               " in the method it exports, and its value cannot be a constant");
      }
    }
    rewrite(graph_.block(), env);
    for (auto it = doomed_.rbegin(); it != doomed_.rend(); ++it) (*it)->destroy();
    return std::move(kept_only_for_this_call_);
  }

 private:
  // Finds every use of `self` and of the submodules read from it; records the attributes.
  void collect(Block* block) {
    for (Node* node : block->nodes()) {
      for (Block* sub : node->blocks()) collect(sub);
      if (node->kind() == c10::prim::GetAttr && paths_.count(node->input(0)) != 0) {
        const auto& object = modules_.at(node->input(0));
        const std::string path = paths_.at(node->input(0)) + "." + node->s(c10::attr::name);
        const c10::IValue value = object->getAttr(node->s(c10::attr::name));
        if (value.isModule()) {
          paths_[node->output()] = path;
          modules_[node->output()] = value.toObject();
        } else {
          note_attribute(path, value, object->type()->getAttribute(node->s(c10::attr::name)));
        }
        continue;
      }
      if (node->kind() == c10::prim::SetAttr && paths_.count(node->input(0)) != 0) {
        const auto& object = modules_.at(node->input(0));
        const std::string path = paths_.at(node->input(0)) + "." + node->s(c10::attr::name);
        note_attribute(path, object->getAttr(node->s(c10::attr::name)),
                       object->type()->getAttribute(node->s(c10::attr::name)));
        note_write(path, *node);
        if (paths_.count(node->input(1)) != 0) {
          refuse("the model assigns the module `" + paths_.at(node->input(1)) + "` to `" + path +
                 "`; only plain values can be written to attributes");
        }
        continue;
      }
      for (Value* in : node->inputs()) {
        if (paths_.count(in) != 0) {
          refuse("the model uses the module `" + paths_.at(in) + "` as a value (" +
                 node->kind().toQualString() +
                 "); only reads and writes of its attributes can be exported");
        }
      }
    }
    for (Value* out : block->outputs()) {
      if (paths_.count(out) != 0) refuse("the model returns the module `" + paths_.at(out) + "`");
    }
  }

  void note_attribute(const std::string& path, const c10::IValue& value, c10::TypePtr type) {
    if (attributes_.count(path) == 0) attributes_[path] = {value, std::move(type)};
  }

  // The first write of each attribute: what a run of the ONNX model does not keep.
  void note_write(const std::string& path, const Node& node) {
    if (!written_.insert(path).second) return;
    Diagnostic d = make_diagnostic(
        DiagCode::kDroppedAttributeState,
        "forward writes the attribute `" + path +
            "`: the exported model computes one call from its saved value, and the value "
            "written is not kept for the next run (an ONNX model has no state)");
    d.severity = Severity::kWarning;
    d.node_kind = node.kind().toQualString();
    d.source = convert::describe_source(node);
    d.scope = convert::module_scope(node);
    kept_only_for_this_call_.push_back(std::move(d));
  }

  std::string attribute_of(const Node* node) const {
    return paths_.at(node->input(0)) + "." + node->s(c10::attr::name);
  }

  bool is_attribute_access(const Node* node) const {
    return (node->kind() == c10::prim::GetAttr || node->kind() == c10::prim::SetAttr) &&
           paths_.count(node->input(0)) != 0;
  }

  // The attributes written anywhere inside `block`, in order.
  std::vector<std::string> written_in(const Block* block) const {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::vector<const Block*> todo = {block};
    while (!todo.empty()) {
      const Block* b = todo.back();
      todo.pop_back();
      for (const Node* node : b->nodes()) {
        if (node->kind() == c10::prim::SetAttr && is_attribute_access(node) &&
            seen.insert(attribute_of(node)).second) {
          out.push_back(attribute_of(node));
        }
        for (const Block* sub : node->blocks()) todo.push_back(sub);
      }
    }
    return out;
  }

  void rewrite(Block* block, std::map<std::string, Value*>& env) {
    for (Node* node : block->nodes()) {
      if (is_attribute_access(node)) {
        if (node->kind() == c10::prim::SetAttr) {
          env[attribute_of(node)] = node->input(1);
          doomed_.push_back(node);
        } else if (paths_.count(node->output()) == 0) {
          node->output()->replaceAllUsesWith(env.at(attribute_of(node)));
          doomed_.push_back(node);
        } else {
          doomed_.push_back(node);  // a submodule: gone once its attributes are
        }
        continue;
      }
      if (node->kind() == c10::prim::If) {
        rewrite_if(node, env);
      } else if (node->kind() == c10::prim::Loop) {
        rewrite_loop(node, env);
      } else {
        for (Block* sub : node->blocks()) {
          const auto written = written_in(sub);
          if (!written.empty()) {
            refuse("the model writes the attribute `" + written.front() + "` inside a " +
                   node->kind().toQualString() + " block");
          }
          std::map<std::string, Value*> inner = env;
          rewrite(sub, inner);
        }
      }
    }
  }

  void rewrite_if(Node* node, std::map<std::string, Value*>& env) {
    std::vector<std::string> written;
    for (Block* branch : node->blocks()) {
      for (const auto& path : written_in(branch)) {
        if (std::find(written.begin(), written.end(), path) == written.end())
          written.push_back(path);
      }
    }
    for (Block* branch : node->blocks()) {
      std::map<std::string, Value*> inner = env;
      rewrite(branch, inner);
      for (const auto& path : written) branch->registerOutput(inner.at(path));
    }
    for (const auto& path : written) {
      env[path] = node->addOutput()->setType(attributes_.at(path).type);
    }
  }

  void rewrite_loop(Node* node, std::map<std::string, Value*>& env) {
    Block* body = node->blocks()[0];
    const auto written = written_in(body);
    std::map<std::string, Value*> inner = env;
    for (const auto& path : written) {
      node->addInput(env.at(path));
      inner[path] = body->addInput()->setType(attributes_.at(path).type);
    }
    rewrite(body, inner);
    for (const auto& path : written) {
      body->registerOutput(inner.at(path));
      env[path] = node->addOutput()->setType(attributes_.at(path).type);
    }
  }

  torch::jit::Graph& graph_;
  const torch::jit::Module& module_;
  std::map<const Value*, std::string> paths_;  // self and the submodules read from it
  std::map<const Value*, c10::intrusive_ptr<c10::ivalue::Object>> modules_;
  std::map<std::string, Attribute> attributes_;
  std::vector<Node*> doomed_;
  std::set<std::string> written_;
  std::vector<Diagnostic> kept_only_for_this_call_;
};

}  // namespace

std::vector<Diagnostic> lower_module_attributes(torch::jit::Graph& graph,
                                                const torch::jit::Module& module) {
  if (graph.inputs().empty() || graph.inputs()[0]->uses().empty()) return {};
  return Lowering(graph, module).run();
}

}  // namespace pt2onnx::passes
