// Losses and distances: nll/cross-entropy, binary cross-entropy with logits, KL divergence,
// cosine similarity, pairwise and batched (cdist) distances. `reduction` is torch's enum:
// 0 none, 1 mean, 2 sum.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <string>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/loss.h"

namespace pt2onnx::sym {
namespace {

std::string reduction_name(SymbolicContext& ctx, int64_t reduction) {
  switch (reduction) {
    case 0:
      return "none";
    case 1:
      return "mean";
    case 2:
      return "sum";
    default:
      ctx.fail_invalid("unknown reduction " + std::to_string(reduction));
  }
}

// Applies torch's reduction to an elementwise loss.
ValueName reduce_loss(SymbolicContext& ctx, const ValueName& loss, int64_t reduction) {
  if (reduction == 0) return loss;
  return onnx_ops::reduce(ctx.builder(), reduction == 1 ? "ReduceMean" : "ReduceSum", loss, {},
                          false);
}

// A per-class weight [C] shaped to broadcast against [N, C, d1, ...] of rank `rank`.
ValueName class_weight_view(SymbolicContext& ctx, const ValueName& w, int64_t rank) {
  std::vector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i) axes.push_back(i - 1);
  return axes.empty() ? w : onnx_ops::unsqueeze(ctx.builder(), w, axes);
}

// loss.mul_(weight) as torch computes it: in the promoted type, stored in the loss's type (an
// integer weight, torch.tensor([3]), scales a float loss).
ValueName mul_in_place(SymbolicContext& ctx, const ValueName& loss, const ValueName& weight) {
  const c10::ScalarType type = ctx.require_dtype(loss);
  const c10::ScalarType wide = c10::promoteTypes(type, ctx.require_dtype(weight));
  return ctx.cast(ctx.emit("Mul", {ctx.cast(loss, wide), ctx.cast(weight, wide)}), type);
}

Outputs nll(SymbolicContext& ctx, const Node& node) {
  std::vector<ValueName> in = {ctx.input(node, "self"), ctx.input(node, "target")};
  if (auto w = ctx.optional_input(node, "weight")) in.push_back(*w);
  return {ctx.emit("NegativeLogLikelihoodLoss", in,
                   {{"reduction", reduction_name(ctx, ctx.const_int(node, "reduction"))},
                    {"ignore_index", ctx.const_int(node, "ignore_index")}})};
}

}  // namespace

// aten::nll_loss / nll_loss2d / nll_loss_nd(self, target, weight?, int reduction=1,
// int ignore_index=-100): ONNX NegativeLogLikelihoodLoss (opset 12), which averages by the
// target weights like torch.
Outputs nll_loss_v12(SymbolicContext& ctx, const Node& node) { return nll(ctx, node); }

// aten::cross_entropy_loss(self, target, weight?, int reduction=1, int ignore_index=-100,
// float label_smoothing=0.0): ONNX SoftmaxCrossEntropyLoss (opset 12). With label smoothing,
// torch mixes in the mean over classes of -w_c log p_c:
//   (1 - e) * nll + e / C * smooth, smooth reduced like nll (mean divides by the summed target
//   weights), from the log-probabilities SoftmaxCrossEntropyLoss returns as its second output.
Outputs cross_entropy_loss_v12(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const ValueName target = ctx.input(node, "target");
  if (c10::isFloatingType(ctx.dtype(target).value_or(c10::kLong))) {
    ctx.fail_unsupported("cross_entropy with class-probability targets");
  }
  const int64_t reduction = ctx.const_int(node, "reduction");
  const int64_t ignore_index = ctx.const_int(node, "ignore_index");
  const double smoothing = ctx.const_float(node, "label_smoothing");
  auto weight = ctx.optional_input(node, "weight");
  std::vector<ValueName> in = {x, target};
  if (weight) in.push_back(*weight);
  const Attrs attrs = {{"reduction", reduction_name(ctx, reduction)},
                       {"ignore_index", ignore_index}};
  if (smoothing == 0.0) return {ctx.emit("SoftmaxCrossEntropyLoss", in, attrs)};

  auto outs = ctx.emit_n("SoftmaxCrossEntropyLoss", in, attrs, 2);
  const ValueName& loss = outs[0];
  const ValueName& logp = outs[1];
  const auto type = ctx.require_dtype(x);
  const int64_t rank = ctx.require_rank(x);
  const auto classes = static_dim(ctx, x, 1);
  if (!classes) ctx.fail_unsupported("label smoothing needs a static number of classes");
  ValueName weighted = logp;
  if (weight) weighted = ctx.emit("Mul", {logp, class_weight_view(ctx, *weight, rank)});
  ValueName smooth =
      ctx.emit("Neg", {onnx_ops::reduce(ctx.builder(), "ReduceSum", weighted, {1}, false)});
  const ValueName ignored = ctx.emit(
      "Equal", {target, ctx.scalar_constant(static_cast<double>(ignore_index), c10::kLong)});
  const ValueName zero = ctx.scalar_constant(0.0, type);
  smooth = ctx.emit("Where", {ignored, zero, smooth});
  ValueName smooth_r = smooth;
  if (reduction == 2) {
    smooth_r = onnx_ops::reduce(ctx.builder(), "ReduceSum", smooth, {}, false);
  } else if (reduction == 1) {
    ValueName denom;
    if (weight) {
      const ValueName safe_target =
          ctx.emit("Where", {ignored, ctx.scalar_constant(0, c10::kLong), target});
      ValueName w = ctx.emit("Gather", {*weight, safe_target}, {{"axis", 0}});
      w = ctx.emit("Where", {ignored, zero, w});
      denom = onnx_ops::reduce(ctx.builder(), "ReduceSum", w, {}, false);
    } else {
      denom = onnx_ops::reduce(ctx.builder(), "ReduceSum",
                               ctx.cast(ctx.emit("Not", {ignored}), type), {}, false);
    }
    smooth_r =
        ctx.emit("Div", {onnx_ops::reduce(ctx.builder(), "ReduceSum", smooth, {}, false), denom});
  }
  const ValueName a = ctx.emit("Mul", {loss, ctx.scalar_constant(1.0 - smoothing, type)});
  const ValueName b = ctx.emit(
      "Mul", {smooth_r, ctx.scalar_constant(smoothing / static_cast<double>(*classes), type)});
  return {ctx.emit("Add", {a, b})};
}

