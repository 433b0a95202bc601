// Indexing: gathers and scatters by index tensors, masks, selection by condition, one-hot,
// embeddings and bucketing. Sorting, top-k and unique are in sorting.cpp.
//
// Note [Scatter-add before opset 16]: ONNX has no accumulating scatter before ScatterElements-16
// (reduction="add"). Below that, with static shapes, the target positions are computed as flat
// (linear) indices L, and the update is x_flat + src_flat @ (L[:, None] == arange(numel)):
// duplicates add up as in torch. Only meant for the small tensors such ops usually see.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <limits>
#include <string>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/indexing.h"
#include "symbolics/impl/quantized_values.h"

namespace pt2onnx::sym {
namespace {

bool has_arg(const Node& node, const char* name) {
  return node.maybeSchema() != nullptr && node.maybeSchema()->argumentIndexWithName(name);
}

// The indices list of index and index_put (Tensor?[] or Tensor[]): one entry per leading
// axis, none where the axis is not indexed.
std::vector<std::optional<ValueName>> index_list(SymbolicContext& ctx, const Node& node) {
  const torch::jit::Value* list = ctx.arg(node, "indices");
  std::vector<std::optional<ValueName>> idx;
  // Freezing folds a list of constant indices (x[torch.tensor([0, 2])]) into one constant.
  if (auto known = ctx.known_value(list); known && known->isList()) {
    for (const c10::IValue& item : known->toListRef()) {
      if (item.isTensor()) {
        idx.push_back(ctx.constant(item.toTensor()));
      } else {
        idx.push_back(std::nullopt);
      }
    }
    return idx;
  }
  if (list->node()->kind() == c10::prim::ListConstruct) {
    for (const auto* v : list->node()->inputs()) {
      if (v->type()->kind() == c10::TypeKind::NoneType ||
          ctx.lowered(v).kind == Lowered::Kind::kNone) {
        idx.push_back(std::nullopt);
      } else {
        idx.push_back(ctx.tensor(v));
      }
    }
  } else {
    for (const auto& t : ctx.input_list(node, "indices")) idx.push_back(t);
  }
  return idx;
}

// The positions of the list's index tensors: the indexed axes.
std::vector<int64_t> indexed_axes(const std::vector<std::optional<ValueName>>& idx) {
  std::vector<int64_t> axes;
  for (size_t i = 0; i < idx.size(); ++i) {
    if (idx[i]) axes.push_back(static_cast<int64_t>(i));
  }
  return axes;
}

// The permutation that puts `axes` (ascending) first and the other axes after them, in order.
std::vector<int64_t> indexed_axes_first(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> perm = axes;
  for (int64_t a = 0; a < rank; ++a) {
    if (std::find(axes.begin(), axes.end(), a) == axes.end()) perm.push_back(a);
  }
  return perm;
}

std::vector<int64_t> inverse_permutation(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inv[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  return inv;
}

// A bool index is a mask, and so is a uint8 one (LibTorch's deprecated form of it).
bool is_mask_index(SymbolicContext& ctx, const ValueName& index) {
  const auto type = ctx.dtype(index);
  return type == c10::kBool || type == c10::kByte;
}

// Negative indices wrapped: idx + (idx < 0) * size (size a 0-d int64).
ValueName wrap_indices(SymbolicContext& ctx, const ValueName& idx, const ValueName& size) {
  ValueName neg = ctx.cast(ctx.emit("Less", {idx, ctx.int_constant(0)}), c10::kLong);
  return ctx.emit("Add", {idx, ctx.emit("Mul", {neg, size})});
}

// The 1-d index of index_select/index_copy/... as int64 (a 0-d index becomes 1-d).
ValueName index_1d(SymbolicContext& ctx, const ValueName& index) {
  ValueName i = ctx.cast(index, c10::kLong);
  if (ctx.rank(i) == 0) i = onnx_ops::unsqueeze(ctx.builder(), i, {0});
  return i;
}

// A 1-d index along `dim` broadcast to `shape` (the shape of the source it addresses).
ValueName index_along(SymbolicContext& ctx, const ValueName& index, int64_t dim, int64_t rank,
                      const ValueName& shape) {
  std::vector<int64_t> s(static_cast<size_t>(rank), 1);
  s[static_cast<size_t>(dim)] = -1;
  return ctx.emit("Expand", {ctx.emit("Reshape", {index, ctx.ints_constant(s)}), shape});
}

// The index of each true (non-zero) element of x, one row of x's rank per element:
// Transpose(NonZero), [count, rank], what torch.nonzero and ScatterND/GatherND take.
ValueName nonzero_rows(SymbolicContext& ctx, const ValueName& x) {
  return ctx.emit("Transpose", {ctx.emit("NonZero", {x})}, {{"perm", std::vector<int64_t>{1, 0}}});
}

// The positions where a 1-d mask is true, as a 1-d int64 (NonZero; ONNX's Compress would do
// the same but its output has no inferred rank).
ValueName true_positions(SymbolicContext& ctx, const ValueName& mask) {
  return ctx.emit("Reshape", {ctx.emit("NonZero", {mask}), ctx.ints_constant({-1})});
}

// Refuses a mask on x's axes from `first` whose static sizes differ from theirs: LibTorch
// raises an IndexError there, and the positions of its true elements would address other
// elements.
void require_mask_fits(SymbolicContext& ctx, const ValueName& x, int64_t first,
                       const ValueName& mask) {
  const int64_t mrank = ctx.require_rank(mask);
  if (mrank == 0) ctx.fail_unsupported("an index with a 0-d mask");
  if (first + mrank > ctx.require_rank(x))
    ctx.fail_unsupported("a mask that covers more axes than the input has");
  for (int64_t d = 0; d < mrank; ++d) {
    const std::optional<int64_t> m = static_dim(ctx, mask, d);
    const std::optional<int64_t> a = static_dim(ctx, x, first + d);
    if (m && a && *m != *a) {
      ctx.fail_unsupported("a mask of size " + std::to_string(*m) + " on an axis of size " +
                           std::to_string(*a) + " (LibTorch raises an IndexError there)");
    }
  }
}

// The index list with every mask replaced by the positions of its true elements, one int64
// index tensor per axis the mask covers: LibTorch's own reading of a mask among other indices
// (x[m, j] is x[i0, i1, j] with (i0, i1) = m.nonzero() by columns). After it, entry k of the list
// indexes axis k again.
std::vector<std::optional<ValueName>> masks_as_positions(
    SymbolicContext& ctx, const ValueName& x, const std::vector<std::optional<ValueName>>& idx) {
  std::vector<std::optional<ValueName>> out;
  for (const auto& index : idx) {
    if (!index || !is_mask_index(ctx, *index)) {
      out.push_back(index);
      continue;
    }
    const ValueName mask = ctx.cast(*index, c10::kBool);
    require_mask_fits(ctx, x, static_cast<int64_t>(out.size()), mask);
    const int64_t mrank = ctx.require_rank(mask);
    const ValueName nonzero = ctx.emit("NonZero", {mask});  // [mrank, count]
    for (int64_t d = 0; d < mrank; ++d) {
      out.push_back(ctx.emit("Gather", {nonzero, ctx.int_constant(d)}, {{"axis", 0}}));
    }
  }
  return out;
}

enum class ScatterOp { kScatter9, kElements11, kElementsAdd16, kFlatAdd };

// out = x with src written (or added) at positions index along `dim` (ScatterElements semantics;
// index and src have the same shape).
ValueName scatter_elements(SymbolicContext& ctx, ScatterOp op, const ValueName& x, int64_t dim,
                           const ValueName& index, const ValueName& src, bool add) {
  if (!add) {
    return ctx.emit(op == ScatterOp::kScatter9 ? "Scatter" : "ScatterElements", {x, index, src},
                    {{"axis", dim}});
  }
  if (op == ScatterOp::kElementsAdd16) {
    return ctx.emit("ScatterElements", {x, index, src}, {{"axis", dim}, {"reduction", "add"}});
  }
  // See Note [Scatter-add before opset 16].
  auto xs = ctx.static_shape(x);
  auto is = ctx.static_shape(index);
  if (!xs || !is) ctx.needs_opset(16, "an accumulating scatter on dynamic shapes");
  const int64_t rank = static_cast<int64_t>(xs->size());
  const int64_t numel = at::ones(*xs).numel();
  std::vector<int64_t> strides(static_cast<size_t>(rank), 1);
  for (int64_t i = rank - 2; i >= 0; --i) strides[i] = strides[i + 1] * (*xs)[i + 1];
  at::Tensor base = at::zeros(*is, at::kLong);
  for (int64_t a = 0; a < rank; ++a) {
    if (a == dim) continue;
    std::vector<int64_t> shape(static_cast<size_t>(rank), 1);
    shape[a] = (*is)[a];
    base = base + at::arange((*is)[a], at::kLong).mul(strides[a]).reshape(shape);
  }
  ValueName idx = ctx.cast(index, c10::kLong);
  idx = wrap_indices(ctx, idx, ctx.int_constant((*xs)[dim]));
  ValueName linear =
      ctx.emit("Add", {ctx.constant(base), ctx.emit("Mul", {idx, ctx.int_constant(strides[dim])})});
  ValueName l_col = ctx.emit("Reshape", {linear, ctx.ints_constant({-1, 1})});
  ValueName onehot =
      ctx.emit("Equal", {l_col, ctx.constant(at::arange(numel, at::kLong).reshape({1, numel}))});
  const auto type = ctx.require_dtype(x);
  const c10::ScalarType calc = c10::isFloatingType(type) ? type : c10::kFloat;
  ValueName src_row = ctx.emit("Reshape", {ctx.cast(src, calc), ctx.ints_constant({1, -1})});
  ValueName added = ctx.emit("MatMul", {src_row, ctx.cast(onehot, calc)});
  ValueName x_flat = ctx.emit("Reshape", {ctx.cast(x, calc), ctx.ints_constant({1, -1})});
  ValueName sum = ctx.emit("Add", {x_flat, added});
  return ctx.cast(ctx.emit("Reshape", {sum, ctx.ints_constant(*xs)}), type);
}

}  // namespace

// aten::index_select(self, int dim, Tensor index): Gather.
Outputs index_select_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = ctx.rank(x) == 0 ? 0 : wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  ValueName idx = ctx.cast(ctx.input(node, "index"), c10::kLong);
  if (ctx.rank(idx) == 0) idx = onnx_ops::unsqueeze(ctx.builder(), idx, {0});
  return {ctx.emit("Gather", {x, idx}, {{"axis", dim}})};
}

// aten::embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse): Gather of rows.
Outputs embedding_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Gather",
                   {ctx.input(node, "weight"), ctx.cast(ctx.input(node, "indices"), c10::kLong)},
                   {{"axis", 0}})};
}

