// TorchScript dicts. ONNX has no maps, so a dict must be resolved at conversion time: its keys
// have to be known then (constants, or computed from them), while its values may be tensors
// computed at run time. Such a dict is lowered as a Lowered kList whose `items` are the values,
// in insertion order, and whose `object` is the tuple of the keys (see Entries below); reading
// `d["out"]` is then just picking the value, and a model that returns the dict returns its values
// (named after the keys, lib/convert/converter.cpp). A dict known entirely at conversion time
// (keys and values, none of them a tensor: a module's Dict[str, str] attribute) stays a known
// object, on which the ops are run by LibTorch itself.
//
// Mutating ops (_set_item, pop, Delete, update, setdefault, clear) rebind the dict value to its
// new contents, as the list ops do (lists.cpp). A dict changed inside a loop or an if-branch is
// only seen after it when control flow hands it out; otherwise it is refused, never silently
// lost.
#include <ATen/ATen.h>
#include <ATen/core/Dict.h>
#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/operator.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "symbolics/helpers.h"
#include "symbolics/impl/dicts.h"

namespace pt2onnx::sym {
namespace {

using torch::jit::Value;

// A dict with known keys: keys[i] maps to values[i], in insertion order.
struct Entries {
  std::vector<c10::IValue> keys;
  std::vector<ValueName> values;

  std::optional<size_t> find(const c10::IValue& key) const;
  void set(const c10::IValue& key, const ValueName& value) {
    if (auto i = find(key)) {
      values[*i] = value;
    } else {
      keys.push_back(key);
      values.push_back(value);
    }
  }
  void erase(size_t i) {
    keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(i));
    values.erase(values.begin() + static_cast<std::ptrdiff_t>(i));
  }
};

bool same_key(const c10::IValue& a, const c10::IValue& b) {
  if (a.isString() && b.isString()) return a.toStringRef() == b.toStringRef();
  if (a.isInt() && b.isInt()) return a.toInt() == b.toInt();
  if (a.isBool() && b.isBool()) return a.toBool() == b.toBool();
  if (a.isDouble() && b.isDouble()) return a.toDouble() == b.toDouble();
  return false;
}

std::optional<size_t> Entries::find(const c10::IValue& key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (same_key(keys[i], key)) return i;
  }
  return std::nullopt;
}

std::string key_text(const c10::IValue& key) {
  if (key.isString()) return "'" + key.toStringRef() + "'";
  std::ostringstream out;
  out << key;
  return out.str();
}

bool is_entries(const Lowered& l) {
  return l.kind == Lowered::Kind::kList && l.object != nullptr && l.object->isTuple();
}

Lowered lowered_entries(Entries e) {
  Lowered l = Lowered::list(std::move(e.values));
  l.object = std::make_shared<const c10::IValue>(c10::ivalue::Tuple::create(std::move(e.keys)));
  return l;
}

// Values a dict can hold at run time: what has a tensor form (numbers become 0-d tensors).
bool tensor_like(const c10::TypePtr& type) {
  const auto kind = type->kind();
  return kind == c10::TypeKind::TensorType || kind == c10::TypeKind::IntType ||
         kind == c10::TypeKind::FloatType || kind == c10::TypeKind::BoolType ||
         kind == c10::TypeKind::NumberType;
}

const c10::DictType& dict_type(SymbolicContext& ctx, const Value* dict) {
  const auto* type = dict->type()->castRaw<c10::DictType>();
  if (type == nullptr) ctx.fail_invalid("expected a dict, got " + dict->type()->repr_str());
  return *type;
}

ValueName value_tensor(SymbolicContext& ctx, const Value* v) {
  if (!tensor_like(v->type())) {
    ctx.fail_unsupported("a dict whose values are " + v->type()->repr_str() +
                         " computed at run time (tensors and numbers only)");
  }
  return ctx.tensor(v);
}

c10::IValue known_key(SymbolicContext& ctx, const Value* key) {
  auto iv = ctx.known_value(key);
  if (!iv || !(iv->isString() || iv->isInt() || iv->isBool() || iv->isDouble())) {
    ctx.fail_unsupported(
        "a dict key computed at run time (ONNX has no maps: keys must be known at conversion "
        "time)");
  }
  return *iv;
}

// The entries of a dict whose keys are known.
Entries entries_of(SymbolicContext& ctx, const Value* dict) {
  const Lowered l = ctx.lowered(dict);
  Entries e;
  if (is_entries(l)) {
    const auto& keys = l.object->toTupleRef().elements();
    e.keys.assign(keys.begin(), keys.end());
    e.values = l.items;
    return e;
  }
  if (l.kind == Lowered::Kind::kObject && l.object->isGenericDict()) {
    for (const auto& kv : l.object->toGenericDict()) {
      const Lowered v = ctx.known(kv.value());
      if (v.kind != Lowered::Kind::kTensor) {
        ctx.fail_unsupported(
            "a dict of values without a tensor form (strings, lists) used with a key or a value "
            "computed at run time");
      }
      e.keys.push_back(kv.key());
      e.values.push_back(v.name);
    }
    return e;
  }
  ctx.fail_unsupported("a dict built at run time (its keys are not known at conversion time)");
}

