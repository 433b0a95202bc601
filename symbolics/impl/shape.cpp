// Ops that move data without computing on it: reshapes, transposes, concatenation, slicing,
// splitting, repeating. Dtype conversions are in casts.cpp.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <limits>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/shape.h"

namespace pt2onnx::sym {

namespace {

// torch's sizes are literal: a 0 is an empty axis. ONNX Reshape reads a 0 as "copy the input's
// size" (allowzero only comes with opset 14). A target known at conversion time to hold a 0 (an
// input declared with an empty axis) gives an empty tensor of that shape, whatever x holds.
ValueName reshape_literal(SymbolicContext& ctx, const ValueName& x, const ValueName& target) {
  const at::Tensor* known = ctx.constant_of(target);
  if (known == nullptr) return ctx.emit("Reshape", {x, target});
  const at::Tensor values = known->to(at::kLong).contiguous().view(-1);
  const std::vector<int64_t> sizes(values.data_ptr<int64_t>(),
                                   values.data_ptr<int64_t>() + values.numel());
  if (std::find(sizes.begin(), sizes.end(), 0) == sizes.end()) {
    return ctx.emit("Reshape", {x, target});
  }
  if (std::find(sizes.begin(), sizes.end(), -1) != sizes.end()) {
    ctx.fail_invalid(
        "a view of an empty tensor to a shape with both 0 and -1 is ambiguous (torch "
        "refuses it too)");
  }
  return ctx.emit("ConstantOfShape", {target}, {{"value", at::zeros({1}, ctx.require_dtype(x))}});
}

ValueName view_target(SymbolicContext& ctx, const Node& node) {
  const char* shape_arg =
      node.maybeSchema() && node.maybeSchema()->argumentIndexWithName("size") ? "size" : "shape";
  return ctx.cast(ctx.input(node, shape_arg), c10::kLong);
}

}  // namespace

// aten::view / aten::reshape (self, int[] shape): Reshape with the shape computed at run time
// where it is (so dynamic axes stay dynamic).
Outputs reshape_v9(SymbolicContext& ctx, const Node& node) {
  return {reshape_literal(ctx, ctx.input(node, "self"), view_target(ctx, node))};
}

// aten::flatten.using_ints(self, start_dim=0, end_dim=-1)
Outputs flatten_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  if (rank == 0) return {onnx_ops::unsqueeze(ctx.builder(), x, {0})};
  const int64_t start = wrap_dim(ctx, ctx.const_int(node, "start_dim"), x);
  const int64_t end = wrap_dim(ctx, ctx.const_int(node, "end_dim"), x);
  if (start == end) return {x};
  if (end == rank - 1 && start == 1) return {ctx.emit("Flatten", {x}, {{"axis", 1}})};
  const ValueName target =
      shape_with_axes_replaced(ctx, x, start, end - start + 1, ctx.ints_constant({-1}));
  return {ctx.emit("Reshape", {x, target})};
}

// aten::unflatten.int(self, int dim, int[] sizes), which torch 2.x's packed attention in-projection
// uses: Reshape to the shape with axis `dim` replaced by `sizes` (one of them may be -1).
Outputs unflatten_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const std::vector<int64_t> sizes = ctx.const_ints(node, "sizes");
  const ValueName target = shape_with_axes_replaced(ctx, x, dim, 1, ctx.ints_constant(sizes));
  return {ctx.emit("Reshape", {x, target})};
}

// aten::permute(self, int[] dims)
Outputs permute_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  auto dims = ctx.const_ints(node, "dims");
  for (auto& d : dims) d = wrap_dim(ctx, d, x);
  return {ctx.emit("Transpose", {x}, {{"perm", dims}})};
}

// aten::transpose.int(self, int dim0, int dim1)
Outputs transpose_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  const int64_t a = wrap_dim(ctx, ctx.const_int(node, "dim0"), x);
  const int64_t b = wrap_dim(ctx, ctx.const_int(node, "dim1"), x);
  if (a == b) return {x};
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i) perm.push_back(i);
  std::swap(perm[static_cast<size_t>(a)], perm[static_cast<size_t>(b)]);
  return {ctx.emit("Transpose", {x}, {{"perm", perm}})};
}

// aten::unsqueeze(self, int dim)
Outputs unsqueeze_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  int64_t dim = ctx.const_int(node, "dim");
  if (dim < 0) dim += ctx.require_rank(x) + 1;
  return {onnx_ops::unsqueeze(ctx.builder(), x, {dim})};
}

namespace {

// x with axis `dim` removed where its run-time size is 1, else x: an If whose branches are
// Squeeze and Identity. The result's rank is known only at run time, as in torch.
ValueName squeeze_if_one(SymbolicContext& ctx, const ValueName& x, int64_t dim) {
  auto& g = ctx.builder();
  const auto elem = g.elem_type(x);
  if (!elem) ctx.fail(DiagCode::kUnknownRank, "squeeze needs the input's element type");
  const ValueName is_one = ctx.emit("Equal", {onnx_ops::dim_size(g, x, dim), ctx.int_constant(1)});
  auto branch = [&](const char* name, bool squeeze) {
    onnx_ir::SubgraphScope scope(g, name);
    const ValueName out = squeeze ? onnx_ops::squeeze(g, x, {dim}) : ctx.emit("Identity", {x});
    g.add_output(out, out);
    return scope.finish();
  };
  auto then_graph = branch("squeeze_then", true);
  auto else_graph = branch("squeeze_else", false);
  return g.emit_typed("If", {is_one}, {{"then_branch", then_graph}, {"else_branch", else_graph}},
                      {onnx_ir::tensor_type(*elem)})[0];
}

// aten::squeeze(self) / squeeze.dim(self, int dim): torch removes an axis only where its size is
// 1 at run time. Static sizes decide at conversion time. squeeze(dim) on a dynamic axis is an If
// on that size, whose branches differ in rank: If takes that from opset 11 (before, ONNX's
// inference requires both branches to have one shape), so `dynamic_dim` says whether it may be
// emitted. squeeze() with a dynamic axis is ONNX Squeeze without axes, which removes every axis
// of run-time size 1 exactly as torch does (the result's rank is then unknown to later ops, which
// ask for it where they need it).
Outputs squeeze_lowering(SymbolicContext& ctx, const Node& node, bool dynamic_dim) {
  const ValueName x = ctx.input(node, "self");
  if (node.inputs().size() == 1) {
    auto dims = ctx.dims(x);
    std::vector<int64_t> axes;
    bool all_static = dims.has_value();
    for (size_t i = 0; dims && i < dims->size(); ++i) {
      if (!(*dims)[i]) all_static = false;
      if ((*dims)[i] == 1) axes.push_back(static_cast<int64_t>(i));
    }
    if (!all_static) {
      // The rank is not known, whatever ONNX infers: ONNX 1.17 types Squeeze-1 and -11 without
      // axes as 0-d when an input axis is symbolic (it drops the axes it cannot read), which
      // would fold a later Shape of the result to [] (issue 12).
      auto& g = ctx.builder();
      const ValueName y = onnx_ops::squeeze(g, x, {});
      if (const auto elem = g.elem_type(x)) g.set_type(y, onnx_ir::tensor_type(*elem));
      return {y};
    }
    if (axes.empty()) return {x};
    return {onnx_ops::squeeze(ctx.builder(), x, axes)};
  }
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (size && *size != 1) return {x};
  if (!size) {
    if (!dynamic_dim) ctx.needs_opset(11, "squeeze(dim) on a dynamic axis (If on its size)");
    return {squeeze_if_one(ctx, x, dim)};
  }
  return {onnx_ops::squeeze(ctx.builder(), x, {dim})};
}

}  // namespace

