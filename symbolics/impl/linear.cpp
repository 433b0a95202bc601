// Matrix products.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <numeric>

#include "onnx/ops.h"
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
  return {ctx.emit(
      "Gemm", {ctx.input(node, "mat1"), ctx.input(node, "mat2"), ctx.input(node, "self")},
      {{"alpha", ctx.const_float(node, "alpha")}, {"beta", ctx.const_float(node, "beta")}})};
}

// aten::matmul(self, other), mm/bmm(self, mat2), mv(self, vec), dot(self, tensor): MatMul,
// which follows numpy's rules for 1-d operands as torch does. The second operand's schema name
// varies, so the operands are read by position.
Outputs matmul_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("MatMul", {ctx.tensor(node.input(0)), ctx.tensor(node.input(1))})};
}

// aten::t(self): transpose of a matrix; vectors and scalars unchanged.
Outputs t_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  if (ctx.require_rank(x) < 2) return {x};
  return {ctx.emit("Transpose", {x}, {{"perm", {1, 0}}})};
}

namespace {

// cross product along `dim` (size 3): a[yzx] * b[zxy] - a[zxy] * b[yzx], the rotations taken
// with Gather.
ValueName cross_along(SymbolicContext& ctx, const ValueName& a, const ValueName& b, int64_t dim) {
  const ValueName i120 = ctx.ints_constant({1, 2, 0});
  const ValueName i201 = ctx.ints_constant({2, 0, 1});
  auto rot = [&](const ValueName& v, const ValueName& idx) {
    return ctx.emit("Gather", {v, idx}, {{"axis", dim}});
  };
  return ctx.emit("Sub", {ctx.emit("Mul", {rot(a, i120), rot(b, i201)}),
                          ctx.emit("Mul", {rot(a, i201), rot(b, i120)})});
}

}  // namespace

// aten::outer(Tensor self, Tensor vec2) = self[:, None] * vec2
Outputs outer_v9(SymbolicContext& ctx, const Node& node) {
  const auto* a = node.input(0);
  const auto* b = node.input(1);
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  return {ctx.emit("Mul", {onnx_ops::unsqueeze(ctx.builder(), in[0], {1}), in[1]})};
}

// aten::baddbmm(self, batch1, batch2, *, beta=1, alpha=1) = beta * self + alpha * batch1 @ batch2.
// alpha and beta may be computed at run time; torch ignores self where beta is 0 (a NaN in self
// does not propagate), so a run-time beta selects 0 there rather than multiplying.
Outputs baddbmm_v9(SymbolicContext& ctx, const Node& node) {
  ValueName self = ctx.input(node, "self");
  ValueName prod = ctx.emit("MatMul", {ctx.input(node, "batch1"), ctx.input(node, "batch2")});
  const auto type = ctx.dtype(prod).value_or(c10::kFloat);
  const auto alpha = ctx.known_value(ctx.arg(node, "alpha"));
  const auto beta = ctx.known_value(ctx.arg(node, "beta"));
  if (!alpha) {
    prod = ctx.emit("Mul", {prod, ctx.cast(ctx.input(node, "alpha"), type)});
  } else if (ctx.const_float(node, "alpha") != 1.0) {
    prod = ctx.emit("Mul", {prod, ctx.scalar_constant(ctx.const_float(node, "alpha"), type)});
  }
  if (!beta) {
    const ValueName b = ctx.cast(ctx.input(node, "beta"), type);
    const ValueName zero = ctx.scalar_constant(0, type);
    // Equal takes floats only from opset 11: beta is 0 where it is neither below nor above it.
    const ValueName nonzero =
        ctx.emit("Or", {ctx.emit("Less", {b, zero}), ctx.emit("Greater", {b, zero})});
    self = ctx.emit("Where", {nonzero, ctx.emit("Mul", {self, b}), zero});
    return {ctx.emit("Add", {self, prod})};
  }
  const double beta_value = ctx.const_float(node, "beta");
  if (beta_value == 0.0) return {prod};
  if (beta_value != 1.0) self = ctx.emit("Mul", {self, ctx.scalar_constant(beta_value, type)});
  return {ctx.emit("Add", {self, prod})};
}

// aten::einsum(str equation, Tensor[] tensors, *, int[]? path=None): ONNX Einsum (opset 12).
Outputs einsum_v12(SymbolicContext& ctx, const Node& node) {
  std::string eq = ctx.const_string(node, "equation");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  return {ctx.emit("Einsum", ctx.input_list(node, "tensors"), {{"equation", eq}})};
}

namespace {

// tensordot where a shape is known only at run time: as tensordot_v9, with the matrix sizes and
// the result's shape computed from Shape() of the transposed operands.
ValueName tensordot_run_time(SymbolicContext& ctx, const ValueName& ta, const ValueName& tb,
                             int64_t free_a, int64_t rank_a, int64_t contracted, int64_t rank_b) {
  auto& g = ctx.builder();
  const ValueName sa = ctx.emit("Shape", {ta});
  const ValueName sb = ctx.emit("Shape", {tb});
  auto part = [&](const ValueName& shape, int64_t begin, int64_t end) {
    return onnx_ops::slice(g, shape, {0}, {begin}, {end});
  };
  auto product = [&](const ValueName& shape, int64_t count) {
    if (count == 0) return ctx.ints_constant({1});
    return onnx_ops::reduce(g, "ReduceProd", shape, {0}, true);
  };
  const ValueName fa_shape = part(sa, 0, free_a);
  const ValueName fb_shape = part(sb, contracted, rank_b);
  const ValueName k = product(part(sa, free_a, rank_a), contracted);
  const ValueName fa = product(fa_shape, free_a);
  const ValueName fb = product(fb_shape, rank_b - contracted);
  const ValueName ma = ctx.emit("Reshape", {ta, ctx.emit("Concat", {fa, k}, {{"axis", 0}})});
  const ValueName mb = ctx.emit("Reshape", {tb, ctx.emit("Concat", {k, fb}, {{"axis", 0}})});
  const ValueName out_shape = ctx.emit("Concat", {fa_shape, fb_shape}, {{"axis", 0}});
  return ctx.emit("Reshape", {ctx.emit("MatMul", {ma, mb}), out_shape});
}

}  // namespace