// aten::binary_cross_entropy_with_logits(self, target, weight?, pos_weight?, int reduction=1):
// (1 - t) x + (1 + (pos_weight - 1) t) softplus(-x), weighted, then reduced.
Outputs binary_cross_entropy_with_logits_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  const ValueName t = ctx.cast(ctx.input(node, "target"), type);
  const ValueName one = ctx.scalar_constant(1.0, type);
  ValueName log_weight = one;
  // torch computes log_weight out of place: an integer pos_weight is promoted with the target.
  if (auto pw = ctx.optional_input(node, "pos_weight")) {
    const c10::ScalarType wide = c10::promoteTypes(ctx.require_dtype(*pw), type);
    const ValueName one_w = ctx.scalar_constant(1.0, wide);
    const ValueName p = ctx.emit("Sub", {ctx.cast(*pw, wide), one_w});
    log_weight = ctx.cast(ctx.emit("Add", {one_w, ctx.emit("Mul", {p, ctx.cast(t, wide)})}), type);
  }
  const ValueName sp = ctx.emit("Softplus", {ctx.emit("Neg", {x})});
  ValueName loss = ctx.emit(
      "Add", {ctx.emit("Mul", {ctx.emit("Sub", {one, t}), x}), ctx.emit("Mul", {log_weight, sp})});
  if (auto w = ctx.optional_input(node, "weight")) loss = mul_in_place(ctx, loss, *w);
  return {reduce_loss(ctx, loss, ctx.const_int(node, "reduction"))};
}

// aten::binary_cross_entropy(self, target, weight?, int reduction=1):
// -(t log x + (1 - t) log(1 - x)), the logs clamped at -100 like torch.
Outputs binary_cross_entropy_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  const ValueName t = ctx.cast(ctx.input(node, "target"), type);
  const ValueName one = ctx.scalar_constant(1.0, type);
  const ValueName floor = ctx.scalar_constant(-100.0, type);
  const ValueName log_x = ctx.emit("Max", {ctx.emit("Log", {x}), floor});
  const ValueName log_1mx = ctx.emit("Max", {ctx.emit("Log", {ctx.emit("Sub", {one, x})}), floor});
  ValueName loss =
      ctx.emit("Neg", {ctx.emit("Add", {ctx.emit("Mul", {t, log_x}),
                                        ctx.emit("Mul", {ctx.emit("Sub", {one, t}), log_1mx})})});
  if (auto w = ctx.optional_input(node, "weight")) loss = mul_in_place(ctx, loss, *w);
  return {reduce_loss(ctx, loss, ctx.const_int(node, "reduction"))};
}

