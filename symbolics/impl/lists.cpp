// TorchScript list operations. A list whose length is known at conversion time is a Lowered
// kList (one ONNX value per element); a list built at run time (in a loop) is an ONNX sequence
// (opset 11). Mutating ops (append, pop, Delete) rebind the list value to its new contents.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <limits>

#include "onnx/ops.h"
#include "onnx/tensor_proto.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/lists.h"

namespace pt2onnx::sym {
namespace {

// Known ints of the arguments, when every one is known.
std::optional<std::vector<int64_t>> known_ints(SymbolicContext& ctx, const Node& node,
                                               const std::vector<const char*>& names) {
  std::vector<int64_t> out;
  for (const char* name : names) {
    auto iv = ctx.known_value(ctx.arg(node, name));
    if (!iv) return std::nullopt;
    if (iv->isInt()) {
      out.push_back(iv->toInt());
    } else if (iv->isTensor() && iv->toTensor().numel() == 1) {
      out.push_back(iv->toTensor().item<int64_t>());
    } else {
      return std::nullopt;
    }
  }
  return out;
}

ValueName as_long(SymbolicContext& ctx, const Node& node, const char* name) {
  return ctx.cast(ctx.input(node, name), c10::kLong);
}

size_t list_index(SymbolicContext& ctx, int64_t idx, size_t size) {
  const int64_t n = static_cast<int64_t>(size);
  const int64_t i = idx < 0 ? idx + n : idx;
  if (i < 0 || i >= n) ctx.fail_invalid("list index out of range");
  return static_cast<size_t>(i);
}

}  // namespace

// aten::list.t(t[] l) -> t[]: a copy. Lowered values are immutable, so the same value serves.
Outputs list_v9(SymbolicContext& ctx, const Node& node) { return {ctx.lowered(node.input(0))}; }

// aten::slice.t(t[] l, int? start, int? end, int step) -> t[]: a slice of a list known
// element-wise; an int[] held as a 1-d tensor is sliced as a tensor.
Outputs list_slice_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  const int64_t step = ctx.const_int(node, "step");
  if (step <= 0) ctx.fail_invalid("list slice step must be positive");
  const bool start_known = ctx.is_none(node, "start") || ctx.known_value(ctx.arg(node, "start"));
  const bool end_known = ctx.is_none(node, "end") || ctx.known_value(ctx.arg(node, "end"));
  if (list.kind == Lowered::Kind::kTensor && !(start_known && end_known)) {
    // An int[] held as a 1-d tensor (x.shape[1 : x.size(2)]) sliced at run-time bounds: Slice
    // clamps them as Python does.
    auto bound = [&](const char* name, int64_t fallback) {
      const ValueName v = ctx.is_none(node, name) ? ctx.int_constant(fallback)
                                                  : ctx.cast(ctx.input(node, name), c10::kLong);
      return onnx_ops::unsqueeze(ctx.builder(), v, {0});
    };
    return {slice_dynamic_keep_rank(ctx, list.name, bound("start", 0),
                                    bound("end", std::numeric_limits<int64_t>::max()),
                                    ctx.ints_constant({0}), ctx.ints_constant({step}))};
  }
  auto start = ctx.optional_const_int(node, "start");
  auto end = ctx.optional_const_int(node, "end");
  if (list.kind == Lowered::Kind::kList) {
    const int64_t n = static_cast<int64_t>(list.items.size());
    auto clamp = [n](int64_t i) { return std::min(std::max(i < 0 ? i + n : i, int64_t{0}), n); };
    const int64_t b = start ? clamp(*start) : 0;
    const int64_t e = end ? clamp(*end) : n;
    std::vector<ValueName> items;
    for (int64_t i = b; i < e; i += step) items.push_back(list.items[static_cast<size_t>(i)]);
    return {Lowered::list(items)};
  }
  if (list.kind == Lowered::Kind::kTensor) {
    const int64_t big = std::numeric_limits<int64_t>::max();
    return {onnx_ops::slice(ctx.builder(), list.name, {0}, {start.value_or(0)}, {end.value_or(big)},
                            step == 1 ? std::vector<int64_t>{} : std::vector<int64_t>{step})};
  }
  ctx.fail_unsupported("slicing a list built at run time");
}

