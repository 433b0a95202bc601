#include "convert/dispatcher.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>

#include "convert/source_location.h"
#include "symbolics/aliasing.h"

namespace pt2onnx::convert {
namespace {

using sym::alias_root;
using sym::aliases_of;
using sym::ancestor_in;
using sym::Lowered;
using sym::read_after;
using sym::written_tensors;
using torch::jit::Node;
using torch::jit::Value;

bool is_lazy_kind(const Node& node) {
  // Materialized where they are used: a constant may end up an attribute, an initializer or
  // nothing at all, and a list's elements are usually read one by one.
  return node.kind() == c10::prim::Constant || node.kind() == c10::prim::ListConstruct;
}

// A trailing underscore marks an in-place aten op (relu_); a double one a dunder (__and__).
bool is_inplace_kind(const std::string& kind) {
  return kind.size() > 2 && kind.back() == '_' && kind[kind.size() - 2] != '_';
}

// An in-place op stores its result in `self`, whose type does not change: torch computes in the
// promoted type (x.add_(y) of a float16 x and a float32 y adds in float32) and casts the result to
// self's type, or raises where torch's casting rules forbid it (a float result into an integer
// self). The out-of-place lowering an in-place op falls back to gives the promoted type.
void keep_self_type(sym::SymbolicContext& ctx, const Node& node, sym::Outputs& outputs) {
  if (outputs.empty() || outputs[0].kind != Lowered::Kind::kTensor || node.inputs().empty() ||
      node.input(0)->type()->kind() != c10::TypeKind::TensorType) {
    return;
  }
  const auto self = ctx.dtype(ctx.tensor(node.input(0)));
  const auto result = ctx.dtype(outputs[0].name);
  if (!self || !result || *self == *result) return;
  if (!c10::canCast(*result, *self)) {
    throw Error(DiagCode::kBadArgument, std::string("result type ") + c10::toString(*result) +
                                            " can't be cast to the type of self, " +
                                            c10::toString(*self) + " (torch raises)");
  }
  outputs[0] = ctx.cast(outputs[0].name, *self);
}

bool raises(const torch::jit::Block& block) {
  return std::any_of(block.nodes().begin(), block.nodes().end(),
                     [](const Node* n) { return n->kind() == c10::prim::RaiseException; });
}

}  // namespace

Dispatcher::Dispatcher(onnx_ir::GraphBuilder& builder, const sym::OpsetRegistry& registry,
                       DispatchSettings settings)
    : registry_(registry),
      settings_(settings),
      table_(registry.resolve(settings.opset)),
      ctx_(builder, bindings_, *this,
           sym::ContextSettings{settings.export_params, settings.drop_run_time_checks}) {}

std::vector<Lowered> Dispatcher::convert_block(const torch::jit::Block& block,
                                               const std::vector<Lowered>& params) {
  for (const Node* node : block.nodes()) {
    if (node->kind() == c10::prim::RaiseException) {
      const std::string where = describe_source(*node);
      throw Error(DiagCode::kRunTimeCheck,
                  "the model raises an exception on a path that depends on run-time values" +
                      (where.empty() ? std::string() : " (" + where + ")") +
                      "; ONNX graphs cannot raise exceptions: make the check static or remove it");
    }
  }
  sym::ValueBindings::Scope scope(bindings_);
  const auto block_inputs = block.inputs();
  for (size_t i = 0; i < block_inputs.size() && i < params.size(); ++i) {
    bindings_.bind(block_inputs[i], params[i]);
  }
  for (const Node* node : block.nodes()) convert_node(*node);
  std::vector<Lowered> outputs;
  for (const Value* out : block.outputs()) {
    if (is_tainted(out)) {
      outputs.push_back(Lowered::none());
      continue;
    }
    try {
      outputs.push_back(ctx_.lowered(out));
    } catch (const Error& e) {
      Diagnostic d = e.diagnostics().front();
      d.node_kind = "block output";
      d.opset = settings_.opset;
      problems_.push_back(std::move(d));
      outputs.push_back(Lowered::none());
    }
  }
  return outputs;
}

sym::SymbolicFn Dispatcher::find_symbolic(const Node& node) const {
  const std::string kind = node.kind().toQualString();
  const std::string overload = node.maybeSchema() ? node.maybeSchema()->overload_name() : "";
  sym::SymbolicFn fn = table_.find(kind, overload);
  if (fn == nullptr && is_inplace_kind(kind))
    fn = table_.find(kind.substr(0, kind.size() - 1), overload);
  return fn;
}

// Ops in `block` (nested blocks included, blocks that only raise left out) that have no lowering
// and produce a tensor (others may still be evaluated at conversion time).
void Dispatcher::for_each_missing(const torch::jit::Block& block,
                                  const std::function<void(const Node&)>& report) const {
  if (raises(block)) return;
  for (const Node* node : block.nodes()) {
    for (const torch::jit::Block* sub : node->blocks()) for_each_missing(*sub, report);
    if (is_lazy_kind(*node) || find_symbolic(*node) != nullptr) continue;
    const bool makes_tensor =
        std::any_of(node->outputs().begin(), node->outputs().end(),
                    [](const Value* v) { return v->type()->kind() == c10::TypeKind::TensorType; });
    if (makes_tensor) report(*node);
  }
}

// An op whose inputs are all known and whose outputs are not tensors (string
// formatting, `in` on a list, str(device) ...: the shape and device checks of library code) is
// run by LibTorch itself at conversion time, as constant propagation would with what only the
// converter knows (ranks, static sizes, the device). Ops with side effects are left alone.
bool Dispatcher::try_evaluate(const Node& node) {
  if (node.inputs().empty() || !node.blocks().empty() || node.hasSideEffects()) return false;
  if (const auto* schema = node.maybeSchema(); schema != nullptr && schema->is_mutable())
    return false;
  // Tensors, even inside tuples, lists or dicts, stay with the symbolics (they become ONNX
  // values, named and typed); optionals are decided by the None checks.
  std::function<bool(const c10::TypePtr&)> holds_tensor = [&](const c10::TypePtr& type) {
    if (type->kind() == c10::TypeKind::TensorType || type->kind() == c10::TypeKind::OptionalType)
      return true;
    const auto contained = type->containedTypes();
    return std::any_of(contained.begin(), contained.end(), holds_tensor);
  };
  for (const Value* out : node.outputs()) {
    if (holds_tensor(out->type())) return false;
  }
  torch::jit::Stack stack;
  for (const Value* in : node.inputs()) {
    auto iv = ctx_.known_value(in);
    if (!iv) return false;
    stack.push_back(std::move(*iv));
  }
  // Vararg ops (aten::format) take their input count on top of the stack, as the interpreter
  // pushes it.
  if (const auto* schema = node.maybeSchema(); schema != nullptr && schema->is_vararg())
    stack.emplace_back(static_cast<int64_t>(node.inputs().size()));
  try {
    node.getOperation()(stack);  // throws where LibTorch has no operator for the node
  } catch (const std::exception&) {
    return false;  // reported as an op without a lowering
  }
  if (stack.size() != node.outputs().size()) return false;
  for (size_t i = 0; i < stack.size(); ++i) ctx_.bind(node.output(i), ctx_.known(stack[i]));
  return true;
}

bool Dispatcher::is_tainted(const Value* value) const {
  if (tainted_.count(value) != 0) return true;
  if (value->node()->kind() != c10::prim::ListConstruct) return false;
  const auto inputs = value->node()->inputs();
  return std::any_of(inputs.begin(), inputs.end(), [&](const Value* v) { return is_tainted(v); });
}

// What a failed node would have produced or changed: its outputs, the arguments its schema
// writes to (append's list, add_'s self), and the same for every node of its blocks (a list a
// refused Loop appends to). A reader of any of them would see a value the failure never made.
void Dispatcher::taint_outputs(const Node& node) {
  for (const Value* out : node.outputs()) tainted_.insert(out);
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    if (sym::writes_input(node, i)) tainted_.insert(node.input(i));
  }
  for (const torch::jit::Block* block : node.blocks()) {
    for (const Node* inner : block->nodes()) taint_outputs(*inner);
  }
}