// A mutation inside a nested block (a loop body, an if-branch) is seen after that block only if
// the block hands the dict out (control flow appends the lists and dicts a block changes to its
// outputs while converting it); else it would be silently lost.
void require_visible_mutation(SymbolicContext& ctx, const Node& node, const Value* dict) {
  const torch::jit::Block* home = dict->node()->owningBlock();
  for (const torch::jit::Block* b = node.owningBlock(); b != nullptr && b != home;
       b = b->owningNode() != nullptr ? b->owningNode()->owningBlock() : nullptr) {
    const auto outs = b->outputs();
    if (std::find(outs.begin(), outs.end(), dict) == outs.end()) {
      ctx.fail_unsupported(
          "a dict changed inside a loop or an if-branch that stays ONNX control flow: the change "
          "would be lost after it (fill the dict outside, or make the condition or the trip "
          "count known at conversion time)");
    }
  }
}

// Mutating ops rebind the dict after checking the change is visible where it is read.
void rebind(SymbolicContext& ctx, const Node& node, Entries e) {
  require_visible_mutation(ctx, node, node.input(0));
  ctx.bind(node.input(0), lowered_entries(std::move(e)));
}

// A dict known entirely at conversion time: the op is run by LibTorch on a copy (the known
// object may be a constant of the graph), and a mutated dict is rebound to the copy.
std::optional<Outputs> evaluate_known(SymbolicContext& ctx, const Node& node) {
  if (node.inputs().empty() || ctx.lowered(node.input(0)).kind != Lowered::Kind::kObject)
    return std::nullopt;
  const torch::jit::Operator* op = node.maybeOperator();
  if (op == nullptr) return std::nullopt;
  torch::jit::Stack stack;
  for (const Value* in : node.inputs()) {
    auto iv = ctx.known_value(in);
    if (!iv) return std::nullopt;
    stack.push_back(iv->isGenericDict() ? c10::IValue(iv->toGenericDict().copy()) : *iv);
  }
  const c10::IValue dict = stack.front();
  try {
    op->getOperation (&node)(stack);
  } catch (const std::exception& e) {
    ctx.fail_invalid(std::string("evaluating it at conversion time failed: ") + e.what());
  }
  Outputs out;
  for (const auto& iv : stack) out.push_back(ctx.known(iv));
  if (node.schema().is_mutable()) {
    require_visible_mutation(ctx, node, node.input(0));
    ctx.bind(node.input(0), ctx.known(dict));
  }
  return out;
}

}  // namespace

// prim::DictConstruct(k0, v0, k1, v1, ...) -> Dict(K, V)
// No ONNX op: the keys must be known; the values may be run-time tensors or numbers. A dict of
// known non-tensor values (Dict[str, int] of constants) is a known object.
Outputs DictConstruct_v9(SymbolicContext& ctx, const Node& node) {
  if (node.inputs().size() % 2 != 0) ctx.fail_invalid("prim::DictConstruct needs key/value pairs");
  const c10::DictType& type = dict_type(ctx, node.output());
  if (type.getValueType()->kind() != c10::TypeKind::TensorType) {
    c10::impl::GenericDict dict(type.getKeyType(), type.getValueType());
    bool known = true;
    for (size_t i = 0; known && i < node.inputs().size(); i += 2) {
      auto k = ctx.known_value(node.input(i));
      auto v = ctx.known_value(node.input(i + 1));
      known = k && v;
      if (known) dict.insert_or_assign(*k, *v);
    }
    if (known) return {ctx.known(c10::IValue(dict))};
  }
  Entries e;
  for (size_t i = 0; i < node.inputs().size(); i += 2)
    e.set(known_key(ctx, node.input(i)), value_tensor(ctx, node.input(i + 1)));
  return {lowered_entries(std::move(e))};
}

// aten::__getitem__.Dict_str(Dict(str, t) self, str key) -> t (and the int/float/bool-keyed
// overloads): the value stored under a known key. No ONNX op.
Outputs dict_getitem_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  const Entries e = entries_of(ctx, node.input(0));
  const c10::IValue key = known_key(ctx, ctx.arg(node, "key"));
  auto i = e.find(key);
  if (!i) ctx.fail_invalid("key " + key_text(key) + " is not in the dict (KeyError)");
  return {e.values[*i]};
}

// aten::get.str(Dict(str, t) self, str key) -> t? and get.default_str(..., t default_value) -> t:
// the value, else the default or None. No ONNX op.
Outputs dict_get_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  const Entries e = entries_of(ctx, node.input(0));
  if (auto i = e.find(known_key(ctx, ctx.arg(node, "key")))) return {e.values[*i]};
  if (node.inputs().size() > 2) return {ctx.lowered(ctx.arg(node, "default_value"))};
  return {Lowered::none()};
}