Outputs squeeze_v9(SymbolicContext& ctx, const Node& node) {
  return squeeze_lowering(ctx, node, false);
}
// Opset 11: If's branches may differ in rank, so squeeze(dim) on a dynamic axis is an If.
Outputs squeeze_v11(SymbolicContext& ctx, const Node& node) {
  return squeeze_lowering(ctx, node, true);
}

namespace {
// The type torch.cat and torch.stack give a list of tensors: every element's type promoted
// (float16 with float32 is float32), skipped empty ones included.
c10::ScalarType list_promoted_type(SymbolicContext& ctx, const std::vector<ValueName>& items) {
  std::optional<c10::ScalarType> type;
  for (const auto& t : items) {
    const c10::ScalarType here = ctx.require_dtype(t);
    type = type ? c10::promoteTypes(*type, here) : here;
  }
  return type.value_or(c10::kFloat);
}
}  // namespace

// aten::cat(Tensor[] tensors, int dim)
Outputs cat_v9(SymbolicContext& ctx, const Node& node) {
  auto items = ctx.input_list(node, "tensors");
  if (items.empty()) ctx.fail_invalid("cat of an empty list of tensors");
  const c10::ScalarType type = list_promoted_type(ctx, items);
  // torch skips 1-d empty tensors in cat (legacy behaviour); ONNX would reject them. When all
  // are skipped, the result is one of them.
  std::vector<ValueName> kept;
  for (const auto& t : items) {
    auto shape = ctx.static_shape(t);
    if (shape && shape->size() == 1 && (*shape)[0] == 0 && items.size() > 1) continue;
    kept.push_back(ctx.cast(t, type));
  }
  if (kept.empty()) return {ctx.cast(items[0], type)};
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), kept[0]);
  if (kept.size() == 1) return {kept[0]};
  return {ctx.emit("Concat", kept, {{"axis", dim}})};
}

// aten::stack(Tensor[] tensors, int dim)
Outputs stack_v9(SymbolicContext& ctx, const Node& node) {
  auto items = ctx.input_list(node, "tensors");
  if (items.empty()) ctx.fail_invalid("stack of an empty list of tensors");
  const c10::ScalarType type = list_promoted_type(ctx, items);
  int64_t dim = ctx.const_int(node, "dim");
  if (dim < 0) dim += ctx.require_rank(items[0]) + 1;
  std::vector<ValueName> parts;
  for (const auto& t : items) {
    parts.push_back(onnx_ops::unsqueeze(ctx.builder(), ctx.cast(t, type), {dim}));
  }
  if (parts.size() == 1) return {parts[0]};
  return {ctx.emit("Concat", parts, {{"axis", dim}})};
}

// Opset 11: a list built at run time (an ONNX sequence, `outs.append(h)` in a loop) is joined by
// ConcatFromSequence, which takes negative axes as torch does.
Outputs cat_v11(SymbolicContext& ctx, const Node& node) {
  const Lowered list = ctx.lowered(ctx.arg(node, "tensors"));
  if (list.kind != Lowered::Kind::kSequence) return cat_v9(ctx, node);
  return {ctx.emit("ConcatFromSequence", {list.name}, {{"axis", ctx.const_int(node, "dim")}})};
}

Outputs stack_v11(SymbolicContext& ctx, const Node& node) {
  const Lowered list = ctx.lowered(ctx.arg(node, "tensors"));
  if (list.kind != Lowered::Kind::kSequence) return stack_v9(ctx, node);
  return {ctx.emit("ConcatFromSequence", {list.name},
                   {{"axis", ctx.const_int(node, "dim")}, {"new_axis", 1}})};
}

// aten::slice.Tensor(self, int dim=0, int? start=None, int? end=None, int step=1)
Outputs slice_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = ctx.const_int(node, "dim");
  const int64_t step = ctx.const_int(node, "step");
  const bool start_known = ctx.is_none(node, "start") || ctx.known_value(ctx.arg(node, "start"));
  const bool end_known = ctx.is_none(node, "end") || ctx.known_value(ctx.arg(node, "end"));
  if (start_known && end_known) {
    const int64_t start = ctx.optional_const_int(node, "start").value_or(0);
    const int64_t end =
        ctx.optional_const_int(node, "end").value_or(std::numeric_limits<int64_t>::max());
    if (start == 0 && end == std::numeric_limits<int64_t>::max() && step == 1) return {x};
    return {onnx_ops::slice(ctx.builder(), x, {dim}, {start}, {end}, {step})};
  }
  auto as_1d = [&](const char* name, int64_t fallback) {
    ValueName v = ctx.is_none(node, name) ? ctx.int_constant(fallback)
                                          : ctx.cast(ctx.input(node, name), c10::kLong);
    return onnx_ops::unsqueeze(ctx.builder(), v, {0});
  };
  return {slice_dynamic_keep_rank(ctx, x, as_1d("start", 0),
                                  as_1d("end", std::numeric_limits<int64_t>::max()),
                                  ctx.ints_constant({dim}), ctx.ints_constant({step}))};
}

// aten::select.int(self, int dim, int index): Gather with a scalar index drops the axis.
Outputs select_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  ValueName index = ctx.cast(ctx.input(node, "index"), c10::kLong);
  return {ctx.emit("Gather", {x, index}, {{"axis", dim}})};
}

// aten::expand(self, int[] size, *, bool implicit=False): -1 keeps a size, which ONNX Expand
// spells 1 (it broadcasts both ways).
Outputs expand_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  auto known = ctx.known_value(ctx.arg(node, "size"));
  if (known) {
    auto sizes = known->toIntVector();
    for (auto& s : sizes) {
      if (s == -1) s = 1;
    }
    return {ctx.emit("Expand", {x, ctx.ints_constant(sizes)})};
  }
  ValueName size = ctx.cast(ctx.input(node, "size"), c10::kLong);
  // Replace -1 by 1 at run time.
  ValueName is_minus_one = ctx.emit("Equal", {size, ctx.int_constant(-1)});
  ValueName fixed = ctx.emit("Where", {is_minus_one, ctx.int_constant(1), size});
  return {ctx.emit("Expand", {x, fixed})};
}

// aten::expand_as(self, other)
Outputs expand_as_v9(SymbolicContext& ctx, const Node& node) {
  return {
      ctx.emit("Expand", {ctx.input(node, "self"), ctx.emit("Shape", {ctx.input(node, "other")})})};
}