// aten::append.t(t[](a!) self, t el) -> t[]: a known list grows by one element; an int[] held
// as a 1-d tensor gets the element concatenated; a sequence gets SequenceInsert (opset 11).
Outputs append_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  Lowered result;
  const auto& contained = node.input(0)->type()->containedTypes();
  if (!contained.empty() && contained[0]->kind() == c10::TypeKind::ClassType) {
    // A list of objects (the packed parameters of quantized layers) is known at conversion time
    // or not at all: its items are constants.
    const auto item = ctx.known_value(node.input(1));
    if (!item || !item->isObject())
      ctx.fail_unsupported("append of an object that is not a constant to a list");
    c10::impl::GenericList items(contained[0]);
    if (list.kind == Lowered::Kind::kObject && list.object->isList()) {
      for (const c10::IValue& v : list.object->toListRef()) items.push_back(v);
    } else if (list.kind != Lowered::Kind::kList || !list.items.empty()) {
      ctx.fail_unsupported("append to a list of objects that is not a constant");
    }
    items.push_back(*item);
    result = Lowered::known_object(std::make_shared<const c10::IValue>(c10::IValue(items)));
  } else if (list.kind == Lowered::Kind::kList) {
    list.items.push_back(ctx.tensor(node.input(1)));
    result = list;
  } else if (list.kind == Lowered::Kind::kSequence) {
    const ValueName el = ctx.tensor(node.input(1));
    const auto* seq_in = ctx.builder().type_of(list.name);
    if (seq_in != nullptr && seq_in->has_sequence_type() &&
        seq_in->sequence_type().elem_type().has_tensor_type() && ctx.dtype(el) &&
        seq_in->sequence_type().elem_type().tensor_type().elem_type() !=
            onnx_ir::onnx_dtype(*ctx.dtype(el))) {
      // An empty list made a sequence before its first append (carried by a loop or an if)
      // took a type the appended tensor does not have; a sequence cannot change it.
      ctx.fail_unsupported(std::string("appending a ") + c10::toString(*ctx.dtype(el)) +
                           " tensor to a list that a loop or if builds from empty, where its " +
                           "element type could not be read before the loop or if");
    }
    const ValueName seq = ctx.emit("SequenceInsert", {list.name, el});
    // ONNX infers no element shape when the sequence had none (an empty one): keep the
    // element's rank, which later SequenceAt results need.
    const auto* seq_type = ctx.builder().type_of(seq);
    const auto* el_type = ctx.builder().type_of(el);
    if (el_type != nullptr && el_type->has_tensor_type() && el_type->tensor_type().has_shape() &&
        (seq_type == nullptr || !seq_type->has_sequence_type() ||
         !seq_type->sequence_type().elem_type().tensor_type().has_shape())) {
      onnx::TypeProto t;
      *t.mutable_sequence_type()->mutable_elem_type() = onnx_ir::relaxed_type(*el_type);
      ctx.builder().set_type(seq, t);
    }
    result = Lowered::sequence(seq);
  } else if (list.kind == Lowered::Kind::kTensor) {
    ValueName el = ctx.cast(ctx.tensor(node.input(1)), ctx.dtype(list.name).value_or(c10::kLong));
    if (ctx.rank(el) == 0) el = onnx_ops::unsqueeze(ctx.builder(), el, {0});
    result = ctx.emit("Concat", {list.name, el}, {{"axis", 0}});
  } else {
    ctx.fail_invalid("append to a value that is not a list");
  }
  ctx.bind(node.input(0), result);
  return {result};
}

// aten::pop.t(t[](a!) self, int idx=-1) -> t: the element, and the list without it.
Outputs pop_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  const int64_t idx = ctx.const_int(node, "idx");
  if (list.kind == Lowered::Kind::kList) {
    const size_t i = list_index(ctx, idx, list.items.size());
    Lowered element = list.items[i];
    list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(i));
    ctx.bind(node.input(0), list);
    return {element};
  }
  if (list.kind == Lowered::Kind::kSequence) {
    const ValueName position = ctx.int_constant(idx);
    const ValueName element = ctx.emit("SequenceAt", {list.name, position});
    ctx.bind(node.input(0), Lowered::sequence(ctx.emit("SequenceErase", {list.name, position})));
    return {element};
  }
  ctx.fail_unsupported("pop from a list that is neither known element-wise nor a sequence");
}