// aten::take(self, Tensor index): Gather from the flattened input.
Outputs take_v9(SymbolicContext& ctx, const Node& node) {
  ValueName flat = ctx.emit("Reshape", {ctx.input(node, "self"), ctx.ints_constant({-1})});
  return {
      ctx.emit("Gather", {flat, ctx.cast(ctx.input(node, "index"), c10::kLong)}, {{"axis", 0}})};
}

// aten::index.Tensor(self, Tensor?[] indices): x[i0, i1, ...] with None for a full slice.
// One bool mask: a Gather of the NonZero positions, for a 1-d mask or a mask over the whole
// input. Integer
// indices on adjacent axes k..k+n-1: the axes merged by a Reshape and one Gather with the
// linear index sum(i_j * stride_j) (sizes read at run time), which puts the broadcast index
// shape at axis k as torch does. Index tensors on axes that are not adjacent are first moved to
// the front, where torch puts their broadcast shape.
Outputs index_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = ctx.input(node, "self");
  auto& g = ctx.builder();
  auto idx = index_list(ctx, node);
  std::vector<int64_t> axes = indexed_axes(idx);
  if (axes.empty()) return {x};
  const int64_t rank = ctx.require_rank(x);
  // Boolean mask.
  if (axes.size() == 1 && is_mask_index(ctx, *idx[axes[0]])) {
    const ValueName mask = ctx.cast(*idx[axes[0]], c10::kBool);
    require_mask_fits(ctx, x, axes[0], mask);
    const int64_t mrank = ctx.require_rank(mask);
    if (mrank == 1)
      return {ctx.emit("Gather", {x, true_positions(ctx, mask)}, {{"axis", axes[0]}})};
    if (mrank == rank && axes[0] == 0) {
      ValueName flat = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
      ValueName mflat = ctx.emit("Reshape", {mask, ctx.ints_constant({-1})});
      return {ctx.emit("Gather", {flat, true_positions(ctx, mflat)}, {{"axis", 0}})};
    }
  }
  if (std::any_of(axes.begin(), axes.end(),
                  [&](int64_t a) { return is_mask_index(ctx, *idx[static_cast<size_t>(a)]); })) {
    // A mask among other indices, or over axes that do not start at 0.
    idx = masks_as_positions(ctx, x, idx);
    axes = indexed_axes(idx);
  }
  if (axes.back() - axes.front() + 1 != static_cast<int64_t>(axes.size())) {
    // Index tensors on axes that are not adjacent (x[i, :, j]): the broadcast index axes come
    // first in the result, so the indexed axes are moved to the front and indexed there.
    const std::vector<int64_t> perm = indexed_axes_first(axes, rank);
    x = ctx.emit("Transpose", {x}, {{"perm", perm}});
    std::vector<std::optional<ValueName>> moved;
    for (int64_t a : axes) moved.push_back(idx[static_cast<size_t>(a)]);
    idx = moved;
    for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
  }
  const int64_t k = axes.front();
  const int64_t n = static_cast<int64_t>(axes.size());
  if (n == 1) {
    return {ctx.emit("Gather", {x, ctx.cast(*idx[k], c10::kLong)}, {{"axis", k}})};
  }
  ValueName linear;
  for (int64_t j = 0; j < n; ++j) {
    ValueName size = onnx_ops::dim_size(g, x, k + j);
    ValueName i = wrap_indices(ctx, ctx.cast(*idx[k + j], c10::kLong), size);
    linear = linear.empty() ? i : ctx.emit("Add", {ctx.emit("Mul", {linear, size}), i});
  }
  ValueName merged =
      ctx.emit("Reshape", {x, shape_with_axes_replaced(ctx, x, k, n, ctx.ints_constant({-1}))});
  return {ctx.emit("Gather", {merged, linear}, {{"axis", k}})};
}

