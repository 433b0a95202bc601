// The TorchScript values around control flow and shape checks: tuples and list unpacking,
// sizes and ranks, scalars taken from tensors, identity and None checks, and the no-op nodes
// that have nothing to export.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/torchscript_values.h"

namespace pt2onnx::sym {

// prim::ListUnpack(list) -> elements: a list known element-wise, or a 1-d tensor of static
// length (x.size() unpacked into b, c, h, w).
Outputs ListUnpack_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  const size_t n = node.outputs().size();
  if (list.kind == Lowered::Kind::kList) {
    if (list.items.size() != n) ctx.fail_invalid("ListUnpack of a list of the wrong length");
    return Outputs(list.items.begin(), list.items.end());
  }
  const ValueName t = ctx.tensor(node.input(0));
  Outputs outs;
  for (size_t i = 0; i < n; ++i) {
    outs.emplace_back(
        ctx.emit("Gather", {t, ctx.int_constant(static_cast<int64_t>(i))}, {{"axis", 0}}));
  }
  return outs;
}

// prim::TupleConstruct / prim::TupleUnpack (what LowerAllTuples leaves, e.g. around outputs).
Outputs TupleConstruct_v9(SymbolicContext& ctx, const Node& node) {
  std::vector<ValueName> items;
  for (const auto* in : node.inputs()) {
    Lowered l = ctx.lowered(in);
    if (l.kind == Lowered::Kind::kList) {
      items.insert(items.end(), l.items.begin(), l.items.end());
    } else {
      items.push_back(ctx.tensor(in));
    }
  }
  return {Lowered::list(items)};
}

Outputs TupleUnpack_v9(SymbolicContext& ctx, const Node& node) { return ListUnpack_v9(ctx, node); }

// aten::size.int(Tensor self, int dim) -> int: the static size where known, else
// Gather(Shape(x), dim).
Outputs size_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (node.inputs().size() == 1) {
    if (auto shape = ctx.static_shape(x)) return {ctx.ints_constant(*shape)};
    return {ctx.emit("Shape", {x})};
  }
  return {onnx_ops::dim_size(ctx.builder(), x, ctx.const_int(node, "dim"))};
}

// aten::dim(Tensor self) -> int: always known (ranks are static in ONNX).
Outputs dim_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.int_constant(ctx.require_rank(ctx.input(node, "self")))};
}

// aten::len.Tensor / len.t: the length of a list known element-wise, or dim 0 of a tensor.
Outputs len_v9(SymbolicContext& ctx, const Node& node) {
  Lowered l = ctx.lowered(node.input(0));
  if (l.kind == Lowered::Kind::kList)
    return {ctx.int_constant(static_cast<int64_t>(l.items.size()))};
  if (l.kind == Lowered::Kind::kSequence) return {ctx.emit("SequenceLength", {l.name})};
  return {onnx_ops::dim_size(ctx.builder(), ctx.tensor(node.input(0)), 0)};
}

// prim::NumToTensor / aten::ScalarImplicit / prim::unchecked_cast: same data, other JIT type.
Outputs passthrough_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.lowered(node.input(0))};
}

// aten::Int / aten::Float / aten::Bool of a one-element tensor: a 0-d value of that type.
Outputs Int_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.tensor(node.input(0));
  if (ctx.rank(x) != 0) x = ctx.emit("Reshape", {x, ctx.ints_constant({})});
  return {ctx.cast(x, c10::kLong)};
}

Outputs Float_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.tensor(node.input(0));
  if (ctx.rank(x) != 0) x = ctx.emit("Reshape", {x, ctx.ints_constant({})});
  return {ctx.cast(x, c10::kFloat)};
}

Outputs Bool_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.tensor(node.input(0));
  if (ctx.rank(x) != 0) x = ctx.emit("Reshape", {x, ctx.ints_constant({})});
  return {ctx.cast(x, c10::kBool)};
}

// aten::__is__ / aten::__isnot__: decided at conversion time. None checks on optionals, and
// identity of tensors (`query is key` in nn.MultiheadAttention): one graph value is one tensor,
// distinct graph values are taken as distinct tensors.
namespace {
bool is_same_object(SymbolicContext& ctx, const Node& node) {
  if (node.input(0) == node.input(1)) return true;
  const bool a_none = ctx.lowered(node.input(0)).kind == Lowered::Kind::kNone;
  const bool b_none = ctx.lowered(node.input(1)).kind == Lowered::Kind::kNone;
  if (a_none || b_none) return a_none == b_none;
  const auto is_tensor = [](const torch::jit::Value* v) {
    return v->type()->kind() == c10::TypeKind::TensorType;
  };
  if (!is_tensor(node.input(0)) || !is_tensor(node.input(1)))
    ctx.fail_unsupported("`is` between two values that are neither None nor tensors");
  return false;
}
}  // namespace

