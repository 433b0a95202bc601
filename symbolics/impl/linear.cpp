// Matrix products.
#include <torch/csrc/jit/ir/ir.h>

#include "symbolics/helpers.h"
#include "symbolics/impl/linear.h"

namespace pt2onnx::sym {

// aten::linear(input, weight, bias?): Gemm(transB) for 2-d input, MatMul + Add otherwise.
Outputs linear_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "input");
  const ValueName w = ctx.input(node, "weight");
  auto bias = ctx.optional_input(node, "bias");
  if (ctx.rank(x) == 2 && bias) return {ctx.emit("Gemm", {x, w, *bias}, {{"transB", 1}})};
  ValueName y = ctx.emit("MatMul", {x, ctx.emit("Transpose", {w}, {{"perm", {1, 0}}})});
  if (bias) y = ctx.emit("Add", {y, *bias});
  return {y};
}

// aten::addmm(self, mat1, mat2, *, beta=1, alpha=1) = beta * self + alpha * mat1 @ mat2
Outputs addmm_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Gemm", {ctx.input(node, "mat1"), ctx.input(node, "mat2"), ctx.input(node, "self")},
                   {{"alpha", ctx.const_float(node, "alpha")}, {"beta", ctx.const_float(node, "beta")}})};
}

// aten::matmul / mm / bmm (self, other)
Outputs matmul_v9(SymbolicContext& ctx, const Node& node) {
  auto [a, b] = binary_operands(ctx, node);
  return {ctx.emit("MatMul", {ctx.tensor(a), ctx.tensor(b)})};
}

// aten::t(self): transpose of a matrix; vectors and scalars unchanged.
Outputs t_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (ctx.require_rank(x) < 2) return {x};
  return {ctx.emit("Transpose", {x}, {{"perm", {1, 0}}})};
}

}  // namespace pt2onnx::sym