namespace {

// gather with static shapes at opset 9: flat indices into the flattened input.
ValueName gather_flat(SymbolicContext& ctx, const ValueName& x, int64_t dim,
                      const ValueName& index) {
  auto xs = ctx.static_shape(x);
  auto is = ctx.static_shape(index);
  if (!xs || !is) ctx.needs_opset(11, "gather on dynamic shapes (GatherElements)");
  const int64_t rank = static_cast<int64_t>(xs->size());
  std::vector<int64_t> strides(static_cast<size_t>(rank), 1);
  for (int64_t i = rank - 2; i >= 0; --i) strides[i] = strides[i + 1] * (*xs)[i + 1];
  at::Tensor base = at::zeros(*is, at::kLong);
  for (int64_t a = 0; a < rank; ++a) {
    if (a == dim) continue;
    std::vector<int64_t> shape(static_cast<size_t>(rank), 1);
    shape[a] = (*is)[a];
    base = base + at::arange((*is)[a], at::kLong).mul(strides[a]).reshape(shape);
  }
  ValueName idx = wrap_indices(ctx, ctx.cast(index, c10::kLong), ctx.int_constant((*xs)[dim]));
  ValueName linear =
      ctx.emit("Add", {ctx.constant(base), ctx.emit("Mul", {idx, ctx.int_constant(strides[dim])})});
  ValueName flat = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
  return ctx.emit("Gather", {flat, linear}, {{"axis", 0}});
}

}  // namespace

// aten::gather(self, int dim, Tensor index, *, bool sparse_grad): no GatherElements before
// opset 11: a Gather of flat indices (static shapes).
Outputs gather_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  return {gather_flat(ctx, x, dim, ctx.input(node, "index"))};
}

// aten::gather at opset 11: GatherElements.
Outputs gather_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  return {ctx.emit("GatherElements", {x, ctx.cast(ctx.input(node, "index"), c10::kLong)},
                   {{"axis", dim}})};
}

namespace {

// scatter.src / scatter.value (self, dim, index, src|value) and scatter_add.
Outputs scatter_impl(SymbolicContext& ctx, const Node& node, ScatterOp op, bool add) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  if (has_arg(node, "reduce")) ctx.fail_unsupported("scatter with a reduce argument");
  ValueName index = ctx.cast(ctx.input(node, "index"), c10::kLong);
  const auto type = ctx.require_dtype(x);
  ValueName src;
  if (has_arg(node, "src")) {
    src = ctx.cast(ctx.input(node, "src"), type);
    // torch reads only the index's extent of src.
    auto ss = ctx.static_shape(src);
    auto is = ctx.static_shape(index);
    if (ss && is && *ss != *is) {
      std::vector<int64_t> axes, starts, ends;
      for (size_t a = 0; a < is->size(); ++a) {
        axes.push_back(static_cast<int64_t>(a));
        starts.push_back(0);
        ends.push_back((*is)[a]);
      }
      src = onnx_ops::slice(ctx.builder(), src, axes, starts, ends);
    }
  } else {
    src =
        ctx.emit("Expand", {ctx.cast(ctx.input(node, "value"), type), ctx.emit("Shape", {index})});
  }
  return {scatter_elements(ctx, op, x, dim, index, src, add)};
}

}  // namespace

// aten::scatter.src / scatter.value: Scatter-9 (renamed ScatterElements at 11).
Outputs scatter_v9(SymbolicContext& ctx, const Node& node) {
  return scatter_impl(ctx, node, ScatterOp::kScatter9, false);
}
Outputs scatter_v11(SymbolicContext& ctx, const Node& node) {
  return scatter_impl(ctx, node, ScatterOp::kElements11, false);
}

// aten::scatter_add(self, dim, index, src): see Note [Scatter-add before opset 16]; from 16
// ScatterElements(reduction="add").
Outputs scatter_add_v9(SymbolicContext& ctx, const Node& node) {
  return scatter_impl(ctx, node, ScatterOp::kFlatAdd, true);
}
Outputs scatter_add_v16(SymbolicContext& ctx, const Node& node) {
  return scatter_impl(ctx, node, ScatterOp::kElementsAdd16, true);
}