void Dispatcher::record(const Node& node, Diagnostic d) {
  if (d.node_kind.empty()) d.node_kind = node.kind().toQualString();
  d.source = describe_source(node);
  d.scope = module_scope(node);
  d.opset = settings_.opset;
  problems_.push_back(std::move(d));
  taint_outputs(node);
}

void Dispatcher::warn(const Node& where, DiagCode code, const std::string& message) {
  Diagnostic d = make_diagnostic(code, message);
  d.severity = Severity::kWarning;
  d.node_kind = where.kind().toQualString();
  d.source = describe_source(where);
  d.scope = module_scope(where);
  d.opset = settings_.opset;
  // A check inside a loop body or a function called twice is one check.
  for (const auto& w : warnings_) {
    if (w.code == d.code && w.source == d.source && w.message == d.message) return;
  }
  warnings_.push_back(std::move(d));
}

void Dispatcher::record_missing(const Node& node) {
  Diagnostic d = make_diagnostic(DiagCode::kNoLowering, "no symbolic");
  d.node_kind = node.kind().toQualString();
  if (const std::string* reason = table_.mask_reason(d.node_kind)) d.message = *reason;
  d.first_opset = registry_.first_opset_supporting(d.node_kind);
  record(node, std::move(d));
}

void Dispatcher::convert_node(const Node& node) {
  reached_.insert(&node);
  if (is_lazy_kind(node)) return;
  const std::string kind = node.kind().toQualString();
  const sym::SymbolicFn fn = find_symbolic(node);
  // A node fed by a failed one is skipped: its own error would only repeat the first. Ops
  // without a lowering are still reported, nested ones too: one run lists all that is missing.
  if (std::any_of(node.inputs().begin(), node.inputs().end(),
                  [&](const Value* v) { return is_tainted(v); })) {
    if (fn == nullptr) record_missing(node);
    for (const torch::jit::Block* block : node.blocks()) {
      for_each_missing(*block, [&](const Node& missing) { record_missing(missing); });
    }
    taint_outputs(node);
    return;
  }
  if (try_evaluate(node)) return;
  if (fn == nullptr) {
    record_missing(node);
    return;
  }
  const std::vector<WatchedWrite> writes = watched_writes(node);
  sym::Outputs outputs;
  const size_t problems_before = problems_.size();
  try {
    outputs = fn(ctx_, node);
    if (is_inplace_kind(kind)) keep_self_type(ctx_, node, outputs);
  } catch (const Error& e) {
    // After a nested block failed, the symbolic's own error is a consequence of that failure.
    if (problems_.size() == problems_before) {
      record(node, e.diagnostics().front());
      // Its blocks were not (all) converted: what they lack is still listed, so one run tells
      // everything that is missing.
      for (const torch::jit::Block* block : node.blocks()) {
        for_each_missing(*block, [&](const Node& missing) { record_missing(missing); });
      }
    }
    taint_outputs(node);
    return;
  } catch (const std::exception& e) {
    if (problems_.size() == problems_before)
      record(node, make_diagnostic(DiagCode::kInternal, e.what()));
    taint_outputs(node);
    return;
  }
  if (problems_.size() != problems_before) {
    // A nested block failed (inside an If or Loop): its outputs would only cause follow-on errors.
    taint_outputs(node);
    return;
  }
  if (outputs.size() != node.outputs().size()) {
    record(node, make_diagnostic(DiagCode::kInternal,
                                 "the symbolic returned " + std::to_string(outputs.size()) +
                                     " values for " + std::to_string(node.outputs().size()) +
                                     " outputs"));
    return;
  }
  for (size_t i = 0; i < outputs.size(); ++i) ctx_.bind(node.output(i), outputs[i]);
  if (is_inplace_kind(kind) && !node.inputs().empty() && !outputs.empty() &&
      node.input(0)->type()->kind() == c10::TypeKind::TensorType) {
    // What remains in-place after RemoveMutation: later readers of `self` see the result.
    ctx_.bind(node.input(0), outputs[0]);
  }
  if (!writes.empty()) check_writes(node, writes);
}