namespace {

// The number of pieces a split's list is unpacked into (its one prim::ListUnpack), if known.
std::optional<int64_t> unpacked_count(const Node& node) {
  const auto uses = node.output(0)->uses();
  if (uses.size() != 1 || uses[0].user->kind() != c10::prim::ListUnpack) return std::nullopt;
  return static_cast<int64_t>(uses[0].user->outputs().size());
}

const char* split_sizes_arg(const Node& node) {
  return node.maybeSchema()->argumentIndexWithName("split_sizes") ? "split_sizes" : "split_size";
}

bool splits_by_one_size(SymbolicContext& ctx, const Node& node) {
  return ctx.arg(node, split_sizes_arg(node))->type()->kind() != c10::TypeKind::ListType;
}

// The elements of a split's list of sizes as 1-d int64 tensors, where the list is known element
// by element (its values may be computed at run time).
std::vector<ValueName> run_time_size_items(SymbolicContext& ctx, const Node& node) {
  const Lowered list = ctx.lowered(ctx.arg(node, split_sizes_arg(node)));
  if (list.kind != Lowered::Kind::kList) {
    ctx.fail_unsupported("split with a list of sizes whose length is known only at run time");
  }
  std::vector<ValueName> items;
  for (const auto& item : list.items) {
    const ValueName v = ctx.cast(item, c10::kLong);
    items.push_back(ctx.rank(v) == 1 ? v : onnx_ops::unsqueeze(ctx.builder(), v, {0}));
  }
  return items;
}

// Pieces of x along dim between consecutive run-time bounds (1-d int64), by Slice-10.
Outputs slices_between(SymbolicContext& ctx, const ValueName& x, int64_t dim,
                       const std::vector<ValueName>& bounds) {
  std::vector<ValueName> out;
  const ValueName axes = ctx.ints_constant({dim});
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    out.push_back(slice_dynamic_keep_rank(ctx, x, bounds[i], bounds[i + 1], axes, ""));
  }
  return {Lowered::list(out)};
}

// n pieces of `piece` (a 0-d int64) along dim by Slice-10, the last one taking the rest.
Outputs slices_of_equal_pieces(SymbolicContext& ctx, const ValueName& x, int64_t dim, int64_t n,
                               const ValueName& piece) {
  const ValueName p1 = onnx_ops::unsqueeze(ctx.builder(), piece, {0});
  std::vector<ValueName> bounds = {ctx.ints_constant({0})};
  for (int64_t i = 1; i < n; ++i) {
    bounds.push_back(ctx.emit("Mul", {p1, ctx.ints_constant({i})}));
  }
  bounds.push_back(ctx.ints_constant({std::numeric_limits<int64_t>::max()}));
  return slices_between(ctx, x, dim, bounds);
}

// A chunk along a dynamic axis, or into a count computed at run time (x.size(0) when traced):
// the pieces' bounds are computed at run time, their number is what the list unpacks to.
bool needs_run_time_chunks(SymbolicContext& ctx, const Node& node, const ValueName& x,
                           int64_t dim) {
  return !static_dim(ctx, x, dim) || !ctx.known_value(ctx.arg(node, "chunks"));
}

// ceil(size(x, dim) / chunks) as a 0-d int64, computed at run time.
ValueName chunk_piece(SymbolicContext& ctx, const Node& node, const ValueName& x, int64_t dim) {
  const ValueName chunks = ctx.cast(ctx.input(node, "chunks"), c10::kLong);
  const ValueName size = onnx_ops::dim_size(ctx.builder(), x, dim);
  const ValueName rounded_up =
      ctx.emit("Sub", {ctx.emit("Add", {size, chunks}), ctx.int_constant(1)});
  return ctx.emit("Div", {rounded_up, chunks});
}

}  // namespace

// aten::chunk(self, int chunks, int dim) -> Tensor[] (static size along dim). Along a dynamic
// axis the bounds are run-time values, which Slice takes from opset 10.
Outputs chunk_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (!ctx.known_value(ctx.arg(node, "chunks")) && unpacked_count(node))
    ctx.needs_opset(10, "chunk into a count computed at run time (Slice with run-time bounds)");
  const int64_t chunks = ctx.const_int(node, "chunks");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (!size) {
    if (!unpacked_count(node)) {
      ctx.fail_unsupported(
          "chunk along a dynamic axis into a list whose length is known only at run time "
          "(unpack it: `a, b = x.chunk(2, dim)`)");
    }
    ctx.needs_opset(10, "chunk along a dynamic axis (Slice with run-time bounds)");
  }
  const int64_t piece = (*size + chunks - 1) / chunks;
  std::vector<int64_t> sizes;
  for (int64_t left = *size; left > 0; left -= piece) sizes.push_back(std::min(piece, left));
  return {Lowered::list(onnx_ops::split(ctx.builder(), x, dim, sizes))};
}

// aten::split.Tensor(self, int split_size, int dim) / split.sizes(self, int[] split_size, int dim)
// / split_with_sizes(self, int[] split_sizes, int dim), and their unsafe_ twins: Split (static
// size along dim where the split size is one int, sizes known at conversion time).
Outputs split_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const char* arg = split_sizes_arg(node);
  const bool one_size = splits_by_one_size(ctx, node);
  if (!ctx.known_value(ctx.arg(node, arg))) {
    if (one_size && !unpacked_count(node)) {
      ctx.fail_unsupported(
          "split by a size computed at run time into a list whose length is known only at run "
          "time (unpack it: `a, b = x.split(n, dim)`)");
    }
    ctx.needs_opset(10, "split with sizes computed at run time (Slice with run-time bounds)");
  }
  auto given = ctx.const_ints(node, arg);
  std::vector<int64_t> sizes = given;
  if (one_size) {
    auto size = static_dim(ctx, x, dim);
    if (!size) {
      if (!unpacked_count(node)) {
        ctx.fail_unsupported(
            "split along a dynamic axis into a list whose length is known only at run time "
            "(unpack it: `a, b = x.split(n, dim)`)");
      }
      ctx.needs_opset(10, "split along a dynamic axis (Slice with run-time bounds)");
    }
    sizes.clear();
    for (int64_t left = *size; left > 0; left -= given[0])
      sizes.push_back(std::min(given[0], left));
  }
  return {Lowered::list(onnx_ops::split(ctx.builder(), x, dim, sizes))};
}

// As split_v9; along a dynamic axis (the piece count from the list's ListUnpack), or by sizes
// computed at run time, the pieces are Slices between run-time bounds.
Outputs split_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const char* arg = split_sizes_arg(node);
  const bool known = ctx.known_value(ctx.arg(node, arg)).has_value();
  if (splits_by_one_size(ctx, node)) {
    auto n = unpacked_count(node);
    if ((known && static_dim(ctx, x, dim)) || !n) return split_v9(ctx, node);
    return slices_of_equal_pieces(ctx, x, dim, *n, ctx.cast(ctx.input(node, arg), c10::kLong));
  }
  if (known) return split_v9(ctx, node);
  std::vector<ValueName> bounds = {ctx.ints_constant({0})};
  for (const auto& size : run_time_size_items(ctx, node)) {
    bounds.push_back(ctx.emit("Add", {bounds.back(), size}));
  }
  return slices_between(ctx, x, dim, bounds);
}