namespace {

// aten::scatter_reduce.two(self, dim, index, src, str reduce, *, bool include_self=True) as
// ScatterElements with a reduction; `reductions` maps torch's names to those the opset has.
Outputs scatter_reduce(SymbolicContext& ctx, const Node& node,
                       const std::vector<std::pair<std::string, std::string>>& reductions) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const std::string reduce = ctx.const_string(node, "reduce");
  if (!ctx.const_bool(node, "include_self")) {
    ctx.fail_unsupported("scatter_reduce with include_self=False (ONNX reduces into self)");
  }
  std::string onnx_reduction;
  for (const auto& [torch_name, onnx_name] : reductions) {
    if (torch_name == reduce) onnx_reduction = onnx_name;
  }
  if (onnx_reduction.empty()) {
    if (reduce == "amax" || reduce == "amin") {
      ctx.needs_opset(18, "scatter_reduce '" + reduce + "' (ScatterElements max/min)");
    }
    ctx.fail_unsupported("scatter_reduce '" + reduce + "' (ONNX has no such reduction)");
  }
  const auto type = ctx.require_dtype(x);
  const ValueName index = ctx.cast(ctx.input(node, "index"), c10::kLong);
  ValueName src = ctx.cast(ctx.input(node, "src"), type);
  auto ss = ctx.static_shape(src);
  auto is = ctx.static_shape(index);
  if (!ss || !is) ctx.fail_unsupported("scatter_reduce needs static index and src shapes");
  if (*ss != *is) ctx.fail_unsupported("scatter_reduce with src larger than index");
  return {
      ctx.emit("ScatterElements", {x, index, src}, {{"axis", dim}, {"reduction", onnx_reduction}})};
}

}  // namespace

// ScatterElements-16 reduces by add and mul; 18 adds max and min.
Outputs scatter_reduce_v16(SymbolicContext& ctx, const Node& node) {
  return scatter_reduce(ctx, node, {{"sum", "add"}, {"prod", "mul"}});
}
Outputs scatter_reduce_v18(SymbolicContext& ctx, const Node& node) {
  return scatter_reduce(ctx, node,
                        {{"sum", "add"}, {"prod", "mul"}, {"amax", "max"}, {"amin", "min"}});
}

namespace {

// index_copy / index_add (self, dim, index, source[, alpha]): a scatter along dim with the 1-d
// index broadcast over source.
Outputs index_scatter(SymbolicContext& ctx, const Node& node, ScatterOp op, bool add) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  const int64_t dim = rank == 0 ? 0 : wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const auto type = ctx.require_dtype(x);
  ValueName src = ctx.cast(ctx.input(node, "source"), type);
  if (add && has_arg(node, "alpha")) {
    auto alpha = ctx.known_value(ctx.arg(node, "alpha"));
    const bool is_one = alpha && ((alpha->isInt() && alpha->toInt() == 1) ||
                                  (alpha->isDouble() && alpha->toDouble() == 1.0));
    if (!is_one) src = ctx.emit("Mul", {src, ctx.cast(ctx.input(node, "alpha"), type)});
  }
  if (ctx.rank(src) == 0 && rank > 0)
    ctx.fail_unsupported("index_copy/index_add with a 0-d source");
  ValueName idx = index_1d(ctx, ctx.input(node, "index"));
  const int64_t srank = ctx.require_rank(src);
  if (srank > 0 && srank < rank) {
    // A source of lower rank: LibTorch broadcasts each of its slices along dim (its other axes)
    // against x's slice from the right, so the missing axes are unit axes placed before those,
    // with dim itself kept where it is.
    if (dim >= srank) ctx.fail_unsupported("index_copy/index_add with a source that lacks dim");
    ValueName front = src;
    if (dim != 0) {
      const std::vector<int64_t> perm = indexed_axes_first({dim}, srank);
      front = ctx.emit("Transpose", {src}, {{"perm", perm}});
    }
    std::vector<int64_t> unit_axes;
    for (int64_t a = 1; a <= rank - srank; ++a) unit_axes.push_back(a);
    src = onnx_ops::unsqueeze(ctx.builder(), front, unit_axes);
    if (dim != 0) {
      const std::vector<int64_t> back = inverse_permutation(indexed_axes_first({dim}, rank));
      src = ctx.emit("Transpose", {src}, {{"perm", back}});
    }
  }
  if (rank > 0) {
    // torch broadcasts the source over the other axes (a source of size 1 there updates every
    // row): Expand it against x's shape with the indexed axis left at 1.
    src =
        ctx.emit("Expand", {src, shape_with_axes_replaced(ctx, x, dim, 1, ctx.ints_constant({1}))});
  }
  ValueName full = index_along(ctx, idx, dim, rank, ctx.emit("Shape", {src}));
  return {scatter_elements(ctx, op, x, dim, full, src, add)};
}

}  // namespace

// aten::index_copy(self, int dim, Tensor index, Tensor source): Scatter (9) / ScatterElements (11).
Outputs index_copy_v9(SymbolicContext& ctx, const Node& node) {
  return index_scatter(ctx, node, ScatterOp::kScatter9, false);
}
Outputs index_copy_v11(SymbolicContext& ctx, const Node& node) {
  return index_scatter(ctx, node, ScatterOp::kElements11, false);
}

// aten::index_add(self, int dim, Tensor index, Tensor source, *, Scalar alpha): an accumulating
// scatter (see Note [Scatter-add before opset 16]).
Outputs index_add_v9(SymbolicContext& ctx, const Node& node) {
  return index_scatter(ctx, node, ScatterOp::kFlatAdd, true);
}
Outputs index_add_v16(SymbolicContext& ctx, const Node& node) {
  return index_scatter(ctx, node, ScatterOp::kElementsAdd16, true);
}

// aten::index_fill.int_Scalar / int_Tensor (self, int dim, Tensor index, value): Where with a
// mask along dim, mask[i] = any(index == i) (static size along dim).
Outputs index_fill_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  const int64_t dim = rank == 0 ? 0 : wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (!size) ctx.fail_unsupported("index_fill along a dynamic axis");
  ValueName idx =
      wrap_indices(ctx, index_1d(ctx, ctx.input(node, "index")), ctx.int_constant(*size));
  ValueName eq = ctx.emit("Equal", {ctx.constant(at::arange(*size, at::kLong).reshape({*size, 1})),
                                    onnx_ops::unsqueeze(ctx.builder(), idx, {0})});
  ValueName any =
      onnx_ops::reduce(ctx.builder(), "ReduceMax", ctx.cast(eq, c10::kFloat), {1}, false);
  std::vector<int64_t> s(static_cast<size_t>(rank), 1);
  s[static_cast<size_t>(dim)] = *size;
  ValueName mask = ctx.emit("Reshape", {ctx.cast(any, c10::kBool), ctx.ints_constant(s)});
  ValueName value = ctx.cast(ctx.input(node, "value"), ctx.require_dtype(x));
  return {ctx.emit("Where", {mask, value, x})};
}

