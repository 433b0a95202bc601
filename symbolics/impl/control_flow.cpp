// prim::If and prim::Loop, and the lists and tensors their blocks change. The values around them
// (tuples, sizes, scalars taken from tensors, None checks) are in torchscript_values.cpp. See
// docs/torchscript.md for how each construct maps to ONNX.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>

#include "onnx/ops.h"
#include "onnx/tensor_proto.h"
#include "symbolics/aliasing.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/control_flow.h"

namespace pt2onnx::sym {
namespace {

// Type of an If output from its two branches: the element type, and the dims both agree on.
onnx::TypeProto merged_type(const onnx::TypeProto* a, const onnx::TypeProto* b) {
  if (a == nullptr) return b != nullptr ? onnx_ir::relaxed_type(*b, false) : onnx::TypeProto();
  if (b != nullptr && a->has_sequence_type() && b->has_sequence_type()) {
    onnx::TypeProto out;
    *out.mutable_sequence_type()->mutable_elem_type() =
        merged_type(&a->sequence_type().elem_type(), &b->sequence_type().elem_type());
    return out;
  }
  if (b != nullptr && a->has_optional_type() && b->has_optional_type()) {
    onnx::TypeProto out;
    *out.mutable_optional_type()->mutable_elem_type() =
        merged_type(&a->optional_type().elem_type(), &b->optional_type().elem_type());
    return out;
  }
  if (b == nullptr || !a->has_tensor_type() || !b->has_tensor_type()) return *a;
  onnx::TypeProto out = onnx_ir::tensor_type(a->tensor_type().elem_type());
  const auto& sa = a->tensor_type().shape();
  const auto& sb = b->tensor_type().shape();
  if (a->tensor_type().has_shape() && b->tensor_type().has_shape() &&
      sa.dim_size() == sb.dim_size()) {
    auto* shape = out.mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < sa.dim_size(); ++i) {
      auto* dim = shape->add_dim();
      if (sa.dim(i).has_dim_value() && sb.dim(i).has_dim_value() &&
          sa.dim(i).dim_value() == sb.dim(i).dim_value()) {
        dim->set_dim_value(sa.dim(i).dim_value());
      } else if (sa.dim(i).has_dim_param() && sb.dim(i).has_dim_param() &&
                 sa.dim(i).dim_param() == sb.dim(i).dim_param()) {
        dim->set_dim_param(sa.dim(i).dim_param());
      }
    }
  }
  return out;
}

ValueName as_bool_condition(SymbolicContext& ctx, const torch::jit::Value* v) {
  return ctx.cast(ctx.tensor(v), c10::kBool);
}

// ---- lists mutated inside a block
// A TorchScript list is one mutable object; its ops (append, pop, ...) rebind the list's value
// in the scope of the block being converted, and that scope ends with the block. So a block
// that mutates a list defined outside it hands the list's final value out as an extra block
// output, and the caller rebinds the list after it.

bool node_inside(const torch::jit::Node* n, const torch::jit::Block* block) {
  for (const torch::jit::Block* b = n->owningBlock(); b != nullptr;
       b = b->owningNode() != nullptr ? b->owningNode()->owningBlock() : nullptr) {
    if (b == block) return true;
  }
  return false;
}

bool defined_inside(const torch::jit::Value* v, const torch::jit::Block* block) {
  return node_inside(v->node(), block);
}

bool is_list_mutation(const torch::jit::Node* node) {
  static const char* kMutators[] = {"aten::append",    "aten::pop",     "aten::Delete",
                                    "aten::insert",    "aten::extend",  "aten::clear",
                                    "aten::_set_item", "aten::reverse", "aten::remove"};
  const std::string kind = node->kind().toQualString();
  for (const char* m : kMutators) {
    if (kind == m)
      return !node->inputs().empty() && node->input(0)->type()->kind() == c10::TypeKind::ListType;
  }
  return false;
}

void collect_mutated_lists(const torch::jit::Block* block, const torch::jit::Block* root,
                           std::vector<const torch::jit::Value*>& out) {
  for (const torch::jit::Node* node : block->nodes()) {
    if (is_list_mutation(node) && !defined_inside(node->input(0), root) &&
        std::find(out.begin(), out.end(), node->input(0)) == out.end()) {
      out.push_back(node->input(0));
    }
    for (const torch::jit::Block* sub : node->blocks()) collect_mutated_lists(sub, root, out);
  }
}

std::vector<const torch::jit::Value*> mutated_lists(const torch::jit::Block& block) {
  std::vector<const torch::jit::Value*> out;
  collect_mutated_lists(&block, &block, out);
  return out;
}

// Tensors defined outside `block` that it writes (in place, or through a view): as with lists,
// their values at the end of the block leave it as extra outputs, and the caller rebinds them.
// Each is named by the tensor that owns the storage, so a write through a view counts.
std::vector<const torch::jit::Value*> written_tensors_from_outside(const torch::jit::Block& block) {
  std::vector<const torch::jit::Value*> out;
  std::function<void(const torch::jit::Block&)> scan = [&](const torch::jit::Block& b) {
    for (const Node* n : b.nodes()) {
      for (const torch::jit::Value* w : written_tensors(*n)) {
        const torch::jit::Value* root = alias_root(w);
        if (!defined_inside(root, &block) && std::find(out.begin(), out.end(), root) == out.end())
          out.push_back(root);
      }
      for (const torch::jit::Block* sub : n->blocks()) scan(*sub);
    }
  };
  scan(block);
  return out;
}

// What a block changes that is defined outside it: lists, then tensors.
std::vector<const torch::jit::Value*> mutated_values(const torch::jit::Block& block) {
  auto out = mutated_lists(block);
  for (const auto* t : written_tensors_from_outside(block)) out.push_back(t);
  return out;
}

// The element type of the tensors `node`'s blocks append to `list`, where it can be read before
// they are converted: an appended value that is a view or a same-typed op of a tensor converted
// outside `node` (list(x) appends x's rows) has that tensor's type. An empty list's sequence needs
// it up front, since a loop-carried sequence cannot change its type.
std::optional<c10::ScalarType> appended_dtype(SymbolicContext& ctx, const torch::jit::Value* list,
                                              const Node& node) {
  static const char* kSameType[] = {
      "aten::select",    "aten::slice",      "aten::narrow",    "aten::view",    "aten::reshape",
      "aten::clone",     "aten::contiguous", "aten::transpose", "aten::permute", "aten::squeeze",
      "aten::unsqueeze", "aten::flatten",    "aten::expand",    "aten::detach",  "aten::t",
      "aten::neg",       "aten::abs",        "aten::relu"};
  auto inside_node = [&](const torch::jit::Value* v) {
    return std::any_of(node.blocks().begin(), node.blocks().end(),
                       [&](const torch::jit::Block* b) { return node_inside(v->node(), b); });
  };
  std::optional<c10::ScalarType> found;
  bool conflicting = false;
  std::function<void(const torch::jit::Block&)> scan = [&](const torch::jit::Block& b) {
    for (const Node* n : b.nodes()) {
      for (const torch::jit::Block* sub : n->blocks()) scan(*sub);
      if (n->kind() != c10::Symbol::fromQualString("aten::append") || n->input(0) != list) continue;
      const torch::jit::Value* v = n->input(1);
      while (inside_node(v)) {
        const std::string kind = v->node()->kind().toQualString();
        if (std::none_of(std::begin(kSameType), std::end(kSameType),
                         [&](const char* k) { return kind == k; }) ||
            v->node()->inputs().empty()) {
          break;
        }
        v = v->node()->input(0);
      }
      const auto t = ctx.converted_dtype(v);
      if (!t || (found && *found != *t)) {
        conflicting = true;
        continue;
      }
      found = t;
    }
  };
  for (const torch::jit::Block* b : node.blocks()) scan(*b);
  if (conflicting) return std::nullopt;
  return found;
}

// An empty ONNX sequence for `list`, of the type `node` appends to it, else float (the most
// common; a different appended type is refused at the append).
ValueName empty_sequence_for(SymbolicContext& ctx, const torch::jit::Value* list,
                             const Node& node) {
  const auto t = appended_dtype(ctx, list, node);
  if (!t) return ctx.emit("SequenceEmpty", {});
  return ctx.emit("SequenceEmpty", {}, {{"dtype", static_cast<int64_t>(onnx_ir::onnx_dtype(*t))}});
}

bool is_list_value(const torch::jit::Value* v) {
  return v->type()->kind() == c10::TypeKind::ListType;
}

// Whether `list` is read after the If `node` (outside its blocks).
bool used_after(const torch::jit::Value* list, const Node& node) {
  for (const auto& use : list->uses()) {
    bool inside = false;
    for (const torch::jit::Block* b : node.blocks()) inside = inside || node_inside(use.user, b);
    if (!inside && (use.user->kind() == c10::prim::Return || use.user->isAfter(&node))) return true;
  }
  return false;
}

// convert_block, also returning the final values of `lists` (appended to the block's outputs
// for the time of the conversion; the TorchScript graph is left as it was).
std::vector<Lowered> convert_block_tracking(SymbolicContext& ctx, const torch::jit::Block& block,
                                            const std::vector<Lowered>& params,
                                            const std::vector<const torch::jit::Value*>& lists,
                                            std::vector<Lowered>& list_values) {
  auto* b = const_cast<torch::jit::Block*>(&block);
  const size_t base = b->outputs().size();
  for (const auto* v : lists) b->registerOutput(const_cast<torch::jit::Value*>(v));
  auto restore = [&] {
    for (size_t i = lists.size(); i > 0; --i) b->eraseOutput(base + i - 1);
  };
  std::vector<Lowered> outs;
  try {
    outs = ctx.convert_block(block, params);
  } catch (...) {
    restore();
    throw;
  }
  restore();
  list_values.assign(outs.begin() + static_cast<std::ptrdiff_t>(base), outs.end());
  outs.resize(base);
  return outs;
}

// Converts one block into a subgraph whose outputs are the block's outputs, then the final
// values of `lists` (ONNX sequences).
// Outputs that are None on this branch (TorchScript's placeholder for a variable a `break` or
// `continue` leaves unset, never read on that path) are left out and their positions noted in
// `unset`: fill_unset_outputs gives them a value once the other branch tells the type. With
// `optionals` (opset 16 and later), an Optional[Tensor] output that is None on this branch is
// left out the same way and noted in `nones`: an empty ONNX optional of the other branch's type.
struct BranchOutputs {
  std::vector<onnx::TypeProto> types;
  std::vector<size_t> unset;
  std::vector<size_t> nones;
};

bool is_optional_value(const torch::jit::Value* v) {
  return v != nullptr && v->type()->kind() == c10::TypeKind::OptionalType;
}

std::shared_ptr<onnx::GraphProto> block_subgraph(SymbolicContext& ctx,
                                                 const torch::jit::Block& block,
                                                 const std::string& name,
                                                 const std::vector<const torch::jit::Value*>& lists,
                                                 BranchOutputs& branch, bool sequences,
                                                 bool optionals) {
  std::vector<onnx::TypeProto>& output_types = branch.types;
  auto& g = ctx.builder();
  onnx_ir::SubgraphScope subgraph(g, name);
  std::vector<Lowered> list_values;
  std::vector<Lowered> outs = convert_block_tracking(ctx, block, {}, lists, list_values);
  outs.insert(outs.end(), list_values.begin(), list_values.end());
  output_types.clear();
  for (size_t i = 0; i < outs.size(); ++i) {
    auto& out = outs[i];
    const bool is_extra = i + lists.size() >= outs.size();
    const bool is_list = is_extra && is_list_value(lists[i + lists.size() - outs.size()]);
    const auto* jit_out = i < block.outputs().size() ? block.outputs()[i] : nullptr;
    if (!is_extra && out.kind == Lowered::Kind::kNone && jit_out != nullptr &&
        jit_out->node()->kind() == c10::prim::Uninitialized) {
      branch.unset.push_back(i);
      output_types.emplace_back();
      continue;
    }
    const bool optional_output = !is_extra && is_optional_value(block.owningNode()->outputs()[i]);
    if (optional_output && out.kind == Lowered::Kind::kNone && !optionals) {
      ctx.needs_opset(16,
                      "an if whose condition is known only at run time and that gives None "
                      "on one branch and a tensor on the other (ONNX optional)");
    }
    if (optional_output && out.kind == Lowered::Kind::kNone) {
      branch.nones.push_back(i);
      output_types.emplace_back();
      continue;
    }
    // A list of tensors the branch gives (from opset 13): a sequence.
    const bool list_output =
        sequences && !is_extra && jit_out != nullptr && is_list_value(jit_out) &&
        !jit_out->type()->containedTypes().empty() &&
        jit_out->type()->containedTypes()[0]->kind() == c10::TypeKind::TensorType;
    if (list_output && out.kind == Lowered::Kind::kList && !out.items.empty()) {
      out = Lowered::sequence(ctx.emit("SequenceConstruct", out.items));
    }
    const bool expected_kind =
        out.kind == (is_list || list_output ? Lowered::Kind::kSequence : Lowered::Kind::kTensor) ||
        (optional_output && out.kind == Lowered::Kind::kOptional);
    if (!expected_kind) {
      const std::string what = jit_out != nullptr ? jit_out->type()->annotation_str() : "list";
      ctx.fail_unsupported(
          "this if's condition is known only at run time and its branches give a " + what +
          " value; ONNX If outputs can only be tensors (and sequences of "
          "tensors from opset 13): compute the value from tensors, or make the "
          "condition static");
    }
    const ValueName result = g.add_output(out.name, out.name);
    const auto* type = g.type_of(result);
    output_types.push_back(type != nullptr ? *type : onnx::TypeProto());
  }
  return subgraph.finish();
}

// Gives the outputs `unset` of `graph` a zero of the type the other branch gives them (an empty
// sequence of its element type for a list), and its `nones` (and unset outputs the other branch
// gives as an optional) an empty optional of that element type.
void fill_unset_outputs(SymbolicContext& ctx, onnx::GraphProto& graph, BranchOutputs& branch,
                        const std::vector<onnx::TypeProto>& other_types) {
  std::vector<size_t> positions = branch.unset;
  positions.insert(positions.end(), branch.nones.begin(), branch.nones.end());
  std::sort(positions.begin(), positions.end());  // inserted in order, each at its index
  for (size_t i : positions) {
    const onnx::TypeProto* other = i < other_types.size() ? &other_types[i] : nullptr;
    const bool none = std::find(branch.nones.begin(), branch.nones.end(), i) != branch.nones.end();
    const bool optional = none || (other != nullptr && other->has_optional_type());
    if (other != nullptr && other->has_optional_type()) other = &other->optional_type().elem_type();
    const bool sequence = other != nullptr && other->has_sequence_type() &&
                          other->sequence_type().elem_type().has_tensor_type();
    if (other != nullptr && sequence) other = &other->sequence_type().elem_type();
    if (other == nullptr || !other->has_tensor_type() || other->tensor_type().elem_type() == 0) {
      ctx.fail_unsupported(none ? "an if whose branches both give None"
                                : "an if whose branches both leave a value unset");
    }
    const int32_t elem = other->tensor_type().elem_type();
    const ValueName name = ctx.builder().fresh_name(none ? "none" : "unset");
    onnx::NodeProto* node = graph.add_node();
    node->add_output(name);
    onnx::AttributeProto* attr = node->add_attribute();
    onnx::ValueInfoProto* out = graph.add_output();
    out->set_name(name);
    if (optional && !sequence) {
      node->set_op_type("Optional");
      attr->set_name("type");
      attr->set_type(onnx::AttributeProto::TYPE_PROTO);
      *attr->mutable_tp() = *other;
      *out->mutable_type()->mutable_optional_type()->mutable_elem_type() = attr->tp();
    } else if (sequence && !optional) {
      node->set_op_type("SequenceEmpty");
      attr->set_name("dtype");
      attr->set_type(onnx::AttributeProto::INT);
      attr->set_i(elem);
      *out->mutable_type() = onnx_ir::relaxed_type(other_types[i], false);
    } else if (!sequence) {
      node->set_op_type("Constant");
      attr->set_name("value");
      attr->set_type(onnx::AttributeProto::TENSOR);
      const auto dtype = onnx_ir::torch_dtype(elem);
      if (!dtype) ctx.fail_unsupported("an unset if output of an element type LibTorch lacks");
      *attr->mutable_t() =
          onnx_ir::to_tensor_proto(at::zeros({}, at::TensorOptions().dtype(*dtype)), "");
      *out->mutable_type() = onnx_ir::tensor_type(elem, {});
    } else {
      ctx.fail_unsupported("an if that gives None or a list on one branch");
    }
    for (int k = graph.output_size() - 1; k > static_cast<int>(i); --k) {
      graph.mutable_output()->SwapElements(k, k - 1);
    }
    branch.types[i] = out->type();
  }
}

// Where the other branch gives an optional (None, or an optional it was handed), this branch's
// tensor output becomes an optional holding it, so that both branches give one ONNX type.
void wrap_optional_outputs(SymbolicContext& ctx, onnx::GraphProto& graph, BranchOutputs& branch,
                           const std::vector<onnx::TypeProto>& other_types) {
  for (size_t i = 0; i < branch.types.size() && i < other_types.size(); ++i) {
    onnx::TypeProto& type = branch.types[i];
    if (!other_types[i].has_optional_type() || type.has_optional_type()) continue;
    if (!type.has_tensor_type()) ctx.fail_unsupported("an if that gives None or a list");
    onnx::ValueInfoProto* out = graph.mutable_output(static_cast<int>(i));
    const ValueName name = ctx.builder().fresh_name(out->name() + "_optional");
    onnx::NodeProto* node = graph.add_node();
    node->set_op_type("Optional");
    node->add_input(out->name());
    node->add_output(name);
    onnx::TypeProto wrapped;
    *wrapped.mutable_optional_type()->mutable_elem_type() = type;
    out->set_name(name);
    *out->mutable_type() = wrapped;
    type = wrapped;
  }
}

}  // namespace