Outputs is_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.scalar_constant(is_same_object(ctx, node) ? 1 : 0, c10::kBool)};
}

Outputs isnot_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.scalar_constant(is_same_object(ctx, node) ? 0 : 1, c10::kBool)};
}

// Opset 16: a None check on an ONNX optional (an Optional[Tensor] that an if or loop makes None
// or a tensor at run time) is OptionalHasElement; other operands are decided as before.
namespace {
std::optional<ValueName> optional_has_element(SymbolicContext& ctx, const Node& node) {
  const Lowered a = ctx.lowered(node.input(0));
  const Lowered b = ctx.lowered(node.input(1));
  if (a.kind == Lowered::Kind::kOptional && b.kind == Lowered::Kind::kNone)
    return ctx.emit("OptionalHasElement", {a.name});
  if (b.kind == Lowered::Kind::kOptional && a.kind == Lowered::Kind::kNone)
    return ctx.emit("OptionalHasElement", {b.name});
  if (a.kind == Lowered::Kind::kOptional || b.kind == Lowered::Kind::kOptional)
    ctx.fail_unsupported(
        "`is` between an Optional value known only at run time and a value "
        "other than None");
  return std::nullopt;
}
}  // namespace

Outputs is_v16(SymbolicContext& ctx, const Node& node) {
  if (auto has = optional_has_element(ctx, node)) return {ctx.emit("Not", {*has})};
  return is_v9(ctx, node);
}

Outputs isnot_v16(SymbolicContext& ctx, const Node& node) {
  if (auto has = optional_has_element(ctx, node)) return {*has};
  return isnot_v9(ctx, node);
}

// prim::unchecked_cast at opset 16: the tensor an ONNX optional holds (the cast follows a None
// check, so the optional is not empty where it runs).
Outputs unchecked_cast_v16(SymbolicContext& ctx, const Node& node) {
  const Lowered value = ctx.lowered(node.input(0));
  if (value.kind == Lowered::Kind::kOptional) return {ctx.emit("OptionalGetElement", {value.name})};
  return {value};
}

// aten::__not__(bool) -> bool
Outputs not_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Not", {ctx.cast(ctx.tensor(node.input(0)), c10::kBool)})};
}

// prim::RaiseException on a path the converter could not rule out.
Outputs RaiseException_v9(SymbolicContext& ctx, const Node& /*node*/) {
  ctx.fail_unsupported(
      "the model raises an exception on a path that depends on run-time "
      "values; ONNX cannot raise exceptions (make the check static or remove it)");
}

// prim::Uninitialized: the placeholder TorchScript gives a variable on paths that raise or
// break; it is never read on the paths that are exported.
Outputs Uninitialized_v9(SymbolicContext& /*ctx*/, const Node& node) {
  return Outputs(node.outputs().size(), Lowered::none());
}

// aten::warn, prim::Print-like side effects: nothing to export.
Outputs no_op_v9(SymbolicContext& /*ctx*/, const Node& node) {
  return Outputs(node.outputs().size(), Lowered::none());
}

namespace {

// torch indexes from the end with a negative index; Gather before opset 11 does not.
ValueName from_the_end(SymbolicContext& ctx, const ValueName& list, const ValueName& idx) {
  const ValueName n = onnx_ops::dim_size(ctx.builder(), list, 0);
  const ValueName negative = ctx.emit("Less", {idx, ctx.int_constant(0)});
  return ctx.emit("Where", {negative, ctx.emit("Add", {idx, n}), idx});
}

Outputs getitem(SymbolicContext& ctx, const Node& node, bool sequences) {
  Lowered l = ctx.lowered(node.input(0));
  const auto idx_value = ctx.known_value(ctx.arg(node, "idx"));
  const std::optional<int64_t> known =
      idx_value && idx_value->isInt() ? std::optional<int64_t>(idx_value->toInt()) : std::nullopt;
  if (known && l.kind == Lowered::Kind::kList) {
    const int64_t n = static_cast<int64_t>(l.items.size());
    const int64_t i = *known < 0 ? *known + n : *known;
    if (i < 0 || i >= n) ctx.fail_invalid("list index out of range");
    return {l.items[static_cast<size_t>(i)]};
  }
  const ValueName idx =
      known ? ctx.int_constant(*known) : ctx.cast(ctx.input(node, "idx"), c10::kLong);
  if (l.kind == Lowered::Kind::kSequence) return {ctx.emit("SequenceAt", {l.name, idx})};
  if (l.kind == Lowered::Kind::kList) {
    // An index known only at run time into a list of tensors (which may differ in shape):
    // SequenceAt of the list as a sequence.
    if (!sequences) ctx.needs_opset(11, "a list indexed at run time (SequenceAt)");
    if (l.items.empty()) ctx.fail_invalid("list index out of range (the list is empty)");
    const auto type = ctx.dtype(l.items[0]);
    for (const auto& item : l.items) {
      if (ctx.dtype(item) != type)
        ctx.fail_unsupported("a list of tensors of different dtypes indexed at run time");
    }
    return {ctx.emit("SequenceAt", {ctx.emit("SequenceConstruct", l.items), idx})};
  }
  // An int[] held as a 1-d tensor (x.size()[i]).
  const ValueName list = ctx.tensor(node.input(0));
  return {ctx.emit("Gather", {list, known ? idx : from_the_end(ctx, list, idx)}, {{"axis", 0}})};
}

}  // namespace