// Note [Writes]: ONNX values are immutable, so a TorchScript write (an in-place op, copy_ into a
// slice, a write inside a loop) is reproduced by rebinding: the tensor that owns the storage (the
// root) is bound to its new value, and the views read after the write are recomputed from it.
// Symbolics do that for the writes they understand (copy_ through slice/select/narrow/reshape-
// like views, in-place ops on a root, and If/Loop for the lists they carry). The dispatcher checks
// the result after every node that writes, so a write no symbolic reproduced is never dropped in
// silence: if the root, or any view of it, is read afterwards and its binding did not change, the
// conversion is refused with the op and its line.
std::string Dispatcher::binding_key(const Value* value) const {
  const Lowered* b = bindings_.find(value);
  if (b == nullptr) return "";
  std::string key = std::to_string(static_cast<int>(b->kind)) + ":" + b->name;
  for (const auto& item : b->items) key += "," + item;
  return key;
}

// The writes of `node` whose effect must outlive it: what it writes itself, and for a node with
// blocks, the roots defined outside it that its blocks write to.
std::vector<Dispatcher::WatchedWrite> Dispatcher::watched_writes(const Node& node) const {
  std::vector<WatchedWrite> out;
  for (const Value* w : written_tensors(node)) {
    const Value* root = alias_root(w);
    out.push_back({w, root, binding_key(root), {}});
  }
  if (node.blocks().empty()) return out;
  std::function<void(const torch::jit::Block&)> scan = [&](const torch::jit::Block& block) {
    for (const Node* inner : block.nodes()) {
      for (const Value* w : written_tensors(*inner)) {
        const Value* root = alias_root(w);
        const bool outside = ancestor_in(*root->node(), node.owningBlock()) != &node;
        if (!outside) continue;
        auto seen = std::find_if(out.begin(), out.end(),
                                 [&](const WatchedWrite& x) { return x.root == root; });
        if (seen == out.end()) {
          out.push_back({root, root, binding_key(root), {inner}});
        } else {
          seen->writers.push_back(inner);
        }
      }
      for (const torch::jit::Block* sub : inner->blocks()) scan(*sub);
    }
  };
  for (const torch::jit::Block* block : node.blocks()) scan(*block);
  return out;
}