// aten::masked_fill.Scalar / masked_fill.Tensor (self, mask, value): Where.
Outputs masked_fill_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  ValueName mask = ctx.cast(ctx.input(node, "mask"), c10::kBool);
  ValueName value = ctx.cast(ctx.input(node, "value"), ctx.require_dtype(x));
  return {ctx.emit("Where", {mask, value, x})};
}

// aten::where.self / where.ScalarSelf / ScalarOther / Scalar (condition, self, other): Where
// on the promoted type.
Outputs where_v9(SymbolicContext& ctx, const Node& node) {
  if (!has_arg(node, "self")) {
    // aten::where(Tensor condition) -> Tensor[]: nonzero_numpy.
    const ValueName c = ctx.input(node, "condition");
    const int64_t rank = ctx.require_rank(c);
    ValueName nz = ctx.emit("NonZero", {c});
    std::vector<ValueName> out;
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(ctx.emit("Gather", {nz, ctx.int_constant(i)}, {{"axis", 0}}));
    return {Lowered::list(out)};
  }
  const auto type = promoted_type(ctx, {ctx.arg(node, "self"), ctx.arg(node, "other")});
  auto ab = inputs_as(ctx, {ctx.arg(node, "self"), ctx.arg(node, "other")}, type);
  ValueName cond = ctx.cast(ctx.input(node, "condition"), c10::kBool);
  return {ctx.emit("Where", {cond, ab[0], ab[1]})};
}

// aten::nonzero(self): Transpose(NonZero) -> [N, rank].
Outputs nonzero_v9(SymbolicContext& ctx, const Node& node) {
  return {nonzero_rows(ctx, ctx.input(node, "self"))};
}

// aten::nonzero_numpy(self) -> Tensor[]: the rows of NonZero.
Outputs nonzero_numpy_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  ValueName nz = ctx.emit("NonZero", {x});
  std::vector<ValueName> out;
  for (int64_t i = 0; i < rank; ++i)
    out.push_back(ctx.emit("Gather", {nz, ctx.int_constant(i)}, {{"axis", 0}}));
  return {Lowered::list(out)};
}

// aten::masked_select(self, mask): both broadcast and flattened, a Gather of the NonZero
// positions.
Outputs masked_select_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const ValueName mask = ctx.cast(ctx.input(node, "mask"), c10::kBool);
  ValueName shape = ctx.emit("Shape", {ctx.emit("Expand", {x, ctx.emit("Shape", {mask})})});
  ValueName xf = ctx.emit("Reshape", {ctx.emit("Expand", {x, shape}), ctx.ints_constant({-1})});
  ValueName mf = ctx.emit("Reshape", {ctx.emit("Expand", {mask, shape}), ctx.ints_constant({-1})});
  return {ctx.emit("Gather", {xf, true_positions(ctx, mf)}, {{"axis", 0}})};
}

// aten::masked_scatter(self, mask, source): the first count(mask) elements of source written
// where mask is true, with ScatterND at NonZero positions (opset 11).
Outputs masked_scatter_v11(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  ValueName mask = ctx.cast(ctx.input(node, "mask"), c10::kBool);
  mask = ctx.emit("Expand", {mask, ctx.emit("Shape", {x})});
  ValueName pos = nonzero_rows(ctx, mask);
  auto& g = ctx.builder();
  ValueName count = onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, pos, 0), {0});
  ValueName src = ctx.emit("Reshape", {ctx.cast(ctx.input(node, "source"), ctx.require_dtype(x)),
                                       ctx.ints_constant({-1})});
  src =
      slice_dynamic_keep_rank(ctx, src, ctx.ints_constant({0}), count, ctx.ints_constant({0}), "");
  return {ctx.emit("ScatterND", {x, pos, src})};
}

// aten::one_hot(self, int num_classes=-1): OneHot-9 with int64 depth and values; -1 infers
// max(self) + 1 at run time. OneHot takes the depth as an input, so it may be a run-time value
// (a run-time -1 is refused by the runtime: OneHot's depth must be positive).
Outputs one_hot_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.cast(ctx.input(node, "self"), c10::kLong);
  if (!ctx.known_value(ctx.arg(node, "num_classes"))) {
    const ValueName depth = ctx.emit(
        "Reshape", {ctx.cast(ctx.input(node, "num_classes"), c10::kLong), ctx.ints_constant({1})});
    return {ctx.emit("OneHot", {x, depth, ctx.ints_constant({0, 1})}, {{"axis", -1}})};
  }
  const int64_t n = ctx.const_int(node, "num_classes");
  ValueName depth;
  if (n >= 0) {
    depth = ctx.ints_constant({n});
  } else {
    ValueName mx = onnx_ops::reduce(ctx.builder(), "ReduceMax",
                                    ctx.emit("Reshape", {x, ctx.ints_constant({-1})}), {0}, true);
    depth = ctx.emit("Add", {mx, ctx.ints_constant({1})});
  }
  return {ctx.emit("OneHot", {x, depth, ctx.ints_constant({0, 1})}, {{"axis", -1}})};
}

// aten::bucketize.Tensor(self, boundaries, *, bool out_int32, bool right): the count of
// boundaries below x (right: at or below x), by broadcast comparison and ReduceSum.
Outputs bucketize_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = promoted_type(ctx, {ctx.arg(node, "self"), ctx.arg(node, "boundaries")});
  ValueName xe = onnx_ops::unsqueeze(ctx.builder(), ctx.cast(x, type), {ctx.require_rank(x)});
  ValueName b = ctx.cast(ctx.input(node, "boundaries"), type);
  ValueName hit = ctx.const_bool(node, "right") ? ctx.emit("Not", {ctx.emit("Less", {xe, b})})
                                                : ctx.emit("Greater", {xe, b});
  const int64_t rank = ctx.require_rank(x);
  ValueName count =
      onnx_ops::reduce(ctx.builder(), "ReduceSum", ctx.cast(hit, c10::kLong), {rank}, false);
  return {ctx.cast(count, ctx.const_bool(node, "out_int32") ? c10::kInt : c10::kLong)};
}