// As chunk_v9; along a dynamic axis, pieces of ceil(size / chunks) between run-time bounds.
Outputs chunk_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto n = unpacked_count(node);
  if (!needs_run_time_chunks(ctx, node, x, dim) || !n) return chunk_v9(ctx, node);
  return slices_of_equal_pieces(ctx, x, dim, *n, chunk_piece(ctx, node, x, dim));
}

namespace {

// Split-13 into n pieces of `piece` (a 0-d int64) along dim, the last one taking the rest.
Outputs split_runtime_sizes(SymbolicContext& ctx, const ValueName& x, int64_t dim, int64_t n,
                            const ValueName& piece) {
  auto& g = ctx.builder();
  ValueName total = onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, x, dim), {0});
  ValueName p1 = onnx_ops::unsqueeze(g, piece, {0});
  ValueName rest = ctx.emit("Sub", {total, ctx.emit("Mul", {p1, ctx.ints_constant({n - 1})})});
  std::vector<ValueName> parts(static_cast<size_t>(n - 1), p1);
  parts.push_back(rest);
  ValueName sizes = parts.size() == 1 ? parts[0] : ctx.emit("Concat", parts, {{"axis", 0}});
  return {Lowered::list(ctx.emit_n("Split", {x, sizes}, {{"axis", dim}}, static_cast<size_t>(n)))};
}

}  // namespace

// As split_v10, with the run-time sizes as Split-13's `split` input.
Outputs split_v13(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const char* arg = split_sizes_arg(node);
  const bool known = ctx.known_value(ctx.arg(node, arg)).has_value();
  if (splits_by_one_size(ctx, node)) {
    auto n = unpacked_count(node);
    if ((known && static_dim(ctx, x, dim)) || !n) return split_v9(ctx, node);
    return split_runtime_sizes(ctx, x, dim, *n, ctx.cast(ctx.input(node, arg), c10::kLong));
  }
  if (known) return split_v9(ctx, node);
  const auto items = run_time_size_items(ctx, node);
  const ValueName sizes = items.size() == 1 ? items[0] : ctx.emit("Concat", items, {{"axis", 0}});
  return {Lowered::list(ctx.emit_n("Split", {x, sizes}, {{"axis", dim}}, items.size()))};
}

// As chunk_v10, the sizes as Split-13's `split` input.
Outputs chunk_v13(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto n = unpacked_count(node);
  if (!needs_run_time_chunks(ctx, node, x, dim) || !n) return chunk_v9(ctx, node);
  return split_runtime_sizes(ctx, x, dim, *n, chunk_piece(ctx, node, x, dim));
}

// aten::contiguous / clone / detach and friends that survive the passes: identity.
Outputs identity_v9(SymbolicContext& ctx, const Node& node) { return {ctx.tensor(node.input(0))}; }

namespace {

bool has_arg(const Node& node, const char* name) {
  return node.maybeSchema() != nullptr && node.maybeSchema()->argumentIndexWithName(name);
}

// Shape(x) with the size at `axis` multiplied by `factor` (stays dynamic where x's shape is).
ValueName shape_scaled_at(SymbolicContext& ctx, const ValueName& x, int64_t axis, int64_t factor) {
  const int64_t rank = ctx.require_rank(x);
  std::vector<int64_t> scale(static_cast<size_t>(rank), 1);
  scale[static_cast<size_t>(axis)] = factor;
  return ctx.emit("Mul", {ctx.emit("Shape", {x}), ctx.ints_constant(scale)});
}

}  // namespace

// aten::item(self) -> Scalar: the one element as a 0-d tensor.
Outputs item_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (ctx.rank(x) == 0) return {x};
  return {ctx.emit("Reshape", {x, ctx.ints_constant({})})};
}

// aten::numel(self) -> int: a constant for a static shape, else ONNX Size.
Outputs numel_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (auto shape = ctx.static_shape(x)) {
    int64_t n = 1;
    for (int64_t d : *shape) n *= d;
    return {ctx.int_constant(n)};
  }
  return {ctx.emit("Size", {x})};
}

// aten::_shape_as_tensor(self): Shape.
Outputs _shape_as_tensor_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Shape", {ctx.input(node, "self")})};
}

// aten::_reshape_from_tensor(self, Tensor shape): Reshape.
Outputs _reshape_from_tensor_v9(SymbolicContext& ctx, const Node& node) {
  return {reshape_literal(ctx, ctx.input(node, "self"),
                          ctx.cast(ctx.input(node, "shape"), c10::kLong))};
}

// aten::reshape_as / view_as (self, other): Reshape to Shape(other).
Outputs reshape_as_v9(SymbolicContext& ctx, const Node& node) {
  return {
      reshape_literal(ctx, ctx.input(node, "self"), ctx.emit("Shape", {ctx.input(node, "other")}))};
}

// aten::narrow(self, int dim, int start, int length) / narrow.Tensor(..., Tensor start, ...):
// Slice [start, start + length); run-time bounds use Slice-10 inputs.
Outputs narrow_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto start = ctx.known_value(ctx.arg(node, "start"));
  auto length = ctx.known_value(ctx.arg(node, "length"));
  if (start && length) {
    const int64_t s = ctx.const_int(node, "start");
    const int64_t l = ctx.const_int(node, "length");
    int64_t begin = s;
    if (s < 0) {
      auto size = static_dim(ctx, x, dim);
      if (!size) ctx.fail_unsupported("narrow with a negative start on a dynamic axis");
      begin = s + *size;
    }
    return {onnx_ops::slice(ctx.builder(), x, {dim}, {begin}, {begin + l})};
  }
  auto& g = ctx.builder();
  ValueName s = onnx_ops::unsqueeze(g, ctx.cast(ctx.input(node, "start"), c10::kLong), {0});
  ValueName l = onnx_ops::unsqueeze(g, ctx.cast(ctx.input(node, "length"), c10::kLong), {0});
  return {
      slice_dynamic_keep_rank(ctx, x, s, ctx.emit("Add", {s, l}), ctx.ints_constant({dim}), "")};
}

// aten::movedim.int(self, int source, int destination) / movedim.intlist(self, int[], int[]):
// Transpose.
Outputs movedim_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  auto src = ctx.const_ints(node, "source");
  auto dst = ctx.const_ints(node, "destination");
  std::vector<int64_t> perm(static_cast<size_t>(rank), -1);
  std::vector<bool> used(static_cast<size_t>(rank), false);
  for (size_t i = 0; i < src.size(); ++i) {
    const int64_t s = wrap_dim(ctx, src[i], x);
    const int64_t d = wrap_dim(ctx, dst[i], x);
    perm[static_cast<size_t>(d)] = s;
    used[static_cast<size_t>(s)] = true;
  }
  int64_t next = 0;
  for (auto& p : perm) {
    if (p != -1) continue;
    while (used[static_cast<size_t>(next)]) ++next;
    p = next++;
  }
  return {ctx.emit("Transpose", {x}, {{"perm", perm}})};
}

