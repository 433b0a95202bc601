// Batch, layer, group and instance normalization.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>
#include <cmath>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/normalization.h"

namespace pt2onnx::sym {
namespace {

// An all-`value` vector of the channel count, for an omitted affine weight or bias.
ValueName filled_like_channels(SymbolicContext& ctx, int64_t channels, double value,
                               c10::ScalarType type) {
  return ctx.constant(at::full({channels}, value, at::TensorOptions().dtype(type)));
}

// layer_norm's decomposition, shared by layer_norm_v9 and native_layer_norm_v9 (same argument
// names), with the mean and the rsqrt (kept dims).
Outputs layer_norm_decomposed(SymbolicContext& ctx, const Node& node) {
  ValueName mean, rstd;
  const ValueName y = sym::layer_norm_decomposed(
      ctx, ctx.input(node, "input"),
      static_cast<int64_t>(ctx.const_ints(node, "normalized_shape").size()),
      ctx.optional_input(node, "weight"), ctx.optional_input(node, "bias"),
      ctx.const_float(node, "eps"), &mean, &rstd);
  return {y, mean, rstd};
}

// LayerNormalization (opset 17) for layer_norm and native_layer_norm (same argument names), with
// `outputs` of its Y, Mean, InvStdDev. It requires a scale: an omitted weight becomes ones.
std::vector<ValueName> layer_norm_onnx(SymbolicContext& ctx, const Node& node, size_t outputs) {
  const ValueName x = ctx.input(node, "input");
  const auto normalized = ctx.const_ints(node, "normalized_shape");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  ValueName scale = ctx.is_none(node, "weight")
                        ? ctx.constant(at::ones(normalized, at::TensorOptions().dtype(type)))
                        : ctx.input(node, "weight");
  std::vector<ValueName> inputs = {x, scale};
  if (!ctx.is_none(node, "bias")) inputs.push_back(ctx.input(node, "bias"));
  return ctx.emit_n("LayerNormalization", inputs,
                    {{"axis", -static_cast<int64_t>(normalized.size())},
                     {"epsilon", ctx.const_float(node, "eps")}},
                    outputs);
}

// Without running statistics (track_running_stats=False) torch normalizes with the batch's own
// statistics, in eval mode too, and updates nothing: per channel, the mean and the biased
// variance over the batch and spatial axes.
ValueName batch_norm_batch_statistics(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "input");
  const int64_t rank = ctx.require_rank(x);
  if (rank < 2) ctx.fail_invalid("batch_norm needs an input of rank 2 or more");
  std::vector<int64_t> axes = {0};
  for (int64_t i = 2; i < rank; ++i) axes.push_back(i);
  auto& g = ctx.builder();
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  const ValueName centered = ctx.emit("Sub", {x, onnx_ops::reduce(g, "ReduceMean", x, axes, true)});
  const ValueName var =
      onnx_ops::reduce(g, "ReduceMean", ctx.emit("Mul", {centered, centered}), axes, true);
  const ValueName eps = ctx.scalar_constant(ctx.const_float(node, "eps"), type);
  ValueName y = ctx.emit("Div", {centered, ctx.emit("Sqrt", {ctx.emit("Add", {var, eps})})});
  // weight and bias (C) against (N, C, ...): (C, 1, ...).
  std::vector<int64_t> trailing;
  for (int64_t i = 1; i < rank - 1; ++i) trailing.push_back(i);
  auto per_channel = [&](const char* name) {
    const ValueName v = ctx.input(node, name);
    return trailing.empty() ? v : onnx_ops::unsqueeze(g, v, trailing);
  };
  if (!ctx.is_none(node, "weight")) y = ctx.emit("Mul", {y, per_channel("weight")});
  if (!ctx.is_none(node, "bias")) y = ctx.emit("Add", {y, per_channel("bias")});
  return y;
}

}  // namespace

