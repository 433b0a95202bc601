// Reductions.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <cmath>
#include <optional>
#include <string>

#include "onnx/graph_builder.h"
#include "onnx/ops.h"
#include "onnx/tensor_proto.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/reduction.h"

namespace pt2onnx::sym {
namespace {

// aten::<op>.dim_IntList(self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) and the
// all-axes overload aten::<op>(self, *, ScalarType? dtype=None).
Outputs reduce(SymbolicContext& ctx, const Node& node, const char* op) {
  ValueName x = ctx.input(node, "self");
  const auto* schema = node.maybeSchema();
  if (schema && schema->argumentIndexWithName("dtype")) {
    if (auto dtype = ctx.optional_const_dtype(node, "dtype")) x = ctx.cast(x, *dtype);
  }
  std::vector<int64_t> axes;
  bool keepdim = false;
  if (schema && schema->argumentIndexWithName("dim")) {
    if (auto dims = ctx.optional_const_ints(node, "dim")) axes = *dims;
    keepdim = ctx.const_bool(node, "keepdim");
  }
  // torch sums booleans and integers as int64.
  if (std::string(op) == "ReduceSum" && !c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) {
    x = ctx.cast(x, c10::kLong);
  }
  const ValueName out = onnx_ops::reduce(ctx.builder(), op, x, axes, keepdim);
  // A full reduction is 0-d whatever the input's rank, which ONNX's inference does not say where
  // that rank is known only at run time (a shape sliced at run-time bounds).
  if (axes.empty() && !keepdim && !ctx.rank(out) && ctx.dtype(out)) {
    ctx.builder().set_type(out, onnx_ir::tensor_type(onnx_ir::onnx_dtype(*ctx.dtype(out)), {}));
  }
  return {out};
}

bool has_arg(const Node& node, const char* name) {
  const auto* schema = node.maybeSchema();
  return schema != nullptr && schema->argumentIndexWithName(name).has_value();
}

// Types ORT's ArgMax/ArgMin take (float, double, int32, int8, uint8); others go through double.
ValueName arg_reducible(SymbolicContext& ctx, const ValueName& x) {
  const auto t = ctx.dtype(x).value_or(c10::kFloat);
  if (t == c10::kFloat || t == c10::kDouble || t == c10::kInt || t == c10::kChar || t == c10::kByte)
    return x;
  return ctx.cast(x, c10::kDouble);
}

// ArgMax/ArgMin over `dim`, or over the flattened tensor when dim is None; int64 result.
ValueName arg_reduce(SymbolicContext& ctx, const char* op, ValueName x, std::optional<int64_t> dim,
                     bool keepdim) {
  x = arg_reducible(ctx, x);
  if (!dim) {
    const int64_t rank = ctx.require_rank(x);
    ValueName flat = ctx.emit("Reshape", {x, ctx.ints_constant({-1})});
    ValueName r = ctx.emit(op, {flat}, {{"axis", 0}, {"keepdims", keepdim ? 1 : 0}});
    if (keepdim && rank != 1)
      r = ctx.emit("Reshape", {r, ctx.ints_constant(std::vector<int64_t>(rank, 1))});
    return r;
  }
  return ctx.emit(op, {x}, {{"axis", *dim}, {"keepdims", keepdim ? 1 : 0}});
}

// The number of elements reduced over `axes` (all where empty), as a 0-d tensor of `type`;
// folds to a constant for static shapes.
ValueName reduced_count(SymbolicContext& ctx, const ValueName& x, std::vector<int64_t> axes,
                        c10::ScalarType type) {
  const int64_t rank = ctx.require_rank(x);
  if (axes.empty()) {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  ValueName n = ctx.int_constant(1);
  for (int64_t a : axes)
    n = ctx.emit("Mul", {n, onnx_ops::dim_size(ctx.builder(), x, a < 0 ? a + rank : a)});
  return ctx.cast(n, type);
}

// var over `axes` with `correction` (1 = unbiased); also returns the mean (keepdim as asked).
std::pair<ValueName, ValueName> variance(SymbolicContext& ctx, ValueName x,
                                         const std::vector<int64_t>& axes, double correction,
                                         bool keepdim) {
  auto& g = ctx.builder();
  x = as_floating(ctx, x);
  const auto type = ctx.require_dtype(x);
  const ValueName mean = onnx_ops::reduce(g, "ReduceMean", x, axes, true);
  const ValueName d = ctx.emit("Sub", {x, mean});
  const ValueName ss = onnx_ops::reduce(g, "ReduceSum", ctx.emit("Mul", {d, d}), axes, keepdim);
  ValueName n = reduced_count(ctx, x, axes, type);
  if (correction != 0.0) n = ctx.emit("Sub", {n, ctx.scalar_constant(correction, type)});
  // torch clamps the divisor at 0 (giving inf/nan), as Div does.
  const ValueName var = ctx.emit("Div", {ss, n});
  const ValueName mean_out = keepdim ? mean : onnx_ops::reduce(g, "ReduceMean", x, axes, false);
  return {var, mean_out};
}

// Reads dim/unbiased/correction/keepdim of the var/std overloads:
//   (self, bool unbiased=True), .dim(self, int[1]? dim, bool unbiased=True, bool keepdim=False),
//   .correction(self, int[1]? dim, *, int? correction, bool keepdim=False).
std::pair<ValueName, ValueName> variance_of_node(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  std::vector<int64_t> axes;
  if (has_arg(node, "dim")) {
    if (auto d = ctx.optional_const_ints(node, "dim")) axes = *d;
  }
  double correction = 1.0;
  if (has_arg(node, "unbiased")) correction = ctx.const_bool(node, "unbiased") ? 1.0 : 0.0;
  if (has_arg(node, "correction")) {
    if (auto c = ctx.optional_const_int(node, "correction")) correction = static_cast<double>(*c);
  }
  const bool keepdim = has_arg(node, "keepdim") && ctx.const_bool(node, "keepdim");
  return variance(ctx, x, axes, correction, keepdim);
}

ValueName with_opt_dtype(SymbolicContext& ctx, const Node& node, ValueName x) {
  if (has_arg(node, "dtype")) {
    if (auto dtype = ctx.optional_const_dtype(node, "dtype")) x = ctx.cast(x, *dtype);
  }
  return x;
}

// The `ord`/`p` argument as a number (None -> `fallback`).
double norm_order(SymbolicContext& ctx, const Node& node, const char* name, double fallback) {
  if (ctx.is_none(node, name)) return fallback;
  return ctx.const_float(node, name);
}

// The matrix norm of `x` over the two axes `dims`: 'fro', or ord 1/-1/inf/-inf.
ValueName matrix_norm(SymbolicContext& ctx, const ValueName& x, const std::string& ord,
                      std::vector<int64_t> dims, bool keepdim) {
  auto& g = ctx.builder();
  if (dims.size() != 2) ctx.fail_invalid("a matrix norm needs two dims");
  for (auto& d : dims) d = wrap_dim(ctx, d, x);
  if (ord == "fro") return onnx_ops::reduce(g, "ReduceL2", x, dims, keepdim);
  int64_t sum_axis, max_axis;
  const char* op;
  if (ord == "1" || ord == "-1") {
    sum_axis = dims[0], max_axis = dims[1];
    op = ord == "1" ? "ReduceMax" : "ReduceMin";
  } else if (ord == "inf" || ord == "-inf") {
    sum_axis = dims[1], max_axis = dims[0];
    op = ord == "inf" ? "ReduceMax" : "ReduceMin";
  } else {
    ctx.fail_unsupported("matrix norm of order " + ord + " needs a singular value decomposition");
  }
  const ValueName sums = onnx_ops::reduce(g, "ReduceSum", ctx.emit("Abs", {x}), {sum_axis}, true);
  ValueName r = onnx_ops::reduce(g, op, sums, {max_axis}, true);
  if (!keepdim)
    r = onnx_ops::squeeze(g, r, {std::min(dims[0], dims[1]), std::max(dims[0], dims[1])});
  return r;
}

std::string order_name(double p) {
  if (std::isinf(p)) return p > 0 ? "inf" : "-inf";
  if (p == 1.0) return "1";
  if (p == -1.0) return "-1";
  if (p == 2.0) return "2";
  if (p == -2.0) return "-2";
  return std::to_string(p);
}

// all/any: a bool view of x (non-zero is true), reduced by summing as int64.
ValueName any_of(SymbolicContext& ctx, const ValueName& b, const std::vector<int64_t>& axes,
                 bool keepdim) {
  const ValueName n =
      onnx_ops::reduce(ctx.builder(), "ReduceSum", ctx.cast(b, c10::kLong), axes, keepdim);
  return ctx.emit("Greater", {n, ctx.scalar_constant(0, c10::kLong)});
}

std::vector<int64_t> dims_of_all_any(SymbolicContext& ctx, const Node& node, bool& keepdim) {
  keepdim = false;
  if (!has_arg(node, "dim")) return {};
  keepdim = ctx.const_bool(node, "keepdim");
  const auto iv = ctx.known_value(ctx.arg(node, "dim"));
  if (iv && iv->isInt()) return {iv->toInt()};
  if (auto d = ctx.optional_const_ints(node, "dim")) return *d;
  return {};
}

}  // namespace

Outputs mean_v9(SymbolicContext& ctx, const Node& node) { return reduce(ctx, node, "ReduceMean"); }
Outputs sum_v9(SymbolicContext& ctx, const Node& node) { return reduce(ctx, node, "ReduceSum"); }

// aten::amax / amin(self, int[1] dim=[], bool keepdim=False)
Outputs amax_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::reduce(ctx.builder(), "ReduceMax", ctx.input(node, "self"),
                           ctx.const_ints(node, "dim"), ctx.const_bool(node, "keepdim"))};
}
Outputs amin_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::reduce(ctx.builder(), "ReduceMin", ctx.input(node, "self"),
                           ctx.const_ints(node, "dim"), ctx.const_bool(node, "keepdim"))};
}