// aten::numpy_T(self) (x.T): Transpose reversing all axes.
Outputs numpy_T_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  if (rank < 2) return {x};
  std::vector<int64_t> perm;
  for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
  return {ctx.emit("Transpose", {x}, {{"perm", perm}})};
}

// aten::flip(self, int[] dims): Slice with step -1 (Slice-10 steps).
Outputs flip_v10(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  auto dims = ctx.const_ints(node, "dims");
  if (dims.empty()) return {x};
  std::vector<int64_t> starts, ends, steps;
  for (auto& d : dims) {
    d = wrap_dim(ctx, d, x);
    starts.push_back(-1);
    ends.push_back(std::numeric_limits<int64_t>::min());
    steps.push_back(-1);
  }
  return {onnx_ops::slice(ctx.builder(), x, dims, starts, ends, steps)};
}

// aten::roll(self, int[] shifts, int[] dims): per dim, Concat of the last `shift` elements and
// the rest (Slices); without dims, of the flattened tensor, reshaped back.
Outputs roll_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  auto shifts = ctx.const_ints(node, "shifts");
  auto dims = ctx.const_ints(node, "dims");
  auto& g = ctx.builder();
  ValueName original_shape;
  if (dims.empty()) {
    original_shape = ctx.emit("Shape", {x});
    x = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
    dims = {0};
  }
  if (shifts.size() != dims.size()) ctx.fail_invalid("roll: shifts and dims differ in length");
  const ValueName input = x;  // rolling keeps the shape: read sizes off the input
  for (size_t i = 0; i < dims.size(); ++i) {
    const int64_t dim = wrap_dim(ctx, dims[i], input);
    int64_t shift = shifts[i];
    auto size = static_dim(ctx, input, dim);
    if (size) {
      if (*size == 0) continue;
      shift = ((shift % *size) + *size) % *size;
      if (shift == 0) continue;
    } else if (shift <= 0) {
      ctx.fail_unsupported("roll by a non-positive shift along a dynamic axis");
    }
    ValueName tail = onnx_ops::slice(g, x, {dim}, {-shift}, {std::numeric_limits<int64_t>::max()});
    ValueName head = onnx_ops::slice(g, x, {dim}, {0}, {-shift});
    x = ctx.emit("Concat", {tail, head}, {{"axis", dim}});
  }
  if (!original_shape.empty()) x = ctx.emit("Reshape", {x, original_shape});
  return {x};
}

// aten::repeat(self, int[] repeats): Tile, after adding leading axes where repeats is longer.
Outputs repeat_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  auto known = ctx.known_value(ctx.arg(node, "repeats"));
  ValueName reps;
  int64_t n = 0;
  if (known) {
    auto r = known->toIntVector();
    n = static_cast<int64_t>(r.size());
    reps = ctx.ints_constant(r);
  } else {
    reps = ctx.cast(ctx.input(node, "repeats"), c10::kLong);
    auto shape = ctx.static_shape(reps);
    if (!shape || shape->size() != 1) ctx.fail_unsupported("repeat with repeats of unknown length");
    n = (*shape)[0];
  }
  if (n > rank) {
    std::vector<int64_t> axes;
    for (int64_t i = 0; i < n - rank; ++i) axes.push_back(i);
    x = onnx_ops::unsqueeze(ctx.builder(), x, axes);
  }
  return {ctx.emit("Tile", {x, reps})};
}

namespace {

// repeat_interleave.self_Tensor without CumSum/Range (opset 9), for a repeats tensor of static
// length n: cumsum = MatMul with a constant triangular matrix, the output positions p from
// NonZero(ones(total)), and idx[p] = #{i : cumsum[i] <= p} gathered along dim.
ValueName repeat_interleave_by_tensor(SymbolicContext& ctx, const Node& node, const ValueName& x,
                                      int64_t dim) {
  auto& g = ctx.builder();
  ValueName reps = ctx.emit(
      "Reshape", {ctx.cast(ctx.input(node, "repeats"), c10::kLong), ctx.ints_constant({-1})});
  auto rs = ctx.static_shape(reps);
  auto size = static_dim(ctx, x, dim);
  if (!rs || !size)
    ctx.needs_opset(11, "repeat_interleave with a tensor of repeats on dynamic sizes");
  int64_t n = (*rs)[0];
  if (n == 1 && *size != 1) {
    reps = ctx.emit("Expand", {reps, ctx.ints_constant({*size})});
    n = *size;
  }
  ValueName tri = ctx.constant(at::ones({n, n}, at::kFloat).tril());
  ValueName csum = ctx.cast(ctx.emit("MatMul", {tri, ctx.cast(reps, c10::kFloat)}), c10::kLong);
  ValueName total = onnx_ops::reduce(g, "ReduceSum", reps, {0}, true);
  at::Tensor one = at::ones({1}, at::kBool);
  ValueName ones = ctx.emit("ConstantOfShape", {total}, {{"value", one}});
  ValueName pos = onnx_ops::squeeze(g, ctx.emit("NonZero", {ones}), {0});
  ValueName le = ctx.emit(
      "Not",
      {ctx.emit("Greater", {onnx_ops::unsqueeze(g, csum, {0}), onnx_ops::unsqueeze(g, pos, {1})})});
  ValueName idx = onnx_ops::reduce(g, "ReduceSum", ctx.cast(le, c10::kLong), {1}, false);
  return ctx.emit("Gather", {x, idx}, {{"axis", dim}});
}

}  // namespace

// aten::repeat_interleave.self_int(self, int repeats, int? dim, *, int? output_size): each
// element repeated along dim: Unsqueeze after dim, Expand, Reshape (without dim: of the
// flattened input). The self_Tensor overload: see repeat_interleave_by_tensor.
Outputs repeat_interleave_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  int64_t dim = 0;
  if (ctx.is_none(node, "dim")) {
    x = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
  } else {
    dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  }
  auto reps = ctx.known_value(ctx.arg(node, "repeats"));
  if (!reps || !reps->isInt()) return {repeat_interleave_by_tensor(ctx, node, x, dim)};
  const int64_t r = reps->toInt();
  const int64_t rank = ctx.require_rank(x);
  ValueName target = shape_scaled_at(ctx, x, dim, r);
  ValueName u = onnx_ops::unsqueeze(ctx.builder(), x, {dim + 1});
  std::vector<int64_t> expand(static_cast<size_t>(rank + 1), 1);
  expand[static_cast<size_t>(dim + 1)] = r;
  ValueName e = ctx.emit("Expand", {u, ctx.ints_constant(expand)});
  return {ctx.emit("Reshape", {e, target})};
}