// aten::embedding_renorm(self, indices, float max_norm, float norm_type) (and _): rows of the
// table used by indices and whose norm exceeds max_norm are scaled to max_norm / (norm + 1e-7).
Outputs embedding_renorm_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName w = ctx.input(node, "self");
  auto rows = static_dim(ctx, w, 0);
  if (!rows) ctx.fail_unsupported("embedding_renorm of a table with a dynamic row count");
  const double max_norm = ctx.const_float(node, "max_norm");
  const double p = ctx.const_float(node, "norm_type");
  const auto type = ctx.require_dtype(w);
  auto& g = ctx.builder();
  ValueName norm;
  if (p == 2.0)
    norm = onnx_ops::reduce(g, "ReduceL2", w, {1}, true);
  else if (p == 1.0)
    norm = onnx_ops::reduce(g, "ReduceL1", w, {1}, true);
  else
    ctx.fail_unsupported("embedding_renorm with a norm other than 1 or 2");
  ValueName idx = ctx.emit(
      "Reshape", {ctx.cast(ctx.input(node, "indices"), c10::kLong), ctx.ints_constant({1, -1})});
  ValueName eq =
      ctx.emit("Equal", {ctx.constant(at::arange(*rows, at::kLong).reshape({*rows, 1})), idx});
  ValueName used =
      ctx.cast(onnx_ops::reduce(g, "ReduceMax", ctx.cast(eq, c10::kFloat), {1}, true), c10::kBool);
  ValueName too_big = ctx.emit("Greater", {norm, ctx.scalar_constant(max_norm, type)});
  ValueName scale = ctx.emit("Div", {ctx.scalar_constant(max_norm, type),
                                     ctx.emit("Add", {norm, ctx.scalar_constant(1e-7, type)})});
  ValueName cond = ctx.emit("And", {used, too_big});
  return {ctx.emit("Where", {cond, ctx.emit("Mul", {w, scale}), w})};
}

namespace {

// After an in-place write into `self`, a full-range aten::slice view of another tensor is that
// tensor: later readers of the base see the write too (x[:, i] = v is index_put_ on
// slice(x, 0)).
void bind_through_full_views(SymbolicContext& ctx, const Node& node, const ValueName& result) {
  if (node.kind().toQualString() != std::string("aten::index_put_")) return;
  const torch::jit::Value* v = ctx.arg(node, "self");
  while (v->node()->kind() == c10::Symbol::fromQualString("aten::slice")) {
    const Node& s = *v->node();
    const bool full = ctx.is_none(s, "start") && ctx.is_none(s, "end") &&
                      ctx.known_value(ctx.arg(s, "step")) && ctx.const_int(s, "step") == 1;
    if (!full) return;
    v = ctx.arg(s, "self");
    ctx.bind(v, result);
  }
}

// x[mask] = values (or +=) with values of one row per true position (x[mask]'s shape, or
// broadcast to it): ScatterND at the NonZero positions. The positions are distinct, so an
// accumulating write adds to what GatherND reads there.
ValueName masked_put_rows(SymbolicContext& ctx, const ValueName& x, const ValueName& mask,
                          int64_t mrank, const ValueName& values, bool accumulate) {
  auto& g = ctx.builder();
  const int64_t rank = ctx.require_rank(x);
  ValueName pos = nonzero_rows(ctx, mask);
  ValueName shape = onnx_ops::slice(g, ctx.emit("Shape", {pos}), {0}, {0}, {1});
  if (mrank < rank) {
    shape = ctx.emit("Concat",
                     {shape, onnx_ops::slice(g, ctx.emit("Shape", {x}), {0}, {mrank}, {rank})},
                     {{"axis", 0}});
  }
  ValueName rows = ctx.emit("Expand", {values, shape});
  if (accumulate) rows = ctx.emit("Add", {ctx.emit("GatherND", {x, pos}), rows});
  return ctx.emit("ScatterND", {x, pos, rows});
}

// The shape of `v` with axes [p, p + n) merged into one (n = 0 inserts a 1 there): a constant
// where v's shape is static, so that the scatters below still see static shapes.
ValueName merged_shape(SymbolicContext& ctx, const ValueName& v, int64_t p, int64_t n) {
  if (auto s = ctx.static_shape(v)) {
    std::vector<int64_t> out(s->begin(), s->begin() + p);
    int64_t merged = 1;
    for (int64_t i = p; i < p + n; ++i) merged *= (*s)[static_cast<size_t>(i)];
    out.push_back(merged);
    out.insert(out.end(), s->begin() + p + n, s->end());
    return ctx.ints_constant(out);
  }
  return shape_with_axes_replaced(ctx, v, p, n, ctx.ints_constant({n == 0 ? 1 : -1}));
}

// Shape(x) with axes [p, p + m) replaced by the shape of `index`: the shape of x[..., i, j, ...].
ValueName indexed_shape(SymbolicContext& ctx, const ValueName& x, int64_t p, int64_t m,
                        const ValueName& index) {
  auto xs = ctx.static_shape(x);
  auto is = ctx.static_shape(index);
  if (xs && is) {
    std::vector<int64_t> out(xs->begin(), xs->begin() + p);
    out.insert(out.end(), is->begin(), is->end());
    out.insert(out.end(), xs->begin() + p + m, xs->end());
    return ctx.ints_constant(out);
  }
  return shape_with_axes_replaced(ctx, x, p, m, ctx.emit("Shape", {index}));
}

// x[..., i0, i1, ...] = values (or +=) with integer index tensors on the adjacent axes
// [p, p + m): the indices are broadcast together and turned into one row-major position over
// those axes, x is viewed with them merged into one axis, and the write is a scatter along that
// axis with the positions flattened to 1-d. One path for every count and rank of indices, and an
// accumulating write keeps summing repeated positions (as LibTorch does) at every opset.
ValueName put_at_indices(SymbolicContext& ctx, const ValueName& x, int64_t p,
                         std::vector<ValueName> index, const ValueName& values, bool accumulate,
                         ScatterOp set_op, ScatterOp add_op) {
  auto& g = ctx.builder();
  const int64_t rank = ctx.require_rank(x);
  const auto m = static_cast<int64_t>(index.size());
  for (int64_t j = 0; j < m; ++j) {
    index[j] = wrap_indices(ctx, ctx.cast(index[j], c10::kLong), onnx_ops::dim_size(g, x, p + j));
  }
  if (m > 1) {
    ValueName sum = index[0];
    for (int64_t j = 1; j < m; ++j) sum = ctx.emit("Add", {sum, index[j]});
    ValueName common = ctx.emit("Shape", {sum});
    for (auto& i : index) i = ctx.emit("Expand", {i, common});
  }
  ValueName position = index[m - 1];
  std::optional<ValueName> stride;
  for (int64_t j = m - 2; j >= 0; --j) {
    ValueName size = onnx_ops::dim_size(g, x, p + j + 1);
    stride = stride ? ctx.emit("Mul", {*stride, size}) : size;
    position = ctx.emit("Add", {position, ctx.emit("Mul", {index[j], *stride})});
  }
  const int64_t irank = ctx.require_rank(position);
  ValueName src = ctx.emit("Expand", {values, indexed_shape(ctx, x, p, m, position)});
  ValueName target = x;
  if (m > 1 || irank != 1) {
    position = ctx.emit("Reshape", {position, ctx.ints_constant({-1})});
    src = ctx.emit("Reshape", {src, merged_shape(ctx, src, p, irank)});
    if (m > 1) target = ctx.emit("Reshape", {x, merged_shape(ctx, x, p, m)});
  }
  const int64_t frank = rank - m + 1;
  auto ss = ctx.static_shape(src);
  ValueName src_shape = ss ? ctx.ints_constant(*ss) : ctx.emit("Shape", {src});
  ValueName full = index_along(ctx, position, p, frank, src_shape);
  ValueName out =
      scatter_elements(ctx, accumulate ? add_op : set_op, target, p, full, src, accumulate);
  if (m > 1) {
    auto xs = ctx.static_shape(x);
    out = ctx.emit("Reshape", {out, xs ? ctx.ints_constant(*xs) : ctx.emit("Shape", {x})});
  }
  return out;
}

// index_put(self, indices, values, accumulate): a bool mask (Where, or an accumulating add;
// ScatterND for rows of values where the opset has it) or integer index tensors on adjacent
// axes (put_at_indices).
Outputs index_put_impl(SymbolicContext& ctx, const Node& node, ScatterOp set_op, ScatterOp add_op,
                       bool scatter_nd) {
  const ValueName x = ctx.input(node, "self");
  const int64_t rank = ctx.require_rank(x);
  const auto type = ctx.require_dtype(x);
  const bool accumulate = ctx.const_bool(node, "accumulate");
  ValueName values = ctx.cast(ctx.input(node, "values"), type);
  auto idx = index_list(ctx, node);
  std::vector<int64_t> axes = indexed_axes(idx);
  if (axes.empty()) ctx.fail_unsupported("index_put without an index tensor");
  // One mask on the leading axes: Where, or ScatterND of rows. A mask elsewhere or among other
  // indices becomes the positions of its true elements, written like integer indices.
  if (axes.size() == 1 && axes[0] == 0 && is_mask_index(ctx, *idx[0])) {
    ValueName mask = ctx.cast(*idx[0], c10::kBool);
    require_mask_fits(ctx, x, 0, mask);
    const int64_t mrank = ctx.require_rank(mask);
    if (ctx.rank(values).value_or(1) != 0) {
      if (!scatter_nd) {
        ctx.needs_opset(11, "index_put with a mask and non-scalar values (ScatterND)");
      }
      ValueName out = masked_put_rows(ctx, x, mask, mrank, values, accumulate);
      bind_through_full_views(ctx, node, out);
      return {out};
    }
    // Scalar values: the mask's axes lead; it broadcasts over the trailing ones.
    if (mrank < rank) {
      std::vector<int64_t> trail;
      for (int64_t i = mrank; i < rank; ++i) trail.push_back(i);
      mask = onnx_ops::unsqueeze(ctx.builder(), mask, trail);
    }
    ValueName out =
        accumulate
            ? ctx.emit("Add", {x, ctx.emit("Where", {mask, values, ctx.scalar_constant(0, type)})})
            : ctx.emit("Where", {mask, values, x});
    bind_through_full_views(ctx, node, out);
    return {out};
  }
  if (std::any_of(axes.begin(), axes.end(),
                  [&](int64_t a) { return is_mask_index(ctx, *idx[a]); })) {
    idx = masks_as_positions(ctx, x, idx);
    axes = indexed_axes(idx);
  }
  std::vector<ValueName> index;
  for (int64_t a : axes) index.push_back(*idx[a]);
  ValueName out;
  if (axes.back() - axes.front() + 1 == static_cast<int64_t>(axes.size())) {
    out = put_at_indices(ctx, x, axes.front(), index, values, accumulate, set_op, add_op);
  } else {
    // Index tensors on axes that are not adjacent (x[i, :, j]): LibTorch puts the broadcast
    // index axes first in x[...], so x is transposed to have the indexed axes lead.
    const std::vector<int64_t> perm = indexed_axes_first(axes, rank);
    ValueName xt = ctx.emit("Transpose", {x}, {{"perm", perm}});
    ValueName put = put_at_indices(ctx, xt, 0, index, values, accumulate, set_op, add_op);
    out = ctx.emit("Transpose", {put}, {{"perm", inverse_permutation(perm)}});
  }
  bind_through_full_views(ctx, node, out);
  return {out};
}

}  // namespace