// aten::_set_item.str(Dict(str, t)(a!) l, str idx, t v) -> () and the other key types:
// `d[k] = v` replaces the value of a known key in place or appends a new entry. No ONNX op.
Outputs dict_set_item_v9(SymbolicContext& ctx, const Node& node) {
  Entries e = entries_of(ctx, node.input(0));
  e.set(known_key(ctx, ctx.arg(node, "idx")), value_tensor(ctx, ctx.arg(node, "v")));
  rebind(ctx, node, std::move(e));
  return {};
}

// aten::setdefault.str(Dict(str, t)(a!) self, str key, t default_value) -> t. No ONNX op.
Outputs setdefault_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  Entries e = entries_of(ctx, node.input(0));
  const c10::IValue key = known_key(ctx, ctx.arg(node, "key"));
  if (auto i = e.find(key)) return {e.values[*i]};
  const ValueName value = value_tensor(ctx, ctx.arg(node, "default_value"));
  e.set(key, value);
  rebind(ctx, node, std::move(e));
  return {value};
}

// aten::pop.Dict_str(Dict(str, t)(a!) self, str key) -> t and pop.Dict_default_str(..., t
// default_value) -> t: the value, removed from the dict. No ONNX op.
Outputs dict_pop_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  Entries e = entries_of(ctx, node.input(0));
  const c10::IValue key = known_key(ctx, ctx.arg(node, "key"));
  auto i = e.find(key);
  if (!i) {
    if (node.inputs().size() > 2) return {ctx.lowered(ctx.arg(node, "default_value"))};
    ctx.fail_invalid("key " + key_text(key) + " is not in the dict (KeyError)");
  }
  const ValueName value = e.values[*i];
  e.erase(*i);
  rebind(ctx, node, std::move(e));
  return {value};
}

// aten::Delete.Dict_str(Dict(str, t)(a!) self, str key) -> (): `del d[k]`. No ONNX op.
Outputs dict_delete_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  Entries e = entries_of(ctx, node.input(0));
  const c10::IValue key = known_key(ctx, ctx.arg(node, "key"));
  auto i = e.find(key);
  if (!i) ctx.fail_invalid("key " + key_text(key) + " is not in the dict (KeyError)");
  e.erase(*i);
  rebind(ctx, node, std::move(e));
  return {};
}

// aten::update.str(Dict(str, t)(a!) self, Dict(str, t)(a!) to_add) -> (). No ONNX op.
Outputs update_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  Entries e = entries_of(ctx, node.input(0));
  const Entries added = entries_of(ctx, ctx.arg(node, "to_add"));
  for (size_t i = 0; i < added.keys.size(); ++i) e.set(added.keys[i], added.values[i]);
  rebind(ctx, node, std::move(e));
  return {};
}

// aten::clear.str(Dict(str, t)(a!) self) -> (). No ONNX op.
Outputs dict_clear_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  entries_of(ctx, node.input(0));
  rebind(ctx, node, Entries{});
  return {};
}

// aten::copy.Dict_str(Dict(str, t) self) -> Dict(str, t), aten::dict.Dict_str (dict(d)) and
// aten::dict() (an empty Dict(str, Tensor)): lowered dicts are immutable values (a mutation
// rebinds the dict it changes), so a copy is the same value. No ONNX op.
Outputs dict_copy_v9(SymbolicContext& ctx, const Node& node) {
  if (node.inputs().empty()) return {lowered_entries(Entries{})};
  if (node.input(0)->type()->castRaw<c10::DictType>() == nullptr)
    ctx.fail_unsupported("dict() of a list of pairs");
  const Lowered l = ctx.lowered(node.input(0));
  if (l.kind == Lowered::Kind::kObject && l.object->isGenericDict())
    return {ctx.known(c10::IValue(l.object->toGenericDict().copy()))};
  return {lowered_entries(entries_of(ctx, node.input(0)))};
}

// aten::len.Dict_str(Dict(str, t) self) -> int: the number of entries, a constant.
Outputs dict_len_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  return {ctx.known(c10::IValue(static_cast<int64_t>(entries_of(ctx, node.input(0)).keys.size())))};
}

// aten::__contains__.str(Dict(str, t) dict, str key) -> bool: `k in d`, a constant.
Outputs dict_contains_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  const Entries e = entries_of(ctx, node.input(0));
  return {ctx.known(c10::IValue(e.find(known_key(ctx, ctx.arg(node, "key"))).has_value()))};
}

// aten::keys.str(Dict(str, t) self) -> str[]: the keys, a known list.
Outputs keys_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  const Entries e = entries_of(ctx, node.input(0));
  c10::impl::GenericList keys(dict_type(ctx, node.input(0)).getKeyType());
  for (const auto& k : e.keys) keys.push_back(k);
  return {ctx.known(c10::IValue(keys))};
}

// aten::values.str(Dict(str, t) self) -> t[]: the values, a list known element-wise.
Outputs values_v9(SymbolicContext& ctx, const Node& node) {
  if (auto known = evaluate_known(ctx, node)) return *known;
  return {Lowered::list(entries_of(ctx, node.input(0)).values)};
}

}  // namespace pt2onnx::sym