// As repeat_interleave_v9; a tensor of repeats (self_Tensor overload) gathers along dim with
// indices idx[p] = #{i : cumsum(repeats)[i] <= p} for p in Range(0, sum(repeats)).
Outputs repeat_interleave_v11(SymbolicContext& ctx, const Node& node) {
  auto reps_known = ctx.known_value(ctx.arg(node, "repeats"));
  if (reps_known && reps_known->isInt()) return repeat_interleave_v9(ctx, node);
  auto& g = ctx.builder();
  ValueName x = ctx.input(node, "self");
  int64_t dim = 0;
  if (ctx.is_none(node, "dim")) {
    x = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
  } else {
    dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  }
  ValueName reps = ctx.cast(ctx.input(node, "repeats"), c10::kLong);
  reps = ctx.emit("Reshape", {reps, ctx.ints_constant({-1})});
  // One repeat count for all: broadcast it over the axis.
  auto reps_shape = ctx.static_shape(reps);
  if (!reps_shape || (*reps_shape)[0] == 1) {
    ValueName n = onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, x, dim), {0});
    reps = ctx.emit("Expand", {reps, n});
  }
  ValueName csum = ctx.emit("CumSum", {reps, ctx.int_constant(0)});
  ValueName total = onnx_ops::reduce(g, "ReduceSum", reps, {0}, false);
  ValueName pos = ctx.emit("Range", {ctx.int_constant(0), total, ctx.int_constant(1)});
  ValueName le = ctx.emit(
      "Not",
      {ctx.emit("Greater", {onnx_ops::unsqueeze(g, csum, {0}), onnx_ops::unsqueeze(g, pos, {1})})});
  ValueName idx = onnx_ops::reduce(g, "ReduceSum", ctx.cast(le, c10::kLong), {1}, false);
  return {ctx.emit("Gather", {x, idx}, {{"axis", dim}})};
}

namespace {

// The triangle mask col - row >= diagonal (triu) / <= diagonal (tril) from row and column
// positions (int64, broadcasting [rows, 1] against [1, cols]) and a 0-d int64 diagonal.
ValueName triangle_mask(SymbolicContext& ctx, const ValueName& rows, const ValueName& cols,
                        const ValueName& diagonal, bool lower) {
  const ValueName offset = ctx.emit("Sub", {cols, rows});
  return ctx.emit("Not", {ctx.emit(lower ? "Greater" : "Less", {offset, diagonal})});
}

// The diagonal argument as a 0-d int64 (it may be computed at run time).
ValueName diagonal_arg(SymbolicContext& ctx, const Node& node) {
  return ctx.cast(ctx.input(node, "diagonal"), c10::kLong);
}

Outputs triangle_v9(SymbolicContext& ctx, const Node& node, bool lower) {
  const ValueName x = ctx.input(node, "self");
  auto rows = static_dim(ctx, x, -2);
  auto cols = static_dim(ctx, x, -1);
  if (!rows || !cols) ctx.needs_opset(11, "tril/triu on dynamic matrix axes (Range)");
  const ValueName mask =
      triangle_mask(ctx, ctx.constant(at::arange(*rows, at::kLong).reshape({*rows, 1})),
                    ctx.constant(at::arange(*cols, at::kLong).reshape({1, *cols})),
                    diagonal_arg(ctx, node), lower);
  return {ctx.emit("Where", {mask, x, ctx.scalar_constant(0, ctx.require_dtype(x))})};
}

// As triangle_v9, the positions from Range over the run-time sizes.
Outputs triangle_v11(SymbolicContext& ctx, const Node& node, bool lower) {
  const ValueName x = ctx.input(node, "self");
  auto& g = ctx.builder();
  auto positions = [&](int64_t axis, std::vector<int64_t> axes) {
    const ValueName n = onnx_ops::dim_size(g, x, axis);
    const ValueName range = ctx.emit("Range", {ctx.int_constant(0), n, ctx.int_constant(1)});
    return onnx_ops::unsqueeze(g, range, axes);
  };
  const ValueName mask =
      triangle_mask(ctx, positions(-2, {1}), positions(-1, {0}), diagonal_arg(ctx, node), lower);
  return {ctx.emit("Where", {mask, x, ctx.scalar_constant(0, ctx.require_dtype(x))})};
}

}  // namespace

// aten::tril / triu (self, int diagonal): Where with a triangular mask from the row and column
// positions (constants for static matrix sizes; the diagonal may be a run-time value). No Trilu
// before opset 14.
Outputs tril_v9(SymbolicContext& ctx, const Node& node) { return triangle_v9(ctx, node, true); }
Outputs triu_v9(SymbolicContext& ctx, const Node& node) { return triangle_v9(ctx, node, false); }
// Opset 11: positions by Range, so the matrix sizes may be dynamic.
Outputs tril_v11(SymbolicContext& ctx, const Node& node) { return triangle_v11(ctx, node, true); }
Outputs triu_v11(SymbolicContext& ctx, const Node& node) { return triangle_v11(ctx, node, false); }

// aten::tril / triu at opset 14: Trilu, which takes the diagonal as an input.
Outputs tril_v14(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Trilu", {ctx.input(node, "self"), diagonal_arg(ctx, node)}, {{"upper", 0}})};
}

Outputs triu_v14(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Trilu", {ctx.input(node, "self"), diagonal_arg(ctx, node)}, {{"upper", 1}})};
}

// The diagonal of the last two axes of t when their sizes are known only at run time. The eye
// mask is EyeLike(k = offset) of a [n, m] tensor of ones; the rows that hold a diagonal element
// (any true in their mask row) are kept with NonZero + Gather, which, unlike a Slice to
// run-time bounds, exists from opset 9.
namespace {
ValueName run_time_diagonal(SymbolicContext& ctx, const ValueName& t, int64_t rank,
                            int64_t offset) {
  auto& g = ctx.builder();
  const ValueName sizes =
      ctx.emit("Concat",
               {onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, t, rank - 2), {0}),
                onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, t, rank - 1), {0})},
               {{"axis", int64_t{0}}});
  const ValueName ones =
      ctx.emit("ConstantOfShape", {sizes}, {{"value", at::ones({1}, at::kFloat)}});
  const ValueName eye = ctx.emit("EyeLike", {ones}, {{"k", offset}});
  const ValueName picked = ctx.emit(
      "Where", {ctx.cast(eye, c10::kBool), t, ctx.scalar_constant(0, ctx.require_dtype(t))});
  const ValueName summed = onnx_ops::reduce(g, "ReduceSum", picked, {rank - 1}, false);
  const ValueName has_element = onnx_ops::reduce(g, "ReduceMax", eye, {1}, false);
  const ValueName rows = ctx.emit(
      "Reshape", {ctx.emit("NonZero", {has_element}), ctx.constant(at::tensor({int64_t{-1}}))});
  return ctx.emit("Gather", {summed, rows}, {{"axis", rank - 2}});
}
}  // namespace