// aten::_set_item.t(t[](a!) l, int idx, t el) -> t[]: `l[i] = el`. A list known element-wise
// gets the element replaced; an int[] held as a 1-d tensor is re-assembled around it; a sequence
// gets the element erased and inserted.
Outputs list_set_item_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  const int64_t idx = ctx.const_int(node, "idx");
  Lowered result;
  if (list.kind == Lowered::Kind::kList) {
    list.items[list_index(ctx, idx, list.items.size())] = ctx.tensor(ctx.arg(node, "el"));
    result = list;
  } else if (list.kind == Lowered::Kind::kSequence) {
    const ValueName position = ctx.int_constant(idx);
    const ValueName erased = ctx.emit("SequenceErase", {list.name, position});
    result = Lowered::sequence(
        ctx.emit("SequenceInsert", {erased, ctx.tensor(ctx.arg(node, "el")), position}));
  } else if (list.kind == Lowered::Kind::kTensor) {
    const auto length = ctx.static_shape(list.name);
    if (!length || length->size() != 1)
      ctx.fail_unsupported("`l[i] = x` on a list of unknown length");
    const int64_t n = (*length)[0];
    const int64_t i = static_cast<int64_t>(list_index(ctx, idx, static_cast<size_t>(n)));
    ValueName el =
        ctx.cast(ctx.tensor(ctx.arg(node, "el")), ctx.dtype(list.name).value_or(c10::kLong));
    if (ctx.rank(el) == 0) el = onnx_ops::unsqueeze(ctx.builder(), el, {0});
    std::vector<ValueName> parts;
    auto& g = ctx.builder();
    if (i > 0) parts.push_back(onnx_ops::slice(g, list.name, {0}, {0}, {i}));
    parts.push_back(el);
    if (i + 1 < n) parts.push_back(onnx_ops::slice(g, list.name, {0}, {i + 1}, {n}));
    result =
        parts.size() == 1 ? Lowered(parts[0]) : Lowered(ctx.emit("Concat", parts, {{"axis", 0}}));
  } else {
    ctx.fail_invalid("`l[i] = x` on a value that is not a list");
  }
  ctx.bind(node.input(0), result);
  return {result};
}

// aten::Delete.t(t[](a!) self, int idx) -> (): `del l[i]`.
Outputs Delete_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  const int64_t idx = ctx.const_int(node, "idx");
  if (list.kind == Lowered::Kind::kList) {
    const size_t i = list_index(ctx, idx, list.items.size());
    list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(i));
    ctx.bind(node.input(0), list);
    return {};
  }
  if (list.kind == Lowered::Kind::kSequence) {
    ctx.bind(node.input(0),
             Lowered::sequence(ctx.emit("SequenceErase", {list.name, ctx.int_constant(idx)})));
    return {};
  }
  ctx.fail_unsupported("del from a list that is neither known element-wise nor a sequence");
}

// aten::insert.t(t[](a!) self, int idx, t el) -> (): `l.insert(i, x)`, with Python's clamping
// of the position (past the end appends, before the start prepends).
Outputs insert_v9(SymbolicContext& ctx, const Node& node) {
  Lowered list = ctx.lowered(node.input(0));
  const int64_t idx = ctx.const_int(node, "idx");
  const ValueName el = ctx.tensor(ctx.arg(node, "el"));
  if (list.kind == Lowered::Kind::kList) {
    const int64_t n = static_cast<int64_t>(list.items.size());
    const int64_t i = std::min(std::max(idx < 0 ? idx + n : idx, int64_t{0}), n);
    list.items.insert(list.items.begin() + static_cast<std::ptrdiff_t>(i), el);
    ctx.bind(node.input(0), list);
    return {};
  }
  if (list.kind == Lowered::Kind::kSequence && idx >= 0) {
    // SequenceInsert needs a position within [-n, n]: a known non-negative one is clamped.
    const ValueName n = ctx.emit("SequenceLength", {list.name});
    const ValueName at = ctx.emit("Min", {ctx.int_constant(idx), n});
    ctx.bind(node.input(0), Lowered::sequence(ctx.emit("SequenceInsert", {list.name, el, at})));
    return {};
  }
  ctx.fail_unsupported("insert into a list that is neither known element-wise nor a sequence");
}