// aten::index_put / index_put_ (self, Tensor?[] indices, Tensor values, bool accumulate) and the
// hacked_twin overloads: Scatter (9) / ScatterElements (11), accumulating as in Note
// [Scatter-add before opset 16] below 16.
Outputs index_put_v9(SymbolicContext& ctx, const Node& node) {
  return index_put_impl(ctx, node, ScatterOp::kScatter9, ScatterOp::kFlatAdd, false);
}
Outputs index_put_v11(SymbolicContext& ctx, const Node& node) {
  return index_put_impl(ctx, node, ScatterOp::kElements11, ScatterOp::kFlatAdd, true);
}
Outputs index_put_v16(SymbolicContext& ctx, const Node& node) {
  return index_put_impl(ctx, node, ScatterOp::kElements11, ScatterOp::kElementsAdd16, true);
}

namespace {

// [0, 1, ..., count) as a 1-d int64: a constant for a known count, else Range (opset 11).
ValueName counting(SymbolicContext& ctx, const ValueName& count, bool run_time_counts,
                   const std::string& what) {
  if (const at::Tensor* c = ctx.constant_of(count))
    return ctx.constant(at::arange(c->item<int64_t>(), at::kLong));
  if (!run_time_counts) ctx.needs_opset(11, "embedding_bag with a run-time number of " + what);
  return ctx.emit("Range", {ctx.int_constant(0), count, ctx.int_constant(1)});
}

// aten::embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse,
// per_sample_weights, include_last_offset[, padding_idx]) -> (out, offset2bag, bag_size,
// max_indices). Rows are gathered; bag membership is a [bags, n] mask M[b, p] = (bag(p) == b)
// with bag(p) = #{j : offsets[j] <= p} - 1 (2-d indices: bag(p) = p / length); sum and mean are
// MatMuls with M, max a ReduceMax under it. Run-time bag and index counts need Range (opset 11).
// Only the first output carries torch's value; the others are placeholders.
Outputs embedding_bag_rows(SymbolicContext& ctx, const Node& node, const ValueName& w,
                           bool run_time_counts) {
  ValueName indices = ctx.cast(ctx.input(node, "indices"), c10::kLong);
  const int64_t mode = ctx.const_int(node, "mode");
  const bool include_last = ctx.const_bool(node, "include_last_offset");
  std::optional<int64_t> padding_idx;
  if (has_arg(node, "padding_idx")) padding_idx = ctx.optional_const_int(node, "padding_idx");
  const auto type = ctx.require_dtype(w);
  auto& g = ctx.builder();
  const int64_t rank = ctx.require_rank(indices);
  ValueName membership;  // BOOL [bags, n]
  if (rank == 2) {
    const ValueName bags = onnx_ops::dim_size(g, indices, 0);
    const ValueName len = onnx_ops::dim_size(g, indices, 1);
    indices = ctx.emit("Reshape", {indices, ctx.ints_constant({-1})});
    const ValueName n = onnx_ops::dim_size(g, indices, 0);
    const ValueName bag = ctx.emit("Div", {counting(ctx, n, run_time_counts, "indices"), len});
    membership = ctx.emit(
        "Equal", {onnx_ops::unsqueeze(g, counting(ctx, bags, run_time_counts, "bags"), {1}),
                  onnx_ops::unsqueeze(g, bag, {0})});
  } else {
    ValueName offsets = ctx.cast(ctx.input(node, "offsets"), c10::kLong);
    if (ctx.require_rank(offsets) != 1) ctx.fail_unsupported("embedding_bag with 2-d offsets");
    ValueName bags = onnx_ops::dim_size(g, offsets, 0);
    if (include_last) bags = ctx.emit("Sub", {bags, ctx.int_constant(1)});
    const ValueName n = onnx_ops::dim_size(g, indices, 0);
    ValueName pos = onnx_ops::unsqueeze(g, counting(ctx, n, run_time_counts, "indices"), {1});
    ValueName started =
        ctx.emit("Not", {ctx.emit("Greater", {onnx_ops::unsqueeze(g, offsets, {0}), pos})});
    ValueName bag = ctx.emit(
        "Sub", {onnx_ops::reduce(g, "ReduceSum", ctx.cast(started, c10::kLong), {1}, false),
                ctx.int_constant(1)});
    membership = ctx.emit(
        "Equal", {onnx_ops::unsqueeze(g, counting(ctx, bags, run_time_counts, "bags"), {1}),
                  onnx_ops::unsqueeze(g, bag, {0})});
  }
  if (padding_idx && *padding_idx >= 0) {
    ValueName keep =
        ctx.emit("Not", {ctx.emit("Equal", {indices, ctx.int_constant(*padding_idx)})});
    membership = ctx.emit("And", {membership, onnx_ops::unsqueeze(ctx.builder(), keep, {0})});
  }
  ValueName rows = ctx.emit("Gather", {w, indices}, {{"axis", 0}});  // [n, D]
  if (auto psw = ctx.optional_input(node, "per_sample_weights")) {
    rows = ctx.emit("Mul", {rows, onnx_ops::unsqueeze(ctx.builder(), ctx.cast(*psw, type), {1})});
  }
  ValueName mf = ctx.cast(membership, type);
  ValueName count = onnx_ops::reduce(ctx.builder(), "ReduceSum", mf, {1}, true);  // [bags, 1]
  ValueName out;
  if (mode == 0 || mode == 1) {
    out = ctx.emit("MatMul", {mf, rows});
    if (mode == 1)
      out = ctx.emit("Div", {out, ctx.emit("Max", {count, ctx.scalar_constant(1, type)})});
  } else {
    ValueName m3 = onnx_ops::unsqueeze(ctx.builder(), membership, {2});  // [bags, n, 1]
    ValueName low = ctx.scalar_constant(-std::numeric_limits<float>::infinity(), type);
    ValueName picked = ctx.emit("Where", {m3, onnx_ops::unsqueeze(ctx.builder(), rows, {0}), low});
    out = onnx_ops::reduce(ctx.builder(), "ReduceMax", picked, {1}, false);
    ValueName empty = ctx.emit("Less", {count, ctx.scalar_constant(0.5, type)});
    out = ctx.emit("Where", {empty, ctx.scalar_constant(0, type), out});
  }
  ValueName placeholder = ctx.ints_constant({0});
  return {out, placeholder, placeholder, placeholder};
}

}  // namespace