// aten::diagonal(self, int offset, int dim1, int dim2): dim1/dim2 moved last, the diagonal picked
// with Where(eye mask) + ReduceSum over the last axis, then the valid rows sliced (constants for
// static sizes along dim1 and dim2, else run_time_diagonal).
Outputs diagonal_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  const int64_t offset = ctx.const_int(node, "offset");
  const int64_t d1 = wrap_dim(ctx, ctx.const_int(node, "dim1"), x);
  const int64_t d2 = wrap_dim(ctx, ctx.const_int(node, "dim2"), x);
  auto n = static_dim(ctx, x, d1);
  auto m = static_dim(ctx, x, d2);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i) {
    if (i != d1 && i != d2) perm.push_back(i);
  }
  perm.push_back(d1);
  perm.push_back(d2);
  ValueName t = ctx.emit("Transpose", {x}, {{"perm", perm}});
  if (!n || !m) return {run_time_diagonal(ctx, t, rank, offset)};
  at::Tensor eye = at::zeros({*n, *m}, at::kBool);
  const int64_t first = std::max<int64_t>(0, -offset);
  const int64_t last = std::min<int64_t>(*n, *m - offset);
  for (int64_t i = first; i < last; ++i) eye[i][i + offset] = true;
  ValueName picked =
      ctx.emit("Where", {ctx.constant(eye), t, ctx.scalar_constant(0, ctx.require_dtype(x))});
  ValueName summed = onnx_ops::reduce(ctx.builder(), "ReduceSum", picked, {rank - 1}, false);
  const int64_t len = std::max<int64_t>(0, last - first);
  return {onnx_ops::slice(ctx.builder(), summed, {rank - 2}, {first}, {first + len})};
}

// aten::unbind.int(self, int dim) -> Tensor[]: Split into ones and Squeeze (the size static or
// known from the list's ListUnpack).
Outputs unbind_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (!size) size = unpacked_count(node);  // a dynamic axis of the size the list unpacks to
  if (!size) ctx.needs_opset(11, "unbind along a dynamic axis (SplitToSequence)");
  std::vector<ValueName> out;
  if (*size == 1) {
    out.push_back(onnx_ops::squeeze(ctx.builder(), x, {dim}));
  } else {
    for (const auto& piece : onnx_ops::split(ctx.builder(), x, dim,
                                             std::vector<int64_t>(static_cast<size_t>(*size), 1))) {
      out.push_back(onnx_ops::squeeze(ctx.builder(), piece, {dim}));
    }
  }
  return {Lowered::list(out)};
}
// Opset 11: along a dynamic axis the pieces are a sequence (SplitToSequence into size-1 pieces,
// the axis dropped), as a list built at run time is.
Outputs unbind_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  if (static_dim(ctx, x, dim) || unpacked_count(node)) return unbind_v9(ctx, node);
  return {Lowered::sequence(
      ctx.emit("SplitToSequence", {x}, {{"axis", dim}, {"keepdims", int64_t{0}}}))};
}

// aten::unfold(self, int dimension, int size, int step): Gather along the axis with a constant
// [windows, size] index, then the window axis moved last (static size along the axis).
Outputs unfold_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  const int64_t dim = rank == 0 ? 0 : wrap_dim(ctx, ctx.const_int(node, "dimension"), x);
  const int64_t size = ctx.const_int(node, "size");
  const int64_t step = ctx.const_int(node, "step");
  auto length = static_dim(ctx, x, dim);
  if (!length) ctx.fail_unsupported("unfold along a dynamic axis");
  const int64_t windows = (*length - size) / step + 1;
  at::Tensor idx = at::arange(windows, at::kLong).mul(step).unsqueeze(1) +
                   at::arange(size, at::kLong).unsqueeze(0);
  ValueName g = ctx.emit("Gather", {x, ctx.constant(idx)}, {{"axis", dim}});
  // g: [..., windows, size, rest...]; move the size axis (dim + 1) last.
  std::vector<int64_t> perm;
  for (int64_t i = 0; i <= rank; ++i) {
    if (i != dim + 1) perm.push_back(i);
  }
  perm.push_back(dim + 1);
  return {ctx.emit("Transpose", {g}, {{"perm", perm}})};
}

// aten::tensor_split.sections(self, int sections, int dim) / tensor_split.indices(self, int[]
// indices, int dim): Slices (static size along dim).
Outputs tensor_split_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (!size) ctx.fail_unsupported("tensor_split along a dynamic axis");
  std::vector<int64_t> bounds = {0};
  if (has_arg(node, "sections")) {
    const int64_t s = ctx.const_int(node, "sections");
    const int64_t base = *size / s;
    const int64_t extra = *size % s;
    for (int64_t i = 0; i < s; ++i) bounds.push_back(bounds.back() + base + (i < extra ? 1 : 0));
  } else {
    const char* name = has_arg(node, "indices") ? "indices" : "tensor_indices_or_sections";
    for (int64_t i : ctx.const_ints(node, name))
      bounds.push_back(std::min(std::max<int64_t>(i < 0 ? i + *size : i, 0), *size));
    bounds.push_back(*size);
  }
  std::vector<ValueName> out;
  for (size_t i = 0; i + 1 < bounds.size(); ++i) {
    const int64_t end = std::max(bounds[i], bounds[i + 1]);
    out.push_back(onnx_ops::slice(ctx.builder(), x, {dim}, {bounds[i]}, {end}));
  }
  return {Lowered::list(out)};
}

// aten::broadcast_tensors(Tensor[] tensors) -> Tensor[]: the common shape from chained
// (bidirectional) Expands, then each input Expanded to it.
Outputs broadcast_tensors_v9(SymbolicContext& ctx, const Node& node) {
  auto items = ctx.input_list(node, "tensors");
  if (items.size() <= 1) return {Lowered::list(items)};
  ValueName acc = items[0];
  for (size_t i = 1; i < items.size(); ++i)
    acc = ctx.emit("Expand", {acc, ctx.emit("Shape", {items[i]})});
  ValueName shape = ctx.emit("Shape", {acc});
  std::vector<ValueName> out;
  for (const auto& t : items) out.push_back(ctx.emit("Expand", {t, shape}));
  return {Lowered::list(out)};
}

// aten::meshgrid(Tensor[] tensors) / meshgrid.indexing(Tensor[] tensors, *, str indexing):
// each 1-d input reshaped to vary along its own axis and Expanded to the grid's shape; "xy"
// swaps the roles of the first two.
Outputs meshgrid_v9(SymbolicContext& ctx, const Node& node) {
  auto items = ctx.input_list(node, "tensors");
  const bool xy = has_arg(node, "indexing") && ctx.const_string(node, "indexing") == "xy";
  if (xy && items.size() >= 2) std::swap(items[0], items[1]);
  const size_t n = items.size();
  std::vector<ValueName> flat, sizes;
  for (const auto& t : items) {
    ValueName f = ctx.emit("Reshape", {t, ctx.ints_constant({-1})});
    flat.push_back(f);
    sizes.push_back(ctx.emit("Shape", {f}));
  }
  ValueName shape = n == 1 ? sizes[0] : ctx.emit("Concat", sizes, {{"axis", 0}});
  std::vector<ValueName> out;
  for (size_t i = 0; i < n; ++i) {
    std::vector<int64_t> s(n, 1);
    s[i] = -1;
    out.push_back(
        ctx.emit("Expand", {ctx.emit("Reshape", {flat[i], ctx.ints_constant(s)}), shape}));
  }
  if (xy && n >= 2) std::swap(out[0], out[1]);
  return {Lowered::list(out)};
}