// aten::max(Tensor self) / min: the full reduction, ReduceMax/ReduceMin over every axis.
Outputs max_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::reduce(ctx.builder(), "ReduceMax", ctx.input(node, "self"), {}, false)};
}
Outputs min_v9(SymbolicContext& ctx, const Node& node) {
  return {onnx_ops::reduce(ctx.builder(), "ReduceMin", ctx.input(node, "self"), {}, false)};
}
// aten::max.dim / min.dim(Tensor self, int dim, bool keepdim=False) -> (values, indices):
// ReduceMax + ArgMax (first index of the extreme value, as torch).
Outputs max_dim_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = ctx.const_int(node, "dim");
  const bool keepdim = ctx.const_bool(node, "keepdim");
  return {onnx_ops::reduce(ctx.builder(), "ReduceMax", x, {dim}, keepdim),
          arg_reduce(ctx, "ArgMax", x, dim, keepdim)};
}
Outputs min_dim_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const int64_t dim = ctx.const_int(node, "dim");
  const bool keepdim = ctx.const_bool(node, "keepdim");
  return {onnx_ops::reduce(ctx.builder(), "ReduceMin", x, {dim}, keepdim),
          arg_reduce(ctx, "ArgMin", x, dim, keepdim)};
}

// aten::argmax / argmin(Tensor self, int? dim=None, bool keepdim=False) -> int64
Outputs argmax_v9(SymbolicContext& ctx, const Node& node) {
  return {arg_reduce(ctx, "ArgMax", ctx.input(node, "self"), ctx.optional_const_int(node, "dim"),
                     ctx.const_bool(node, "keepdim"))};
}
Outputs argmin_v9(SymbolicContext& ctx, const Node& node) {
  return {arg_reduce(ctx, "ArgMin", ctx.input(node, "self"), ctx.optional_const_int(node, "dim"),
                     ctx.const_bool(node, "keepdim"))};
}