// prim::If(bool cond) with a then- and an else-block.
// A condition known at conversion time (a constant, a rank, a static size, a None check) keeps
// only the branch taken; otherwise ONNX If with one subgraph per branch.
namespace {

// The prim::RaiseException a branch ends in, if it raises.
const Node* raise_of(const torch::jit::Block& block) {
  for (const Node* n : block.nodes()) {
    if (n->kind() == c10::prim::RaiseException) return n;
  }
  return nullptr;
}

// Which branch runs: known at conversion time, or the only one that does not raise when
// run-time checks are dropped (as tracing and torch.onnx do: ONNX graphs cannot raise).
std::optional<bool> taken_branch(SymbolicContext& ctx, const Node& node) {
  if (auto known = ctx.known_value(node.input(0))) {
    return known->isBool()  ? known->toBool()
           : known->isInt() ? known->toInt() != 0
                            : known->toTensor().item<bool>();
  }
  const Node* then_raise = raise_of(*node.blocks()[0]);
  const Node* else_raise = raise_of(*node.blocks()[1]);
  if ((then_raise == nullptr) == (else_raise == nullptr) || !ctx.drop_run_time_checks())
    return std::nullopt;
  const Node* raise = then_raise != nullptr ? then_raise : else_raise;
  std::string message = "a check that raises on a run-time condition was removed";
  if (auto text = ctx.known_value(raise->input(0)); text && text->isString()) {
    if (!text->toStringRef().empty()) message += ": " + text->toStringRef();
  }
  ctx.warn(*raise, DiagCode::kDroppedRunTimeCheck, message);
  return then_raise == nullptr;
}

Outputs if_node(SymbolicContext& ctx, const Node& node, bool sequences, bool optionals) {
  const torch::jit::Value* cond = node.input(0);
  if (auto taken = taken_branch(ctx, node)) {
    const torch::jit::Block& branch = *node.blocks()[*taken ? 0 : 1];
    const auto lists = mutated_values(branch);
    std::vector<Lowered> list_values;
    auto outs = convert_block_tracking(ctx, branch, {}, lists, list_values);
    for (size_t i = 0; i < lists.size(); ++i) ctx.bind(lists[i], list_values[i]);
    return outs;
  }
  // Lists a branch changes and that are read afterwards: ONNX sequences, as extra If outputs.
  std::vector<const torch::jit::Value*> lists;
  for (const torch::jit::Block* branch : node.blocks()) {
    for (const auto* list : mutated_values(*branch)) {
      if (used_after(list, node) && std::find(lists.begin(), lists.end(), list) == lists.end()) {
        lists.push_back(list);
      }
    }
  }
  for (const auto* list : lists) {
    if (!is_list_value(list)) {
      ctx.tensor(list);  // materialized outside the branches, where both can read it
      continue;
    }
    if (!sequences) {
      ctx.needs_opset(13,
                      "a list changed inside an if whose condition is known only at run time "
                      "(sequences in Loop/If)");
    }
    const auto elem = list->type()->containedTypes();
    if (elem.empty() || elem[0]->kind() != c10::TypeKind::TensorType) {
      ctx.fail_unsupported(
          "a list of numbers changed inside an if whose condition is known only at run time");
    }
    Lowered l = ctx.lowered(list);
    if (l.kind == Lowered::Kind::kList) {
      ctx.bind(list, Lowered::sequence(l.items.empty() ? empty_sequence_for(ctx, list, node)
                                                       : ctx.emit("SequenceConstruct", l.items)));
    } else if (l.kind != Lowered::Kind::kSequence) {
      ctx.fail_unsupported("an if that changes a list held as a tensor");
    }
  }
  const ValueName condition = as_bool_condition(ctx, cond);
  BranchOutputs then_out, else_out;
  auto then_graph =
      block_subgraph(ctx, *node.blocks()[0], "then_branch", lists, then_out, sequences, optionals);
  auto else_graph =
      block_subgraph(ctx, *node.blocks()[1], "else_branch", lists, else_out, sequences, optionals);
  fill_unset_outputs(ctx, *then_graph, then_out, else_out.types);
  fill_unset_outputs(ctx, *else_graph, else_out, then_out.types);
  wrap_optional_outputs(ctx, *then_graph, then_out, else_out.types);
  wrap_optional_outputs(ctx, *else_graph, else_out, then_out.types);
  const auto is_unset = [](const BranchOutputs& branch, size_t i) {
    return std::find(branch.unset.begin(), branch.unset.end(), i) != branch.unset.end();
  };
  std::vector<onnx::TypeProto> types;
  for (size_t i = 0; i < then_out.types.size(); ++i) {
    const onnx::TypeProto* a = is_unset(then_out, i) ? nullptr : &then_out.types[i];
    const onnx::TypeProto* b =
        !is_unset(else_out, i) && i < else_out.types.size() ? &else_out.types[i] : nullptr;
    types.push_back(merged_type(a != nullptr ? a : b, a != nullptr ? b : nullptr));
  }
  auto outs = ctx.builder().emit_typed(
      "If", {condition}, {{"then_branch", then_graph}, {"else_branch", else_graph}}, types);
  const size_t n = outs.size() - lists.size();
  for (size_t i = 0; i < lists.size(); ++i) {
    ctx.bind(lists[i],
             is_list_value(lists[i]) ? Lowered::sequence(outs[n + i]) : Lowered(outs[n + i]));
  }
  outs.resize(n);
  Outputs result;
  for (size_t i = 0; i < n; ++i) {
    const auto* type = ctx.builder().type_of(outs[i]);
    if (type != nullptr && type->has_sequence_type()) {
      result.push_back(Lowered::sequence(outs[i]));
    } else if (type != nullptr && type->has_optional_type()) {
      result.push_back(Lowered::optional(outs[i]));
    } else {
      result.push_back(Lowered(outs[i]));
    }
  }
  return result;
}

}  // namespace