Outputs embedding_bag_v9(SymbolicContext& ctx, const Node& node) {
  return embedding_bag_rows(ctx, node, ctx.input(node, "weight"), false);
}
Outputs embedding_bag_v11(SymbolicContext& ctx, const Node& node) {
  return embedding_bag_rows(ctx, node, ctx.input(node, "weight"), true);
}

namespace {

// quantized::embedding_bag_byte / embedding_bag_4bit(packed weight, indices, offsets,
// scale_grad_by_freq, mode, pruned_weights, per_sample_weights, compressed_indices_mapping,
// include_last_offset): weight-only quantization, whose result is float. The bags are summed as
// embedding_bag's, over the table of the rows LibTorch's kernel dequantizes.
Outputs quantized_embedding_bag(SymbolicContext& ctx, const Node& node, bool run_time_counts) {
  if (ctx.const_bool(node, "pruned_weights"))
    ctx.fail_unsupported("a quantized embedding bag with pruned weights");
  const ValueName w = ctx.constant(dequantized_embedding_table(ctx, node));
  return {embedding_bag_rows(ctx, node, w, run_time_counts).at(0)};
}

}  // namespace

Outputs quantized_embedding_bag_v9(SymbolicContext& ctx, const Node& node) {
  return quantized_embedding_bag(ctx, node, false);
}
Outputs quantized_embedding_bag_v11(SymbolicContext& ctx, const Node& node) {
  return quantized_embedding_bag(ctx, node, true);
}

// quantized::embedding_byte(packed weight, indices, pruned_weights): Gather on
// the dequantized table.
Outputs quantized_embedding_v9(SymbolicContext& ctx, const Node& node) {
  if (ctx.const_bool(node, "pruned_weights"))
    ctx.fail_unsupported("a quantized embedding with pruned weights");
  const ValueName w = ctx.constant(dequantized_embedding_table(ctx, node));
  return {ctx.emit("Gather", {w, ctx.cast(ctx.input(node, "indices"), c10::kLong)}, {{"axis", 0}})};
}

}  // namespace pt2onnx::sym