// aten::aminmax(Tensor self, *, int? dim=None, bool keepdim=False) -> (min, max)
Outputs aminmax_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  std::vector<int64_t> axes;
  if (auto d = ctx.optional_const_int(node, "dim")) axes = {*d};
  const bool keepdim = ctx.const_bool(node, "keepdim");
  return {onnx_ops::reduce(ctx.builder(), "ReduceMin", x, axes, keepdim),
          onnx_ops::reduce(ctx.builder(), "ReduceMax", x, axes, keepdim)};
}

// aten::prod(Tensor self, *, ScalarType? dtype=None) and prod.dim_int(self, int dim, bool
// keepdim=False, *, dtype=None): ReduceProd; integers and bools multiply as int64.
Outputs prod_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = with_opt_dtype(ctx, node, ctx.input(node, "self"));
  if (!c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) x = ctx.cast(x, c10::kLong);
  std::vector<int64_t> axes;
  bool keepdim = false;
  if (has_arg(node, "dim")) {
    axes = {ctx.const_int(node, "dim")};
    keepdim = ctx.const_bool(node, "keepdim");
  }
  return {onnx_ops::reduce(ctx.builder(), "ReduceProd", x, axes, keepdim)};
}

// aten::var / std and their .dim/.correction overloads: mean, squared deviations, sum, divided
// by N - correction.
Outputs var_v9(SymbolicContext& ctx, const Node& node) {
  return {variance_of_node(ctx, node).first};
}
Outputs std_v9(SymbolicContext& ctx, const Node& node) {
  return {ctx.emit("Sqrt", {variance_of_node(ctx, node).first})};
}
// aten::var_mean / std_mean (same overloads) -> (var or std, mean)
Outputs var_mean_v9(SymbolicContext& ctx, const Node& node) {
  auto [var, mean] = variance_of_node(ctx, node);
  return {var, mean};
}
Outputs std_mean_v9(SymbolicContext& ctx, const Node& node) {
  auto [var, mean] = variance_of_node(ctx, node);
  return {ctx.emit("Sqrt", {var}), mean};
}