// aten::kl_div(self, target, int reduction=1, *, bool log_target=False):
// log_target: exp(t) (t - x); else xlogy(t, t) - t x (t log t taken as 0 where t <= 0).
Outputs kl_div_v9(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "self");
  const auto type = ctx.require_dtype(x);
  const ValueName t = ctx.cast(ctx.input(node, "target"), type);
  ValueName loss;
  if (ctx.const_bool(node, "log_target")) {
    loss = ctx.emit("Mul", {ctx.emit("Exp", {t}), ctx.emit("Sub", {t, x})});
  } else {
    const ValueName zero = ctx.scalar_constant(0.0, type);
    // Greater, not Equal: float Equal needs opset 11.
    const ValueName tlogt = ctx.emit("Where", {ctx.emit("Greater", {t, zero}),
                                               ctx.emit("Mul", {t, ctx.emit("Log", {t})}), zero});
    loss = ctx.emit("Sub", {tlogt, ctx.emit("Mul", {t, x})});
  }
  return {reduce_loss(ctx, loss, ctx.const_int(node, "reduction"))};
}

// aten::cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08):
// sum(x1 x2) / (max(|x1|, eps) max(|x2|, eps)) along dim.
Outputs cosine_similarity_v9(SymbolicContext& ctx, const Node& node) {
  const auto* v1 = ctx.arg(node, "x1");
  const auto* v2 = ctx.arg(node, "x2");
  c10::ScalarType type = promoted_type(ctx, {v1, v2});
  if (!c10::isFloatingType(type)) type = c10::kFloat;
  auto in = inputs_as(ctx, {v1, v2}, type);
  auto& g = ctx.builder();
  const int64_t dim = ctx.const_int(node, "dim");
  const ValueName eps = ctx.scalar_constant(ctx.const_float(node, "eps"), type);
  const ValueName dot =
      onnx_ops::reduce(g, "ReduceSum", ctx.emit("Mul", {in[0], in[1]}), {dim}, false);
  const ValueName n1 = ctx.emit("Max", {onnx_ops::reduce(g, "ReduceL2", in[0], {dim}, false), eps});
  const ValueName n2 = ctx.emit("Max", {onnx_ops::reduce(g, "ReduceL2", in[1], {dim}, false), eps});
  return {ctx.emit("Div", {dot, ctx.emit("Mul", {n1, n2})})};
}

// aten::pairwise_distance(Tensor x1, Tensor x2, float p=2, float eps=1e-06, bool keepdim=False)
// = norm(x1 - x2 + eps, p, dim=-1, keepdim)
Outputs pairwise_distance_v9(SymbolicContext& ctx, const Node& node) {
  const auto* v1 = ctx.arg(node, "x1");
  const auto* v2 = ctx.arg(node, "x2");
  c10::ScalarType type = promoted_type(ctx, {v1, v2});
  if (!c10::isFloatingType(type)) type = c10::kFloat;
  auto in = inputs_as(ctx, {v1, v2}, type);
  const ValueName diff = ctx.emit("Add", {ctx.emit("Sub", {in[0], in[1]}),
                                          ctx.scalar_constant(ctx.const_float(node, "eps"), type)});
  const int64_t rank = std::max(ctx.require_rank(in[0]), ctx.require_rank(in[1]));
  return {vector_norm(ctx, diff, ctx.const_float(node, "p"), {rank - 1},
                      ctx.const_bool(node, "keepdim"))};
}

// aten::cdist(Tensor x1, Tensor x2, float p=2, int? compute_mode=None): [.., P, M] x [.., R, M]
// -> [.., P, R], the p-norm of the broadcast difference over M.
Outputs cdist_v9(SymbolicContext& ctx, const Node& node) {
  const auto* v1 = ctx.arg(node, "x1");
  const auto* v2 = ctx.arg(node, "x2");
  c10::ScalarType type = promoted_type(ctx, {v1, v2});
  if (!c10::isFloatingType(type)) type = c10::kFloat;
  auto in = inputs_as(ctx, {v1, v2}, type);
  const int64_t r1 = ctx.require_rank(in[0]);
  const int64_t r2 = ctx.require_rank(in[1]);
  const ValueName a = onnx_ops::unsqueeze(ctx.builder(), in[0], {r1 - 1});  // [.., P, 1, M]
  const ValueName b = onnx_ops::unsqueeze(ctx.builder(), in[1], {r2 - 2});  // [.., 1, R, M]
  const ValueName diff = ctx.emit("Sub", {a, b});
  const int64_t rank = std::max(r1, r2) + 1;
  return {vector_norm(ctx, diff, ctx.const_float(node, "p"), {rank - 1}, false)};
}

}  // namespace pt2onnx::sym