// aten::tensordot(Tensor self, Tensor other, int[] dims_self, int[] dims_other): the contracted
// dims are moved to the end of self and the start of other, both are flattened to matrices, and
// the MatMul result is reshaped to the free dims (sizes computed at run time where dynamic).
Outputs tensordot_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName a = ctx.input(node, "self");
  const ValueName b = ctx.input(node, "other");
  auto sa = ctx.static_shape(a);
  auto sb = ctx.static_shape(b);
  const int64_t ra = ctx.require_rank(a);
  const int64_t rb = ctx.require_rank(b);
  std::vector<int64_t> da = ctx.const_ints(node, "dims_self");
  std::vector<int64_t> db = ctx.const_ints(node, "dims_other");
  for (auto& d : da) d = d < 0 ? d + ra : d;
  for (auto& d : db) d = d < 0 ? d + rb : d;
  if (da.size() != db.size()) ctx.fail_invalid("tensordot: dims lists of different lengths");
  std::vector<int64_t> perm_a, perm_b, out_shape;
  for (int64_t i = 0; i < ra; ++i) {
    if (std::find(da.begin(), da.end(), i) == da.end()) perm_a.push_back(i);
  }
  const int64_t free_count = static_cast<int64_t>(perm_a.size());
  for (int64_t d : da) perm_a.push_back(d);
  for (int64_t d : db) perm_b.push_back(d);
  for (int64_t i = 0; i < rb; ++i) {
    if (std::find(db.begin(), db.end(), i) == db.end()) perm_b.push_back(i);
  }
  const ValueName ta = ctx.emit("Transpose", {a}, {{"perm", perm_a}});
  const ValueName tb = ctx.emit("Transpose", {b}, {{"perm", perm_b}});
  const int64_t contracted = static_cast<int64_t>(da.size());
  if (!sa || !sb) return {tensordot_run_time(ctx, ta, tb, free_count, ra, contracted, rb)};
  int64_t free_a = 1, free_b = 1, k = 1;
  for (int64_t i = 0; i < free_count; ++i) {
    free_a *= (*sa)[perm_a[i]];
    out_shape.push_back((*sa)[perm_a[i]]);
  }
  for (int64_t d : da) k *= (*sa)[d];
  for (int64_t i = contracted; i < rb; ++i) {
    free_b *= (*sb)[perm_b[i]];
    out_shape.push_back((*sb)[perm_b[i]]);
  }
  ValueName ma = ctx.emit("Reshape", {ta, ctx.ints_constant({free_a, k})});
  ValueName mb = ctx.emit("Reshape", {tb, ctx.ints_constant({k, free_b})});
  return {ctx.emit("Reshape", {ctx.emit("MatMul", {ma, mb}), ctx.ints_constant(out_shape)})};
}

// aten::linalg_det(Tensor A) / det: ONNX Det (opset 11).
Outputs linalg_det_v11(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Det", {ctx.tensor(node.input(0))})};
}
// aten::logdet(Tensor self) = log(det); NaN for a negative determinant, as torch.
Outputs logdet_v11(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Log", {ctx.emit("Det", {ctx.input(node, "self")})})};
}

// aten::cross(Tensor self, Tensor other, int? dim=None): dim None is the first dim of size 3.
Outputs cross_v9(SymbolicContext& ctx, const Node& node) {
  const auto* a = ctx.arg(node, "self");
  const auto* b = ctx.arg(node, "other");
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  std::optional<int64_t> dim = ctx.optional_const_int(node, "dim");
  if (!dim) {
    const auto dims = ctx.dims(in[0]);
    if (dims) {
      for (size_t i = 0; i < dims->size(); ++i) {
        if ((*dims)[i] == 3) {
          dim = static_cast<int64_t>(i);
          break;
        }
      }
    }
    if (!dim) ctx.fail_unsupported("cross without dim needs a static dimension of size 3");
  }
  return {cross_along(ctx, in[0], in[1], wrap_dim(ctx, *dim, in[0]))};
}
// aten::linalg_cross(Tensor self, Tensor other, *, int dim=-1)
Outputs linalg_cross_v9(SymbolicContext& ctx, const Node& node) {
  const auto* a = ctx.arg(node, "self");
  const auto* b = ctx.arg(node, "other");
  const c10::ScalarType type = promoted_type(ctx, {a, b});
  auto in = inputs_as(ctx, {a, b}, type);
  const int64_t rank = std::max(ctx.require_rank(in[0]), ctx.require_rank(in[1]));
  int64_t dim = ctx.const_int(node, "dim");
  if (dim < 0) dim += rank;
  return {cross_along(ctx, in[0], in[1], dim)};
}

}  // namespace pt2onnx::sym