// aten::logsumexp(Tensor self, int[1] dim, bool keepdim=False): ReduceLogSumExp.
Outputs logsumexp_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, ctx.input(node, "self"));
  return {onnx_ops::reduce(ctx.builder(), "ReduceLogSumExp", x, ctx.const_ints(node, "dim"),
                           ctx.const_bool(node, "keepdim"))};
}

// aten::norm.Scalar(self, Scalar p=2), norm.ScalarOpt_dim(self, Scalar? p, int[1] dim, bool
// keepdim=False) and the _dtype variants: a vector p-norm.
Outputs norm_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, with_opt_dtype(ctx, node, ctx.input(node, "self")));
  const double p = norm_order(ctx, node, "p", 2.0);
  std::vector<int64_t> axes;
  bool keepdim = false;
  if (has_arg(node, "dim")) {
    axes = ctx.const_ints(node, "dim");
    keepdim = ctx.const_bool(node, "keepdim");
  }
  return {vector_norm(ctx, x, p, axes, keepdim)};
}

// aten::linalg_vector_norm(self, Scalar ord=2, int[1]? dim=None, bool keepdim=False, *, dtype)
Outputs linalg_vector_norm_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, with_opt_dtype(ctx, node, ctx.input(node, "self")));
  std::vector<int64_t> axes;
  if (auto d = ctx.optional_const_ints(node, "dim")) axes = *d;
  return {vector_norm(ctx, x, ctx.const_float(node, "ord"), axes, ctx.const_bool(node, "keepdim"))};
}

// aten::linalg_matrix_norm(self, Scalar ord, int[] dim=[-2,-1], bool keepdim=False, *, dtype)
// and .str_ord(self, str ord='fro', ...): 'fro' is ReduceL2, 1/inf sum |x| along one axis and
// take the max (min for -1/-inf) along the other. 2/-2/'nuc' need an SVD.
Outputs linalg_matrix_norm_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, with_opt_dtype(ctx, node, ctx.input(node, "self")));
  const auto iv = ctx.known_value(ctx.arg(node, "ord"));
  std::string ord;
  if (iv && iv->isString()) {
    ord = iv->toStringRef();
  } else {
    ord = order_name(ctx.const_float(node, "ord"));
  }
  return {matrix_norm(ctx, x, ord, ctx.const_ints(node, "dim"), ctx.const_bool(node, "keepdim"))};
}

