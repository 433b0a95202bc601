// Writes through views: `mask[h0:h1, w0:w1] = count` is aten::copy_ into a chain of slices of
// `mask` (an in-place op on a view becomes one too: lib/passes/write_back_views.cpp). LibTorch's
// RemoveTensorMutation leaves these (the view aliases its base), so the write happens here: the
// positions the view covers are found by applying the same view chain to a grid of flat indices,
// the source is scattered into the flattened base, and the base is rebound to the result, so later
// readers of it (and of the views) see the write.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "onnx/ops.h"
#include "symbolics/aliasing.h"
#include "symbolics/context.h"
#include "symbolics/symbolic.h"

namespace pt2onnx::sym {
namespace {

// Views that only rearrange which elements of the base they show (no element twice): applying
// the same chain to a grid of flat indices gives the positions a write through them reaches.
bool is_view_kind(const torch::jit::Node* node) {
  static const c10::Symbol kinds[] = {c10::aten::slice,     c10::aten::select,   c10::aten::narrow,
                                      c10::aten::view,      c10::aten::reshape,  c10::aten::flatten,
                                      c10::aten::transpose, c10::aten::permute,  c10::aten::t,
                                      c10::aten::squeeze,   c10::aten::unsqueeze};
  return std::find(std::begin(kinds), std::end(kinds), node->kind()) != std::end(kinds);
}

// The view chain from the base down to `view`, outermost first.
std::vector<const Node*> view_chain(const torch::jit::Value* view) {
  std::vector<const Node*> chain;
  while (is_view_kind(view->node())) {
    chain.insert(chain.begin(), view->node());
    view = view->node()->input(0);
  }
  return chain;
}

using IndexGrid = ValueName (*)(SymbolicContext& ctx, const ValueName& base);

// The flat position of every element of `base`, shaped like it: a constant where the shape is
// static (any opset).
ValueName static_index_grid(SymbolicContext& ctx, const ValueName& base) {
  const auto shape = ctx.static_shape(base);
  if (!shape) {
    ctx.needs_opset(
        11, "writing into a slice of a tensor whose shape is only known at run time (Range)");
  }
  int64_t numel = 1;
  for (int64_t d : *shape) numel *= d;
  return ctx.constant(at::arange(numel, at::kLong).reshape(*shape));
}

// Opset 11: Range over the element count, reshaped to the run-time shape.
ValueName dynamic_index_grid(SymbolicContext& ctx, const ValueName& base) {
  if (ctx.static_shape(base)) return static_index_grid(ctx, base);
  const ValueName shape = ctx.emit("Shape", {base});
  const ValueName numel = onnx_ops::reduce(ctx.builder(), "ReduceProd", shape, {}, false);
  const ValueName flat = ctx.emit("Range", {ctx.int_constant(0), numel, ctx.int_constant(1)});
  return ctx.emit("Reshape", {flat, shape});
}

Outputs copy_into_view(SymbolicContext& ctx, const Node& node, const char* scatter,
                       IndexGrid index_grid) {
  const torch::jit::Value* view = node.input(0);
  const auto chain = view_chain(view);
  if (chain.empty()) {
    // A plain x.copy_(src): the result is src, broadcast and cast to x.
    const ValueName x = ctx.tensor(view);
    ValueName src = ctx.cast(ctx.input(node, "src"), ctx.dtype(x).value_or(c10::kFloat));
    src = ctx.emit("Expand", {src, ctx.emit("Shape", {x})});
    ctx.bind(view, src);
    return {src};
  }
  // A base defined outside the loop or branch that writes it is carried out of that block by
  // the If/Loop symbolic (control_flow.cpp); the dispatcher checks that it was.
  const torch::jit::Value* base_value = chain.front()->input(0);
  const ValueName base = ctx.tensor(base_value);
  const auto dtype = ctx.dtype(base).value_or(c10::kFloat);

  // The positions the view covers: the view chain applied to the index grid.
  ctx.bind(base_value, index_grid(ctx, base));
  for (const Node* step : chain) ctx.convert_again(*step);
  const ValueName positions = ctx.tensor(view);

  const ValueName minus_one = ctx.ints_constant({-1});
  ValueName src = ctx.cast(ctx.input(node, "src"), dtype);
  src = ctx.emit("Expand", {src, ctx.emit("Shape", {positions})});
  const ValueName written =
      ctx.emit(scatter,
               {ctx.emit("Reshape", {base, minus_one}), ctx.emit("Reshape", {positions, minus_one}),
                ctx.emit("Reshape", {src, minus_one})},
               {{"axis", 0}});
  const ValueName result = ctx.emit("Reshape", {written, ctx.emit("Shape", {base})});

  // Later readers of the base and of the views see the write. A base that is the result of
  // in-place ops (`y1 = y.index_put_(...)`, as a trace records `y[i] = a; y[:, j] = b`) is the
  // storage of the tensor they wrote, which takes the write too.
  ctx.bind(base_value, result);
  for (const torch::jit::Value* v = base_value;
       !written_tensors(*v->node()).empty() && aliases_input(*v->node()); v = v->node()->input(0)) {
    ctx.bind(v->node()->input(0), result);
  }
  for (const Node* step : chain) ctx.convert_again(*step);
  return {ctx.tensor(view)};
}

}  // namespace

// aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) into a chain of
// slice/select/narrow views: Scatter (opset 9) into the flattened base; the base's shape must be
// static.
Outputs copy__v9(SymbolicContext& ctx, const Node& node) {
  return copy_into_view(ctx, node, "Scatter", static_index_grid);
}

// Opset 11: ScatterElements, and a Range-built index grid for run-time shapes.
Outputs copy__v11(SymbolicContext& ctx, const Node& node) {
  return copy_into_view(ctx, node, "ScatterElements", dynamic_index_grid);
}

}  // namespace pt2onnx::sym