namespace {

// True where `v` reaches `root` through in-place ops only: it is the root's storage itself.
bool same_tensor_as_root(const Value* v, const Value* root) {
  for (; v != root; v = v->node()->input(0)) {
    if (written_tensors(*v->node()).empty()) return false;
  }
  return true;
}

// The write-back that lib/passes/write_back_views.cpp puts after an in-place op on a view.
bool followed_by_write_back(const Node& node, const Value* written) {
  const Node* next = node.next();
  return next != nullptr && next->kind() == c10::aten::copy_ && next->input(0) == written &&
         !node.outputs().empty() && next->input(1) == node.output(0);
}

}  // namespace

// A view of `root` made before `write` and read after it holds the old data: it is recomputed
// from the new root. False where one cannot be (it was made in another block, or through a
// write).
bool Dispatcher::refresh_views(const Value* root, const Node& write, const Value* written) {
  for (const Value* alias : aliases_of(root)) {
    if (alias == root || alias == written || !alias->node()->isBefore(&write) ||
        !read_after(alias, write))
      continue;
    std::vector<const Node*> chain;
    for (const Value* v = alias; v != root; v = v->node()->input(0))
      chain.insert(chain.begin(), v->node());
    // Views are recomputed; the result of an in-place op in the chain is the tensor it wrote,
    // so it takes the value its input now has.
    const bool recomputable = std::all_of(chain.begin(), chain.end(), [&](const Node* n) {
      return n->owningBlock() == write.owningBlock() || !written_tensors(*n).empty();
    });
    if (!recomputable) return false;
    for (const Node* n : chain) {
      if (written_tensors(*n).empty()) {
        convert_node(*n);
      } else if (const Lowered* now = bindings_.find(n->input(0))) {
        ctx_.bind(n->output(0), *now);
      }
    }
  }
  return true;
}