// aten::batch_norm(input, weight?, bias?, running_mean?, running_var?, training, momentum, eps,
//                  cudnn_enabled): inference BatchNormalization with the running statistics, or
// the batch's statistics where there are none.
Outputs batch_norm_v9(SymbolicContext& ctx, const Node& node) {
  if (ctx.const_bool(node, "training")) {
    if (ctx.is_none(node, "running_mean") && ctx.is_none(node, "running_var")) {
      return {batch_norm_batch_statistics(ctx, node)};
    }
    ctx.fail_unsupported("batch_norm in training mode (export the model after model.eval())");
  }
  const ValueName x = ctx.input(node, "input");
  const ValueName mean = ctx.input(node, "running_mean");
  const ValueName var = ctx.input(node, "running_var");
  auto mean_shape = ctx.static_shape(mean);
  if (!mean_shape) ctx.fail_invalid("batch_norm's running_mean has no static shape");
  const int64_t channels = (*mean_shape)[0];
  const auto type = ctx.dtype(mean).value_or(c10::kFloat);
  ValueName scale = ctx.is_none(node, "weight") ? filled_like_channels(ctx, channels, 1.0, type)
                                                : ctx.input(node, "weight");
  ValueName bias = ctx.is_none(node, "bias") ? filled_like_channels(ctx, channels, 0.0, type)
                                             : ctx.input(node, "bias");
  ValueName input = x;
  // BatchNormalization wants at least (N, C, D1); torch accepts (N, C).
  const auto r = ctx.rank(x);
  if (r == 2) input = onnx_ops::unsqueeze(ctx.builder(), x, {2});
  ValueName y = ctx.emit("BatchNormalization", {input, scale, bias, mean, var},
                         {{"epsilon", ctx.const_float(node, "eps")},
                          {"momentum", 1.0 - ctx.const_float(node, "momentum")}});
  if (r == 2) y = onnx_ops::squeeze(ctx.builder(), y, {2});
  return {y};
}

// aten::layer_norm(input, normalized_shape, weight?, bias?, eps, cudnn_enable)
// Before opset 17: (x - mean) / sqrt(var + eps) * w + b over the trailing axes.
Outputs layer_norm_v9(SymbolicContext& ctx, const Node& node) {
  return {layer_norm_decomposed(ctx, node)[0]};
}

// Opset 17: LayerNormalization.
Outputs layer_norm_v17(SymbolicContext& ctx, const Node& node) {
  return {layer_norm_onnx(ctx, node, 1)[0]};
}

// aten::native_layer_norm(input, normalized_shape, weight?, bias?, eps) -> (out, mean, rstd)
// Before opset 17: the layer_norm decomposition, also giving the mean and 1/sqrt(var + eps)
// (kept dims, as torch returns them).
Outputs native_layer_norm_v9(SymbolicContext& ctx, const Node& node) {
  return layer_norm_decomposed(ctx, node);
}

// Opset 17: LayerNormalization with its optional Mean and InvStdDev outputs.
Outputs native_layer_norm_v17(SymbolicContext& ctx, const Node& node) {
  auto outs = layer_norm_onnx(ctx, node, 3);
  return Outputs(outs.begin(), outs.end());
}

// aten::native_dropout(input, p, train?) -> (out, mask): in inference the identity and an
// all-true mask.
Outputs native_dropout_v9(SymbolicContext& ctx, const Node& node) {
  if (!ctx.is_none(node, "train") && ctx.const_bool(node, "train")) {
    ctx.needs_opset(12, "dropout in training mode (ONNX Dropout's training_mode)");
  }
  const ValueName x = ctx.input(node, "input");
  if (node.outputs().size() < 2 || node.output(1)->uses().empty()) {
    return {x, Lowered::none()};
  }
  const ValueName mask =
      ctx.emit("ConstantOfShape", {ctx.emit("Shape", {x})}, {{"value", at::ones({1}, at::kBool)}});
  return {x, mask};
}

