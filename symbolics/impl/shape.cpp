// Ops that move data without computing on it: reshapes, transposes, concatenation, slicing,
// dtype conversion.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <limits>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/shape.h"

namespace pt2onnx::sym {

// aten::view / aten::reshape (self, int[] shape): Reshape with the shape computed at run time
// where it is (so dynamic axes stay dynamic).
Outputs reshape_v9(SymbolicContext& ctx, const Node& node) {
  const char* shape_arg = node.maybeSchema() && node.maybeSchema()->argumentIndexWithName("size") ? "size" : "shape";
  return {ctx.emit("Reshape", {ctx.input(node, "self"), ctx.cast(ctx.input(node, shape_arg), c10::kLong)})};
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
  auto& g = ctx.builder();
  ValueName shape = ctx.emit("Shape", {x});
  std::vector<ValueName> parts;
  if (start > 0) parts.push_back(onnx_ops::slice(g, shape, {0}, {0}, {start}));
  parts.push_back(ctx.ints_constant({-1}));
  if (end < rank - 1) parts.push_back(onnx_ops::slice(g, shape, {0}, {end + 1}, {rank}));
  ValueName target = parts.size() == 1 ? parts[0] : ctx.emit("Concat", parts, {{"axis", 0}});
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

// aten::squeeze(self) / squeeze.dim(self, int dim): a dim that is not 1 stays (torch semantics).
Outputs squeeze_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (node.inputs().size() == 1) {
    auto dims = ctx.dims(x);
    if (!dims) ctx.fail_invalid("squeeze() without a dim needs the input's shape (give --shape)");
    std::vector<int64_t> axes;
    for (size_t i = 0; i < dims->size(); ++i) {
      if (!(*dims)[i]) ctx.fail_unsupported("squeeze() without a dim on an input with dynamic axes");
      if (*(*dims)[i] == 1) axes.push_back(static_cast<int64_t>(i));
    }
    if (axes.empty()) return {x};
    return {onnx_ops::squeeze(ctx.builder(), x, axes)};
  }
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (size && *size != 1) return {x};
  if (!size) ctx.fail_unsupported("squeeze(dim) on a dynamic axis (its size may not be 1)");
  return {onnx_ops::squeeze(ctx.builder(), x, {dim})};
}

// aten::cat(Tensor[] tensors, int dim)
Outputs cat_v9(SymbolicContext& ctx, const Node& node) {
  auto items = ctx.input_list(node, "tensors");
  // torch skips 1-d empty tensors in cat (legacy behaviour); ONNX would reject them.
  std::vector<ValueName> kept;
  for (const auto& t : items) {
    auto shape = ctx.static_shape(t);
    if (shape && shape->size() == 1 && (*shape)[0] == 0 && items.size() > 1) continue;
    kept.push_back(t);
  }
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), kept[0]);
  if (kept.size() == 1) return {kept[0]};
  return {ctx.emit("Concat", kept, {{"axis", dim}})};
}

// aten::stack(Tensor[] tensors, int dim)
Outputs stack_v9(SymbolicContext& ctx, const Node& node) {
  auto items = ctx.input_list(node, "tensors");
  int64_t dim = ctx.const_int(node, "dim");
  if (dim < 0) dim += ctx.require_rank(items[0]) + 1;
  std::vector<ValueName> parts;
  for (const auto& t : items) parts.push_back(onnx_ops::unsqueeze(ctx.builder(), t, {dim}));
  if (parts.size() == 1) return {parts[0]};
  return {ctx.emit("Concat", parts, {{"axis", dim}})};
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
    const int64_t end = ctx.optional_const_int(node, "end").value_or(std::numeric_limits<int64_t>::max());
    if (start == 0 && end == std::numeric_limits<int64_t>::max() && step == 1) return {x};
    return {onnx_ops::slice(ctx.builder(), x, {dim}, {start}, {end}, {step})};
  }
  auto as_1d = [&](const char* name, int64_t fallback) {
    ValueName v = ctx.is_none(node, name) ? ctx.int_constant(fallback) : ctx.cast(ctx.input(node, name), c10::kLong);
    return onnx_ops::unsqueeze(ctx.builder(), v, {0});
  };
  return {onnx_ops::slice_dynamic(ctx.builder(), x, as_1d("start", 0),
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
  return {ctx.emit("Expand", {ctx.input(node, "self"), ctx.emit("Shape", {ctx.input(node, "other")})})};
}

// aten::chunk(self, int chunks, int dim) -> Tensor[] (static size along dim)
Outputs chunk_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t chunks = ctx.const_int(node, "chunks");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  auto size = static_dim(ctx, x, dim);
  if (!size) ctx.fail_unsupported("chunk along a dynamic axis");
  const int64_t piece = (*size + chunks - 1) / chunks;
  std::vector<int64_t> sizes;
  for (int64_t left = *size; left > 0; left -= piece) sizes.push_back(std::min(piece, left));
  return {Lowered::list(onnx_ops::split(ctx.builder(), x, dim, sizes))};
}

// aten::split.Tensor(self, int split_size, int dim) / split_with_sizes(self, int[] split_sizes, int dim)
Outputs split_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const char* arg = node.maybeSchema()->argumentIndexWithName("split_sizes") ? "split_sizes" : "split_size";
  auto given = ctx.const_ints(node, arg);
  std::vector<int64_t> sizes = given;
  if (std::string(arg) == "split_size") {
    auto size = static_dim(ctx, x, dim);
    if (!size) ctx.fail_unsupported("split along a dynamic axis");
    sizes.clear();
    for (int64_t left = *size; left > 0; left -= given[0]) sizes.push_back(std::min(given[0], left));
  }
  return {Lowered::list(onnx_ops::split(ctx.builder(), x, dim, sizes))};
}

// aten::to(self, dtype, ...) in its several overloads; only the dtype matters on CPU.
Outputs to_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.tensor(node.input(0));
  const auto* schema = node.maybeSchema();
  if (schema && schema->argumentIndexWithName("dtype") && !ctx.is_none(node, "dtype")) {
    auto iv = ctx.known_value(ctx.arg(node, "dtype"));
    if (iv && iv->isInt()) return {ctx.cast(x, static_cast<c10::ScalarType>(iv->toInt()))};
  }
  if (schema && schema->argumentIndexWithName("other")) {
    return {ctx.cast(x, ctx.require_dtype(ctx.input(node, "other")))};
  }
  return {x};
}

// aten::type_as(self, other)
Outputs type_as_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.cast(ctx.input(node, "self"), ctx.require_dtype(ctx.input(node, "other")))};
}

// aten::contiguous / clone / detach and friends that survive the passes: identity.
Outputs identity_v9(SymbolicContext& ctx, const Node& node) { return {ctx.tensor(node.input(0))}; }

}  // namespace pt2onnx::sym