namespace {

// The sizes of a 4-d x as 1-d int64 values (constants where static), for targets computed at
// run time.
std::vector<ValueName> sizes_1d(SymbolicContext& ctx, const ValueName& x, const char* op) {
  if (ctx.require_rank(x) != 4) ctx.fail_invalid(std::string(op) + " needs a 4-d input");
  std::vector<ValueName> out;
  for (int64_t i = 0; i < 4; ++i) {
    out.push_back(onnx_ops::unsqueeze(ctx.builder(), onnx_ops::dim_size(ctx.builder(), x, i), {0}));
  }
  return out;
}

}  // namespace

// aten::pixel_shuffle(self, int upscale_factor): [N, C r^2, H, W] -> [N, C, H r, W r] via
// Reshape / Transpose / Reshape, the targets computed from Shape(x) (constants where static).
Outputs pixel_shuffle_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t r = ctx.const_int(node, "upscale_factor");
  const auto s = sizes_1d(ctx, x, "pixel_shuffle");
  const ValueName rr = ctx.ints_constant({r});
  const ValueName c = ctx.emit("Div", {s[1], ctx.ints_constant({r * r})});
  ValueName a =
      ctx.emit("Reshape", {x, ctx.emit("Concat", {s[0], c, rr, rr, s[2], s[3]}, {{"axis", 0}})});
  ValueName b = ctx.emit("Transpose", {a}, {{"perm", std::vector<int64_t>{0, 1, 4, 2, 5, 3}}});
  const ValueName target = ctx.emit(
      "Concat", {s[0], c, ctx.emit("Mul", {s[2], rr}), ctx.emit("Mul", {s[3], rr})}, {{"axis", 0}});
  return {ctx.emit("Reshape", {b, target})};
}

// aten::pixel_unshuffle(self, int downscale_factor): [N, C, H r, W r] -> [N, C r^2, H, W].
Outputs pixel_unshuffle_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t r = ctx.const_int(node, "downscale_factor");
  const auto s = sizes_1d(ctx, x, "pixel_unshuffle");
  const ValueName rr = ctx.ints_constant({r});
  const ValueName h = ctx.emit("Div", {s[2], rr});
  const ValueName w = ctx.emit("Div", {s[3], rr});
  ValueName a =
      ctx.emit("Reshape", {x, ctx.emit("Concat", {s[0], s[1], h, rr, w, rr}, {{"axis", 0}})});
  ValueName b = ctx.emit("Transpose", {a}, {{"perm", std::vector<int64_t>{0, 1, 3, 5, 2, 4}}});
  const ValueName target = ctx.emit(
      "Concat", {s[0], ctx.emit("Mul", {s[1], ctx.ints_constant({r * r})}), h, w}, {{"axis", 0}});
  return {ctx.emit("Reshape", {b, target})};
}

// aten::im2col(self, int[2] kernel_size, int[2] dilation, int[2] padding, int[2] stride)
// (F.unfold): Pad, one strided Slice per kernel offset (Slice-10 steps), stacked and reshaped
// to [N, C kh kw, L]; needs static H, W.
Outputs im2col_v10(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  auto k = ctx.const_ints(node, "kernel_size");
  auto d = ctx.const_ints(node, "dilation");
  auto p = ctx.const_ints(node, "padding");
  auto s = ctx.const_ints(node, "stride");
  auto dims = ctx.dims(x);
  if (!dims || dims->size() != 4 || !(*dims)[2] || !(*dims)[3]) {
    ctx.fail_unsupported("im2col needs a 4-d input with static H, W");
  }
  auto& g = ctx.builder();
  const int64_t h = *(*dims)[2] + 2 * p[0], w = *(*dims)[3] + 2 * p[1];
  if (p[0] != 0 || p[1] != 0)
    x = onnx_ops::pad(g, x, {0, 0, p[0], p[1], 0, 0, p[0], p[1]}, "constant", 0.0);
  const int64_t oh = (h - d[0] * (k[0] - 1) - 1) / s[0] + 1;
  const int64_t ow = (w - d[1] * (k[1] - 1) - 1) / s[1] + 1;
  std::vector<ValueName> parts;
  for (int64_t i = 0; i < k[0]; ++i) {
    for (int64_t j = 0; j < k[1]; ++j) {
      const int64_t y0 = i * d[0], x0 = j * d[1];
      ValueName piece =
          onnx_ops::slice(g, x, {2, 3}, {y0, x0},
                          {y0 + (oh - 1) * s[0] + 1, x0 + (ow - 1) * s[1] + 1}, {s[0], s[1]});
      parts.push_back(onnx_ops::unsqueeze(g, piece, {2}));
    }
  }
  ValueName stacked = parts.size() == 1 ? parts[0] : ctx.emit("Concat", parts, {{"axis", 2}});
  const int64_t c = (*dims)[1] ? *(*dims)[1] : -1;
  if (c < 0) ctx.fail_unsupported("im2col needs a static channel count");
  return {ctx.emit("Reshape", {stacked, ctx.ints_constant({0, c * k[0] * k[1], oh * ow})})};
}

// aten::col2im(self, SymInt[2] output_size, int[2] kernel_size, int[2] dilation,
// int[2] padding, int[2] stride) (F.fold): ONNX Col2Im (opset 18) sums the blocks back into an
// image, as torch does; a 2-d (unbatched) input gets a batch axis for it.
Outputs col2im_v18(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  const auto size = ctx.const_ints(node, "output_size");
  const auto k = ctx.const_ints(node, "kernel_size");
  const auto d = ctx.const_ints(node, "dilation");
  const auto p = ctx.const_ints(node, "padding");
  const auto s = ctx.const_ints(node, "stride");
  if (size.size() != 2 || k.size() != 2 || d.size() != 2 || p.size() != 2 || s.size() != 2) {
    ctx.fail_invalid("col2im takes two values for each of its sizes");
  }
  const int64_t rank = ctx.require_rank(x);
  if (rank != 2 && rank != 3) ctx.fail_invalid("col2im needs a 2-d or 3-d input");
  auto& g = ctx.builder();
  if (rank == 2) x = onnx_ops::unsqueeze(g, x, {0});
  ValueName y = ctx.emit(
      "Col2Im", {x, ctx.ints_constant(size), ctx.ints_constant(k)},
      {{"dilations", d}, {"pads", std::vector<int64_t>{p[0], p[1], p[0], p[1]}}, {"strides", s}});
  return {rank == 2 ? onnx_ops::squeeze(g, y, {0}) : y};
}

// aten::as_strided(self, int[] size, int[] stride, int? storage_offset): Gather from the
// flattened input (a contiguous view of its storage) with constant indices.
Outputs as_strided_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  auto size = ctx.const_ints(node, "size");
  auto stride = ctx.const_ints(node, "stride");
  const int64_t offset = ctx.optional_const_int(node, "storage_offset").value_or(0);
  at::Tensor idx = at::full({}, offset, at::kLong);
  for (size_t i = 0; i < size.size(); ++i) {
    std::vector<int64_t> shape(size.size(), 1);
    shape[i] = size[i];
    idx = idx + at::arange(size[i], at::kLong).mul(stride[i]).reshape(shape);
  }
  idx = idx.expand(size).contiguous();
  ValueName flat = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
  return {ctx.emit("Gather", {flat, ctx.constant(idx)}, {{"axis", 0}})};
}

}  // namespace pt2onnx::sym