namespace {

// `train` of dropout(input, p, train) and its in-place form (which names its input `self`).
bool dropout_trains(SymbolicContext& ctx, const Node& node) {
  auto train = ctx.known_value(node.input(2));
  if (!train || !train->isBool())
    ctx.fail_unsupported("a dropout train flag known only at run time");
  return train->toBool();
}

// ONNX Dropout-12 in training mode: (scaled output, bool mask).
std::vector<ValueName> training_dropout(SymbolicContext& ctx, const ValueName& x, double p) {
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  return ctx.emit_n("Dropout",
                    {x, ctx.scalar_constant(p, type), ctx.scalar_constant(1, c10::kBool)}, {}, 2);
}

// Ones of shape (N, C, 1, ...) like x: feature dropout drops whole channels.
ValueName channel_ones(SymbolicContext& ctx, const ValueName& x) {
  const int64_t rank = ctx.require_rank(x);
  if (rank < 2) ctx.fail_invalid("feature dropout needs an input of rank 2 or more");
  const ValueName batch_channels =
      onnx_ops::slice(ctx.builder(), ctx.emit("Shape", {x}), {0}, {0}, {2});
  const ValueName shape =
      ctx.emit("Concat", {batch_channels, ctx.ints_constant(std::vector<int64_t>(rank - 2, 1))},
               {{"axis", int64_t{0}}});
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  return ctx.emit("ConstantOfShape", {shape}, {{"value", at::ones({1}, type)}});
}

// p of dropout(input, p, train), by position (the in-place forms name their input `self`).
double p_of(SymbolicContext& ctx, const Node& node) {
  auto p = ctx.known_value(node.input(1));
  if (!p || !p->isDouble()) ctx.fail_unsupported("a dropout probability known only at run time");
  return p->toDouble();
}

}  // namespace

// aten::dropout / feature_dropout (and in-place forms)(input, p, train): the identity outside
// training. Before opset 12 ONNX Dropout has no training mode, so training fails.
Outputs dropout_v9(SymbolicContext& ctx, const Node& node) {
  if (dropout_trains(ctx, node))
    ctx.needs_opset(12, "dropout in training mode (ONNX Dropout's training_mode)");
  return {ctx.tensor(node.input(0))};
}

// aten::dropout(input, p, train): Dropout-12 with training_mode = train (the identity when false).
Outputs dropout_v12(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.tensor(node.input(0));
  if (!dropout_trains(ctx, node)) return {x};
  return {training_dropout(ctx, x, p_of(ctx, node))[0]};
}

// aten::feature_dropout(input, p, train): whole channels are dropped, so the training-mode
// Dropout-12 runs on ones of shape (N, C, 1, ...) and its scaled output multiplies the input.
Outputs feature_dropout_v12(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.tensor(node.input(0));
  if (!dropout_trains(ctx, node)) return {x};
  return {ctx.emit("Mul", {x, training_dropout(ctx, channel_ones(ctx, x), p_of(ctx, node))[0]})};
}

// aten::native_dropout(input, p, train?) -> (out, mask): Dropout-12 gives both in training mode.
Outputs native_dropout_v12(SymbolicContext& ctx, const Node& node) {
  if (ctx.is_none(node, "train") || !ctx.const_bool(node, "train")) {
    return native_dropout_v9(ctx, node);
  }
  auto outs = training_dropout(ctx, ctx.input(node, "input"), ctx.const_float(node, "p"));
  return {outs[0], outs[1]};
}

// aten::alpha_dropout / feature_alpha_dropout (and their in-place forms)(input, p, train): the
// identity outside training.
Outputs alpha_dropout_v9(SymbolicContext& ctx, const Node& node) {
  // The in-place forms name their input `self`: read by position.
  auto train = ctx.known_value(node.input(2));
  if (!train || (train->isBool() && train->toBool())) {
    ctx.fail_unsupported("dropout in training mode (export the model after model.eval())");
  }
  return {ctx.tensor(node.input(0))};
}

// aten::alpha_dropout / feature_alpha_dropout (input, p, train): in training, as ATen computes it
// with the keep mask m of Dropout-12 (per channel for the feature form), a = ((alpha^2 p + 1)
// (1 - p))^-1/2 and alpha = 1.7580993408473766: x * m * a + (m - 1) * alpha * a + alpha * a * p.
Outputs alpha_dropout_v12(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.tensor(node.input(0));
  if (!dropout_trains(ctx, node)) return {x};
  const double p = p_of(ctx, node);
  const bool feature = node.kind() == c10::Symbol::fromQualString("aten::feature_alpha_dropout") ||
                       node.kind() == c10::Symbol::fromQualString("aten::feature_alpha_dropout_");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  const ValueName kept = training_dropout(ctx, feature ? channel_ones(ctx, x) : x, p)[1];
  const ValueName m = ctx.cast(kept, type);
  const double alpha = 1.7580993408473766;
  const double a = 1.0 / std::sqrt((alpha * alpha * p + 1) * (1 - p));
  const ValueName scaled = ctx.emit("Mul", {ctx.emit("Mul", {x, m}), ctx.scalar_constant(a, type)});
  const ValueName shift =
      ctx.emit("Add", {ctx.emit("Mul", {ctx.emit("Sub", {m, ctx.scalar_constant(1, type)}),
                                        ctx.scalar_constant(alpha * a, type)}),
                       ctx.scalar_constant(alpha * a * p, type)});
  return {ctx.emit("Add", {scaled, shift})};
}