// prim::min / prim::max: of two numbers (Min/Max), or of the elements of a list of numbers
// (ReduceMin/ReduceMax over the list held as a 1-d tensor).
namespace {
Outputs min_max(SymbolicContext& ctx, const Node& node, bool is_min) {
  if (node.inputs().size() == 2) {
    if (node.input(0)->type()->kind() == c10::TypeKind::ListType)
      ctx.fail_unsupported(
          "min/max of two lists (compared element by element) computed at run time");
    ValueName a = ctx.tensor(node.input(0));
    ValueName b = ctx.tensor(node.input(1));
    const auto ta = ctx.require_dtype(a), tb = ctx.require_dtype(b);
    a = ctx.cast(a, c10::promoteTypes(ta, tb));
    b = ctx.cast(b, c10::promoteTypes(ta, tb));
    // Where of a comparison: Min/Max take integers only from opset 12.
    const ValueName a_wins = ctx.emit(is_min ? "Less" : "Greater", {a, b});
    return {ctx.emit("Where", {a_wins, a, b})};
  }
  Lowered list = ctx.lowered(node.input(0));
  ValueName items;
  if (list.kind == Lowered::Kind::kList) {
    if (list.items.empty()) ctx.fail_invalid("min/max of an empty list");
    std::vector<ValueName> parts;
    for (const auto& item : list.items) {
      ValueName v = ctx.cast(item, ctx.require_dtype(list.items[0]));
      parts.push_back(ctx.rank(v) == 0 ? onnx_ops::unsqueeze(ctx.builder(), v, {0}) : v);
    }
    items = parts.size() == 1 ? parts[0] : ctx.emit("Concat", parts, {{"axis", 0}});
  } else if (list.kind == Lowered::Kind::kTensor) {
    items = list.name;
  } else {
    ctx.fail_unsupported("min/max of a list built at run time");
  }
  if (ctx.require_rank(items) != 1) ctx.fail_invalid("min/max of a list that is not 1-d");
  return {ctx.emit(is_min ? "ReduceMin" : "ReduceMax", {items}, {{"keepdims", 0}})};
}
}  // namespace

Outputs prim_min_v9(SymbolicContext& ctx, const Node& node) { return min_max(ctx, node, true); }
Outputs prim_max_v9(SymbolicContext& ctx, const Node& node) { return min_max(ctx, node, false); }

// aten::__range_length(int lo, int hi, int step) -> int: the trip count of range(lo, hi, step),
// max(0, ceil((hi - lo) / step)). Folded when known; else computed with truncating Div (the
// negative results all mean 0).
Outputs __range_length_v9(SymbolicContext& ctx, const Node& node) {
  if (auto v = known_ints(ctx, node, {"lo", "hi", "step"})) {
    const int64_t lo = (*v)[0], hi = (*v)[1], step = (*v)[2];
    if (step == 0) ctx.fail_invalid("range() step must not be zero");
    int64_t n = 0;
    if (step > 0 && lo < hi) n = (hi - lo + step - 1) / step;
    if (step < 0 && lo > hi) n = (lo - hi - step - 1) / (-step);
    return {ctx.int_constant(n)};
  }
  auto step = ctx.known_value(ctx.arg(node, "step"));
  if (!step || !step->isInt() || step->toInt() <= 0) {
    ctx.fail_unsupported(
        "range() with a step that is not a positive constant, over bounds computed at run time");
  }
  const ValueName lo = as_long(ctx, node, "lo");
  const ValueName hi = as_long(ctx, node, "hi");
  const ValueName s = ctx.int_constant(step->toInt());
  const ValueName span =
      ctx.emit("Add", {ctx.emit("Sub", {hi, lo}), ctx.int_constant(step->toInt() - 1)});
  const ValueName n = ctx.emit("Div", {span, s});
  const ValueName zero = ctx.int_constant(0);
  return {ctx.emit("Where", {ctx.emit("Greater", {n, zero}), n, zero})};
}

// aten::__derive_index(int index, int start, int step) -> int: start + index * step.
Outputs __derive_index_v9(SymbolicContext& ctx, const Node& node) {
  if (auto v = known_ints(ctx, node, {"index", "start", "step"})) {
    return {ctx.int_constant((*v)[1] + (*v)[0] * (*v)[2])};
  }
  const ValueName scaled =
      ctx.emit("Mul", {as_long(ctx, node, "index"), as_long(ctx, node, "step")});
  return {ctx.emit("Add", {as_long(ctx, node, "start"), scaled})};
}

// aten::_dim_arange(Tensor like, int dim) -> Tensor: arange(like.size(dim)) as int64. Opset 9 has
// no Range: a run-time size takes the positions of NonZero.
Outputs _dim_arange_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName like = ctx.input(node, "like");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), like);
  if (auto size = static_dim(ctx, like, dim)) return {ctx.constant(at::arange(*size, at::kLong))};
  return {positions_up_to(ctx, onnx_ops::dim_size(ctx.builder(), like, dim))};
}

// Opset 11: Range(0, Shape(like)[dim], 1).
Outputs _dim_arange_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName like = ctx.input(node, "like");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), like);
  if (auto size = static_dim(ctx, like, dim)) return {ctx.constant(at::arange(*size, at::kLong))};
  return {ctx.emit("Range", {ctx.int_constant(0), onnx_ops::dim_size(ctx.builder(), like, dim),
                             ctx.int_constant(1)})};
}

}  // namespace pt2onnx::sym