Outputs If_v9(SymbolicContext& ctx, const Node& node) { return if_node(ctx, node, false, false); }
// Opset 13: If-13 returns sequences, so lists a branch changes become If outputs.
Outputs If_v13(SymbolicContext& ctx, const Node& node) { return if_node(ctx, node, true, false); }
// Opset 16: If-16 outputs may be optionals, so an Optional[Tensor] that is None on one branch is an
// ONNX optional.
Outputs If_v16(SymbolicContext& ctx, const Node& node) { return if_node(ctx, node, true, true); }

// prim::Loop(int max_trip_count, bool start_condition, *carried) with body
// block(int i, *carried) -> (bool continue, *carried).
// A `for` loop over a count known at conversion time whose carried values are numbers (the
// shape checks of torch.nn.functional) or that builds lists is unrolled: its results are then
// known at conversion time, and the lists it fills are known element-wise.
// Otherwise ONNX Loop, which has the same shape; `while` loops have max_trip_count = INT64_MAX,
// which becomes an omitted trip count. Carried values enter the body with their dims relaxed
// (a loop may change them). Lists the body changes are carried as ONNX sequences (opset 13).
namespace {

constexpr int64_t kMaxUnroll = 64;

bool always_continues(SymbolicContext& ctx, const Node& node) {
  auto start = ctx.known_value(node.input(1));
  if (!start || !start->isBool() || !start->toBool()) return false;
  const torch::jit::Value* cond = node.blocks()[0]->outputs()[0];
  if (cond->node()->kind() != c10::prim::Constant) return false;
  auto iv = torch::jit::toIValue(cond);
  return iv && iv->isBool() && iv->toBool();
}

// Whether the body reads, by the iteration counter, a list or dict defined outside the loop and
// known element by element (`for v in d.values()`, `for t in tensors`): unrolled, each read is
// a known element, where a run-time index could not select among them.
bool indexes_known_container(SymbolicContext& ctx, const torch::jit::Block& body) {
  const torch::jit::Value* counter = body.inputs()[0];
  for (const Node* n : body.nodes()) {
    if (n->kind() != c10::aten::__getitem__ || n->inputs().size() != 2 || n->input(1) != counter)
      continue;
    if (n->input(0)->node()->owningBlock() == &body) continue;
    const auto kind = ctx.lowered(n->input(0)).kind;
    if (kind == Lowered::Kind::kList || kind == Lowered::Kind::kObject) return true;
  }
  return false;
}

std::optional<int64_t> unroll_count(SymbolicContext& ctx, const Node& node,
                                    const std::vector<const torch::jit::Value*>& lists) {
  auto trip = ctx.known_value(node.input(0));
  if (!trip || !trip->isInt()) return std::nullopt;
  const int64_t n = trip->toInt();
  if (n < 0 || n > kMaxUnroll || !always_continues(ctx, node)) return std::nullopt;
  bool numbers_only = true;
  for (size_t i = 2; i < node.inputs().size(); ++i) {
    if (node.input(i)->type()->kind() == c10::TypeKind::TensorType) numbers_only = false;
  }
  if (!numbers_only && lists.empty() && !indexes_known_container(ctx, *node.blocks()[0]))
    return std::nullopt;
  return n;
}

Outputs unrolled_loop(SymbolicContext& ctx, const Node& node, int64_t count,
                      const std::vector<const torch::jit::Value*>& lists) {
  std::vector<Lowered> carried;
  for (size_t i = 2; i < node.inputs().size(); ++i) carried.push_back(ctx.lowered(node.input(i)));
  const torch::jit::Block& body = *node.blocks()[0];
  for (int64_t it = 0; it < count; ++it) {
    std::vector<Lowered> params = {Lowered(ctx.int_constant(it))};
    params.insert(params.end(), carried.begin(), carried.end());
    std::vector<Lowered> list_values;
    auto outs = convert_block_tracking(ctx, body, params, lists, list_values);
    for (size_t i = 0; i < lists.size(); ++i) ctx.bind(lists[i], list_values[i]);
    carried.assign(outs.begin() + 1, outs.end());
  }
  return carried;
}

namespace {

// The body's new value of an optional state of type `type`: an empty optional for None, a tensor
// (in the state's dtype) wrapped.
ValueName optional_state(SymbolicContext& ctx, const Lowered& value, const onnx::TypeProto& type) {
  if (value.kind == Lowered::Kind::kOptional) return value.name;
  const onnx::TypeProto& elem = type.optional_type().elem_type();
  if (value.kind == Lowered::Kind::kNone) return ctx.emit("Optional", {}, {{"type", elem}});
  if (value.kind != Lowered::Kind::kTensor)
    ctx.fail_unsupported("a loop whose Optional state becomes a list");
  ValueName t = value.name;
  if (auto dtype = onnx_ir::torch_dtype(elem.tensor_type().elem_type())) t = ctx.cast(t, *dtype);
  return ctx.emit("Optional", {t});
}

// The type of an Optional state that starts as None, where the body sets it to a tensor defined
// before the loop (`y = x`): known before the body is converted, which the body's input needs.
std::optional<onnx::TypeProto> optional_state_from_outside(SymbolicContext& ctx,
                                                           const torch::jit::Block& body,
                                                           size_t output) {
  const torch::jit::Value* v = body.outputs()[output];
  if (defined_inside(v, &body)) return std::nullopt;
  const Lowered l = ctx.lowered(v);
  if (l.kind != Lowered::Kind::kTensor) return std::nullopt;
  const auto* type = ctx.builder().type_of(l.name);
  if (type == nullptr || !type->has_tensor_type() || type->tensor_type().elem_type() == 0)
    return std::nullopt;
  return *type;
}

// The variable a loop-carried value is in the source: the body's parameter keeps it where the
// input is a temporary, without TorchScript's SSA suffix ("mask.9"); empty for a temporary.
std::string source_variable_name(const torch::jit::Value& param, const torch::jit::Value& input) {
  std::string name = param.hasDebugName() ? param.debugName() : input.debugName();
  const size_t dot = name.rfind('.');
  const auto digits = [](unsigned char c) { return std::isdigit(c) != 0; };
  if (dot != std::string::npos && dot + 1 < name.size() &&
      std::all_of(name.begin() + dot + 1, name.end(), digits)) {
    name.erase(dot);
  }
  return std::all_of(name.begin(), name.end(), digits) ? "" : name;
}

}  // namespace

Outputs loop(SymbolicContext& ctx, const Node& node, bool sequences, bool optionals) {
  const torch::jit::Block& body = *node.blocks()[0];
  const auto lists = mutated_values(body);
  if (auto count = unroll_count(ctx, node, lists)) return unrolled_loop(ctx, node, *count, lists);

  auto& g = ctx.builder();
  ValueName trip;
  auto known_trip = ctx.known_value(node.input(0));
  if (!(known_trip && known_trip->isInt() &&
        known_trip->toInt() == std::numeric_limits<int64_t>::max())) {
    trip = ctx.cast(ctx.tensor(node.input(0)), c10::kLong);
  }
  const ValueName start_cond = as_bool_condition(ctx, node.input(1));
  std::vector<ValueName> carried;
  // Optional[Tensor] states (opset 16 and later): ONNX optionals, which the body may set to None
  // or to a tensor.
  std::vector<bool> optional_carried;
  for (size_t i = 2; i < node.inputs().size(); ++i) {
    // An Optional state that is None before the first iteration and a tensor after it (a
    // recurrent memory) would change type from one iteration to the next.
    const auto initial = torch::jit::toIValue(node.input(i));  // a constant, read without lowering
    const bool optional_state_value = optionals && is_optional_value(node.outputs()[i - 2]);
    if (node.input(i)->type()->kind() == c10::TypeKind::NoneType ||
        (initial && initial->isNone())) {
      auto elem =
          optional_state_value ? optional_state_from_outside(ctx, body, i - 1) : std::nullopt;
      if (elem) {
        optional_carried.push_back(true);
        carried.push_back(ctx.emit("Optional", {}, {{"type", *elem}}));
        continue;
      }
      const std::string name = source_variable_name(*body.inputs()[i - 1], *node.input(i));
      ctx.fail_unsupported("the loop carries a value that is None before its first iteration" +
                           (name.empty() ? std::string() : " (`" + name + "`)") +
                           ": an Optional state the first iteration sets, and ONNX Loop-carried "
                           "values keep one type: start it as a tensor, or peel the first "
                           "iteration off the loop");
    }
    const Lowered initial_value = ctx.lowered(node.input(i));
    optional_carried.push_back(optional_state_value);
    if (optional_carried.back()) {
      carried.push_back(initial_value.kind == Lowered::Kind::kOptional
                            ? initial_value.name
                            : ctx.emit("Optional", {ctx.tensor(node.input(i))}));
      continue;
    }
    carried.push_back(ctx.tensor(node.input(i)));
  }
  // Lists the body changes: loop-carried sequences; tensors it writes: loop-carried tensors.
  std::vector<ValueName> list_inits;
  for (const auto* list : lists) {
    if (!is_list_value(list)) {
      list_inits.push_back(ctx.tensor(list));
      continue;
    }
    if (!sequences)
      ctx.needs_opset(
          13, "a list built in a loop of a count known only at run time (sequences in Loop/If)");
    Lowered l = ctx.lowered(list);
    if (l.kind == Lowered::Kind::kSequence) {
      list_inits.push_back(l.name);
    } else if (l.kind == Lowered::Kind::kList && !l.items.empty()) {
      list_inits.push_back(ctx.emit("SequenceConstruct", l.items));
    } else if (l.kind == Lowered::Kind::kList) {
      const auto elem = list->type()->containedTypes();
      if (elem.empty() || elem[0]->kind() != c10::TypeKind::TensorType) {
        ctx.fail_unsupported("a list of numbers built in a loop of a count known only at run time");
      }
      list_inits.push_back(empty_sequence_for(ctx, list, node));
    } else {
      ctx.fail_unsupported("a loop that changes a list held as a tensor");
    }
  }

  onnx_ir::SubgraphScope subgraph(g, "loop_body");
  std::vector<Lowered> params;
  params.emplace_back(
      g.add_input(g.fresh_name("iteration"), onnx_ir::tensor_type(onnx::TensorProto::INT64, {})));
  // The body's condition input: TorchScript's loop body does not read it.
  g.add_input(g.fresh_name("condition"), onnx_ir::tensor_type(onnx::TensorProto::BOOL, {}));
  std::vector<onnx::TypeProto> carried_types;
  for (const auto& c : carried) {
    const auto* t = g.type_of(c);
    carried_types.push_back(t != nullptr ? onnx_ir::relaxed_type(*t) : onnx::TypeProto());
    const ValueName in = g.add_input(g.fresh_name(c + "_in"), carried_types.back());
    params.push_back(optional_carried[params.size() - 1] ? Lowered::optional(in) : Lowered(in));
  }
  std::vector<onnx::TypeProto> list_types;
  for (size_t i = 0; i < lists.size(); ++i) {
    const auto* t = g.type_of(list_inits[i]);
    list_types.push_back(t != nullptr ? onnx_ir::relaxed_type(*t) : onnx::TypeProto());
    // The value inside the body is the carried one.
    const ValueName in = g.add_input(g.fresh_name(list_inits[i] + "_in"), list_types.back());
    ctx.bind(lists[i], is_list_value(lists[i]) ? Lowered::sequence(in) : Lowered(in));
  }
  std::vector<Lowered> list_values;
  std::vector<Lowered> outs = convert_block_tracking(ctx, body, params, lists, list_values);
  std::vector<onnx::TypeProto> out_types;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (i > 0 && optional_carried[i - 1]) {
      const ValueName state = optional_state(ctx, outs[i], carried_types[i - 1]);
      g.add_output(state, state);
      out_types.push_back(carried_types[i - 1]);
      continue;
    }
    if (outs[i].kind == Lowered::Kind::kNone && !optionals && i > 0 &&
        is_optional_value(node.outputs()[i - 1])) {
      ctx.needs_opset(16, "a loop whose body sets an Optional value to None (ONNX optional)");
    }
    if (outs[i].kind != Lowered::Kind::kTensor) {
      ctx.fail_unsupported("a loop that carries a list or None is not supported yet");
    }
    ValueName value = outs[i].name;
    if (i == 0) {
      value = ctx.cast(value, c10::kBool);
    } else if (auto want = ctx.dtype(carried[i - 1])) {
      value = ctx.cast(value, *want);  // the body must give back the type it was given
    }
    const ValueName result = g.add_output(value, value);
    if (i > 0) {
      const auto* t = g.type_of(result);
      onnx::TypeProto type = carried_types[i - 1];
      if (t != nullptr && t->tensor_type().has_shape() != type.tensor_type().has_shape()) {
        type = onnx_ir::relaxed_type(type, false);
      }
      out_types.push_back(type);
    }
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!is_list_value(lists[i])) {
      if (list_values[i].kind != Lowered::Kind::kTensor)
        ctx.fail_unsupported("a tensor written in a loop that is not a tensor at its end");
      ValueName value = list_values[i].name;
      if (auto want = ctx.dtype(list_inits[i])) value = ctx.cast(value, *want);
      g.add_output(value, value);
      out_types.push_back(list_types[i]);
      continue;
    }
    if (list_values[i].kind != Lowered::Kind::kSequence) {
      ctx.fail_unsupported("a list changed in a loop that is not an ONNX sequence");
    }
    const ValueName result = g.add_output(list_values[i].name, list_values[i].name);
    // The sequence's element rank is known once the body inserted into it.
    const auto* t = g.type_of(result);
    out_types.push_back(t != nullptr && t->has_sequence_type() ? onnx_ir::relaxed_type(*t)
                                                               : list_types[i]);
  }
  auto body_graph = subgraph.finish();
  std::vector<ValueName> inputs = {trip, start_cond};
  inputs.insert(inputs.end(), carried.begin(), carried.end());
  inputs.insert(inputs.end(), list_inits.begin(), list_inits.end());
  auto results = g.emit_typed("Loop", inputs, {{"body", body_graph}}, out_types);
  for (size_t i = 0; i < lists.size(); ++i) {
    const ValueName& result = results[carried.size() + i];
    ctx.bind(lists[i], is_list_value(lists[i]) ? Lowered::sequence(result) : Lowered(result));
  }
  results.resize(carried.size());
  Outputs out;
  for (size_t i = 0; i < results.size(); ++i) {
    out.push_back(optional_carried[i] ? Lowered::optional(results[i]) : Lowered(results[i]));
  }
  return out;
}

}  // namespace

Outputs Loop_v9(SymbolicContext& ctx, const Node& node) { return loop(ctx, node, false, false); }
// Opset 13: Loop-13 carries sequences, so lists the body changes become loop-carried sequences.
Outputs Loop_v13(SymbolicContext& ctx, const Node& node) { return loop(ctx, node, true, false); }
// Opset 16: Loop-16 carries optionals, so an Optional[Tensor] state the body may set to None is
// one.
Outputs Loop_v16(SymbolicContext& ctx, const Node& node) { return loop(ctx, node, true, true); }

}  // namespace pt2onnx::sym