// aten::group_norm(input, num_groups, weight?, bias?, eps, cudnn_enabled):
// InstanceNormalization over (N, groups, -1), then the per-channel affine.
Outputs group_norm_v9(SymbolicContext& ctx, const Node& node) {
  return {group_norm_decomposed(ctx, ctx.input(node, "input"), ctx.const_int(node, "num_groups"),
                                ctx.optional_input(node, "weight"),
                                ctx.optional_input(node, "bias"), ctx.const_float(node, "eps"))};
}

// Opset 21: GroupNormalization, whose scale and bias are per channel as torch's weight and bias
// (GroupNormalization-18's were per group, a different op, so 18 to 20 keep the form above).
// Without a weight or bias, ones and zeros need the channel count.
Outputs group_norm_v21(SymbolicContext& ctx, const Node& node) {
  const ValueName x = ctx.input(node, "input");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  const bool affine = !ctx.is_none(node, "weight") && !ctx.is_none(node, "bias");
  auto channels = static_dim(ctx, x, 1);
  if (!affine && !channels) return group_norm_v9(ctx, node);
  ValueName scale = ctx.is_none(node, "weight") ? filled_like_channels(ctx, *channels, 1.0, type)
                                                : ctx.input(node, "weight");
  ValueName bias = ctx.is_none(node, "bias") ? filled_like_channels(ctx, *channels, 0.0, type)
                                             : ctx.input(node, "bias");
  auto& g = ctx.builder();
  const ValueName y = ctx.emit("GroupNormalization", {x, scale, bias},
                               {{"epsilon", ctx.const_float(node, "eps")},
                                {"num_groups", ctx.const_int(node, "num_groups")}});
  // ONNX gives GroupNormalization a function body and no type inference of its own, so its
  // output would stay untyped (a graph output without a type, later ops without a rank). Its Y
  // has X's type and shape.
  if (g.type_of(y) == nullptr) {
    if (const auto* x_type = g.type_of(x)) g.set_type(y, *x_type);
  }
  return {y};
}

// aten::instance_norm(input, weight?, bias?, running_mean?, running_var?, use_input_stats,
//                     momentum, eps, cudnn_enabled)
// In eval mode with track_running_stats, instance_norm normalizes every instance with the running
// statistics, which are per channel: inference BatchNormalization.
Outputs instance_norm_v9(SymbolicContext& ctx, const Node& node) {
  const bool running = !ctx.const_bool(node, "use_input_stats");
  if (running && (ctx.is_none(node, "running_mean") || ctx.is_none(node, "running_var"))) {
    ctx.fail_invalid("instance_norm without input statistics needs running statistics");
  }
  const ValueName x = ctx.input(node, "input");
  const auto type = ctx.dtype(x).value_or(c10::kFloat);
  auto channels = static_dim(ctx, x, 1);
  if (!channels) ctx.fail_invalid("instance_norm needs a static channel count (give --shape)");
  ValueName scale = ctx.is_none(node, "weight") ? filled_like_channels(ctx, *channels, 1.0, type)
                                                : ctx.input(node, "weight");
  ValueName bias = ctx.is_none(node, "bias") ? filled_like_channels(ctx, *channels, 0.0, type)
                                             : ctx.input(node, "bias");
  const auto eps = ctx.const_float(node, "eps");
  if (running) {
    return {
        ctx.emit("BatchNormalization",
                 {x, scale, bias, ctx.input(node, "running_mean"), ctx.input(node, "running_var")},
                 {{"epsilon", eps}})};
  }
  return {ctx.emit("InstanceNormalization", {x, scale, bias}, {{"epsilon", eps}})};
}

}  // namespace pt2onnx::sym