void Dispatcher::check_writes(const Node& node, const std::vector<WatchedWrite>& writes) {
  for (const WatchedWrite& w : writes) {
    const bool root_changed = binding_key(w.root) != w.before;
    const auto aliases = aliases_of(w.root);
    auto read_later = [&] {
      return std::any_of(aliases.begin(), aliases.end(), [&](const Value* a) {
        if (read_after(a, node)) return true;
        // A loop reads what it writes again in its next iteration.
        if (node.kind() != c10::prim::Loop) return false;
        return std::any_of(a->uses().begin(), a->uses().end(), [&](const torch::jit::Use& u) {
          return ancestor_in(*u.user, node.owningBlock()) == &node;
        });
      });
    };
    const std::string root_name = "%" + w.root->debugName();
    if (!node.blocks().empty() && w.written == w.root && w.root->node() != &node) {
      const bool written_here =
          w.writers.empty() || std::any_of(w.writers.begin(), w.writers.end(),
                                           [&](const Node* n) { return reached_.count(n) != 0; });
      if (root_changed || !written_here || !read_later()) continue;
      record(node, make_diagnostic(DiagCode::kDroppedMutation,
                                   root_name + " is written inside this " +
                                       (node.kind() == c10::prim::Loop ? "loop" : "if") +
                                       " but defined outside it and read afterwards; pt2onnx does "
                                       "not carry such a write out of the block, so it refuses "
                                       "rather than drop it"));
      continue;
    }
    if (w.written == w.root) continue;  // an in-place op on the root rebinds it
    if (!root_changed && same_tensor_as_root(w.written, w.root)) {
      // Written through the result of in-place ops (`y = x.add_(1); y.copy_(z)`): that result
      // is the root's own storage, so the root, and what lies between, take the new value.
      if (const Lowered* now = bindings_.find(w.written)) {
        const Lowered value = *now;
        for (const Value* v = w.written; v != w.root; v = v->node()->input(0))
          ctx_.bind(v->node()->input(0), value);
      }
      if (!refresh_views(w.root, node, w.written) && read_later()) {
        record(node, make_diagnostic(DiagCode::kDroppedMutation,
                                     "a view of " + root_name +
                                         " made in another block is read after this write and "
                                         "cannot be recomputed"));
      }
      continue;
    }
    if (root_changed) {
      if (!refresh_views(w.root, node, w.written) && read_later()) {
        record(node,
               make_diagnostic(DiagCode::kDroppedMutation,
                               "a view of " + root_name +
                                   " made in another block, or through a write, is read after "
                                   "this write and cannot be recomputed"));
      }
      continue;
    }
    if (followed_by_write_back(node, w.written) || !read_later()) continue;
    record(node,
           make_diagnostic(DiagCode::kDroppedMutation,
                           "this writes into %" + w.written->debugName() + ", a view of " +
                               root_name + " made by " + w.written->node()->kind().toQualString() +
                               ", which is read afterwards; pt2onnx reproduces writes through "
                               "slice, select, narrow and reshape-like views only, so it "
                               "refuses rather than drop the write"));
  }
}

}  // namespace pt2onnx::convert