// aten::__getitem__.t(t[] list, int idx): the item itself where the list is known element-wise
// and the index constant.
Outputs getitem_v9(SymbolicContext& ctx, const Node& node) { return getitem(ctx, node, false); }
// Opset 11: an index known only at run time into a list of tensors is SequenceAt.
Outputs getitem_v11(SymbolicContext& ctx, const Node& node) { return getitem(ctx, node, true); }

}  // namespace pt2onnx::sym

namespace pt2onnx::sym {

// aten::scalar_tensor(Scalar s, *, ScalarType? dtype, ...) -> Tensor: a 0-d tensor of the
// default dtype (float32) unless dtype says otherwise.
Outputs scalar_tensor_v9(SymbolicContext& ctx, const Node& node) {
  const auto type = ctx.optional_const_dtype(node, "dtype").value_or(c10::kFloat);
  ValueName s = ctx.input(node, "s");
  if (ctx.rank(s) != 0) s = ctx.emit("Reshape", {s, ctx.ints_constant({})});
  return {ctx.cast(s, type)};
}

// aten::set.source_Tensor(Tensor self, Tensor source) -> Tensor, what RemoveTensorMutation
// makes of `self.set_(source)` (set_ falls back here): the result is source.
Outputs set_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.lowered(ctx.arg(node, "source"))};
}

// prim::tolist(Tensor self, int dim, int elem_type) -> list: `t.tolist()` with its annotated
// type. A 0-d tensor is a number; a 1-d one a list, held as a 1-d tensor like a list of sizes.
// elem_type is 0 for int, 1 for float, 2 for bool.
Outputs tolist_v9(SymbolicContext& ctx, const Node& node) {
  // Its schema names no arguments: they are read by position.
  const auto dim_value = ctx.known_value(node.input(1));
  const auto elem_value = ctx.known_value(node.input(2));
  if (!dim_value || !elem_value || !dim_value->isInt() || !elem_value->isInt())
    ctx.fail_invalid("tolist() with an annotation that is not known");
  const int64_t dim = dim_value->toInt();
  const int64_t elem = elem_value->toInt();
  if (dim > 1) ctx.fail_unsupported("tolist() to a nested list (a tensor of rank above 1)");
  ValueName x = ctx.tensor(node.input(0));
  if (ctx.require_rank(x) != dim) ctx.fail_invalid("tolist() annotated with another rank");
  const c10::ScalarType to = elem == 0 ? c10::kLong : elem == 1 ? c10::kFloat : c10::kBool;
  return {ctx.cast(x, to)};
}

// aten::format(str self, ...) -> str with an argument known only at run time (a known one is
// run by LibTorch): the text is only ever printed, and printing is dropped (see Print_v9).
Outputs format_v9(SymbolicContext& ctx, const Node& node) {
  for (const auto& use : node.output()->uses()) {
    if (use.user->kind() != c10::prim::Print && use.user->kind() != c10::aten::format) {
      ctx.fail_unsupported(
          "a string formatted from run-time values and used other than by print(); ONNX has "
          "no strings");
    }
  }
  return {Lowered::none()};
}

// prim::Print(...): ONNX graphs have no side effects on the outside world; the print is
// dropped, with a warning.
Outputs Print_v9(SymbolicContext& ctx, const Node& node) {
  ctx.warn(node, DiagCode::kDroppedPrint, "a print() was removed (ONNX graphs cannot print)");
  return Outputs(node.outputs().size(), Lowered::none());
}

}  // namespace pt2onnx::sym