// aten::linalg_norm(self, Scalar? ord=None, int[1]? dim=None, bool keepdim=False, *, dtype) and
// .ord_str(self, str ord, ...): a vector norm for one dim (or a flattened tensor when ord and dim
// are None), a matrix norm for two.
Outputs linalg_norm_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, with_opt_dtype(ctx, node, ctx.input(node, "self")));
  const bool keepdim = ctx.const_bool(node, "keepdim");
  auto dims = ctx.optional_const_ints(node, "dim");
  const auto iv = ctx.is_none(node, "ord") ? std::nullopt : ctx.known_value(ctx.arg(node, "ord"));
  if (iv && iv->isString()) {
    std::vector<int64_t> d = dims ? *dims : std::vector<int64_t>{-2, -1};
    return {matrix_norm(ctx, x, iv->toStringRef(), d, keepdim)};
  }
  if (ctx.is_none(node, "ord")) {
    return {vector_norm(ctx, x, 2.0, dims ? *dims : std::vector<int64_t>{}, keepdim)};
  }
  const double ord = ctx.const_float(node, "ord");
  const int64_t rank = ctx.require_rank(x);
  if ((dims && dims->size() == 2) || (!dims && rank == 2)) {
    return {
        matrix_norm(ctx, x, order_name(ord), dims ? *dims : std::vector<int64_t>{-2, -1}, keepdim)};
  }
  return {vector_norm(ctx, x, ord, dims ? *dims : std::vector<int64_t>{}, keepdim)};
}

// aten::frobenius_norm(self) / frobenius_norm.dim(self, int[1] dim, bool keepdim=False): ReduceL2.
Outputs frobenius_norm_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = as_floating(ctx, ctx.input(node, "self"));
  std::vector<int64_t> axes;
  bool keepdim = false;
  if (has_arg(node, "dim")) {
    axes = ctx.const_ints(node, "dim");
    keepdim = ctx.const_bool(node, "keepdim");
  }
  return {onnx_ops::reduce(ctx.builder(), "ReduceL2", x, axes, keepdim)};
}

// aten::cumsum(Tensor self, int dim, *, ScalarType? dtype=None); integers and bools sum as int64.
// Before ONNX CumSum (opset 11): a MatMul with an upper-triangular matrix of ones along `dim`,
// which needs that dim's size to be static.
Outputs cumsum_v9(SymbolicContext& ctx, const Node& node) {
  ValueName x = with_opt_dtype(ctx, node, ctx.input(node, "self"));
  if (!c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) x = ctx.cast(x, c10::kLong);
  const auto type = ctx.require_dtype(x);
  const int64_t rank = ctx.require_rank(x);
  if (rank == 0) return {x};
  const int64_t dim = wrap_dim(ctx, ctx.const_int(node, "dim"), x);
  const auto n = static_dim(ctx, x, dim);
  if (!n) ctx.fail_unsupported("cumsum before opset 11 needs the size along dim to be static");
  const at::Tensor tri = at::ones({*n, *n}, at::kDouble).triu().to(type);
  if (dim == rank - 1) return {ctx.emit("MatMul", {x, ctx.constant(tri)})};
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i) perm.push_back(i);
  std::swap(perm[static_cast<size_t>(dim)], perm.back());
  ValueName t = ctx.emit("Transpose", {x}, {{"perm", perm}});
  t = ctx.emit("MatMul", {t, ctx.constant(tri)});
  return {ctx.emit("Transpose", {t}, {{"perm", perm}})};
}
Outputs cumsum_v11(SymbolicContext& ctx, const Node& node) {
  ValueName x = with_opt_dtype(ctx, node, ctx.input(node, "self"));
  if (!c10::isFloatingType(ctx.dtype(x).value_or(c10::kFloat))) x = ctx.cast(x, c10::kLong);
  return {ctx.emit("CumSum", {x, ctx.int_constant(ctx.const_int(node, "dim"))})};
}

// aten::all / any(Tensor self) and .dim(self, int dim, bool keepdim=False) -> bool:
// any = sum(x != 0) > 0, all = not any(x == 0).
Outputs any_v9(SymbolicContext& ctx, const Node& node) {
  bool keepdim;
  const auto axes = dims_of_all_any(ctx, node, keepdim);
  return {any_of(ctx, ctx.cast(ctx.input(node, "self"), c10::kBool), axes, keepdim)};
}
Outputs all_v9(SymbolicContext& ctx, const Node& node) {
  bool keepdim;
  const auto axes = dims_of_all_any(ctx, node, keepdim);
  const ValueName is_zero = ctx.emit("Not", {ctx.cast(ctx.input(node, "self"), c10::kBool)});
  return {ctx.emit("Not", {any_of(ctx, is_zero, axes, keepdim)})};
}

}  // namespace pt2onnx::sym
