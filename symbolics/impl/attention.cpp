// Attention: the fused kernels that nn.MultiheadAttention and nn.TransformerEncoderLayer call on
// their inference fast path (batch_first, self-attention, no grad),
// aten::_native_multi_head_attention and aten::_transformer_encoder_layer_fwd, which PyTorch
// 1.13's exporter has neither of; and torch 2.x's aten::scaled_dot_product_attention. All
// decompose into MatMul/Softmax, projection weights folded (transposed, split) at conversion time.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "onnx/ops.h"
#include "symbolics/context.h"
#include "symbolics/helpers.h"
#include "symbolics/symbolic.h"

namespace pt2onnx::sym {
namespace {

// x @ w^T + b for a (out, in) weight; the transpose of a constant weight folds away.
ValueName project(SymbolicContext& ctx, const ValueName& x, const ValueName& w,
                  const ValueName& b) {
  return ctx.emit("Add",
                  {ctx.emit("MatMul", {x, ctx.emit("Transpose", {w}, {{"perm", {1, 0}}})}), b});
}

struct Heads {
  int64_t embed_dim;
  int64_t num_heads;
};

// (B, L, E) -> (B, H, L, D), or (B, H, D, L) for keys (ready for q @ k^T).
ValueName split_heads(SymbolicContext& ctx, const ValueName& x, const Heads& h, bool as_keys) {
  ValueName bhld =
      ctx.emit("Reshape", {x, ctx.ints_constant({0, 0, h.num_heads, h.embed_dim / h.num_heads})});
  return ctx.emit(
      "Transpose", {bhld},
      {{"perm", as_keys ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1, 3}}});
}

// A boolean mask (True = may not attend) as an additive one broadcast to (B, H, L, S):
// mask_type 1 is a key padding mask (B, S), otherwise an attention mask (L, S).
ValueName additive_mask(SymbolicContext& ctx, const ValueName& mask, std::optional<int64_t> type,
                        c10::ScalarType dtype) {
  ValueName m = mask;
  if (ctx.dtype(m) == c10::kBool) {
    m = ctx.emit("Where", {m, ctx.scalar_constant(-std::numeric_limits<double>::infinity(), dtype),
                           ctx.scalar_constant(0.0, dtype)});
  } else {
    m = ctx.cast(m, dtype);
  }
  if (type.value_or(0) == 1 && ctx.rank(m) == 2)
    return onnx_ops::unsqueeze(ctx.builder(), m, {1, 2});
  return m;
}

struct Attention {
  ValueName output;   // (B, L, E), projected
  ValueName weights;  // (B, H, L, S) softmax
};

// Scaled dot-product attention with the packed in-projection of nn.MultiheadAttention.
Attention attend(SymbolicContext& ctx, const ValueName& query, const ValueName& key,
                 const ValueName& value, const Heads& h, const ValueName& qkv_weight,
                 const ValueName& qkv_bias, const ValueName& proj_weight,
                 const ValueName& proj_bias, const std::optional<ValueName>& mask,
                 std::optional<int64_t> mask_type) {
  auto& g = ctx.builder();
  const auto dtype = ctx.dtype(query).value_or(c10::kFloat);
  const int64_t e = h.embed_dim;
  const auto w = onnx_ops::split(g, qkv_weight, 0, {e, e, e});
  const auto b = onnx_ops::split(g, qkv_bias, 0, {e, e, e});
  ValueName q, k, v;
  if (query == key && key == value) {
    // Self-attention: one MatMul for the three projections.
    const auto qkv = onnx_ops::split(g, project(ctx, query, qkv_weight, qkv_bias), -1, {e, e, e});
    q = qkv[0], k = qkv[1], v = qkv[2];
  } else {
    q = project(ctx, query, w[0], b[0]);
    k = project(ctx, key, w[1], b[1]);
    v = project(ctx, value, w[2], b[2]);
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(e / h.num_heads));
  q = ctx.emit("Mul", {split_heads(ctx, q, h, false), ctx.scalar_constant(scale, dtype)});
  ValueName scores = ctx.emit("MatMul", {q, split_heads(ctx, k, h, true)});
  if (mask) scores = ctx.emit("Add", {scores, additive_mask(ctx, *mask, mask_type, dtype)});
  ValueName weights = ctx.emit("Softmax", {scores}, {{"axis", -1}});
  ValueName context = ctx.emit("MatMul", {weights, split_heads(ctx, v, h, false)});
  context = ctx.emit("Transpose", {context}, {{"perm", {0, 2, 1, 3}}});
  context = ctx.emit("Reshape", {context, ctx.ints_constant({0, 0, e})});
  return {project(ctx, context, proj_weight, proj_bias), weights};
}

using LayerNorm = ValueName (*)(SymbolicContext&, const ValueName& x, const ValueName& weight,
                                const ValueName& bias, double eps);

// Layer normalization over the last axis, decomposed (ONNX has LayerNormalization from 17).
ValueName layer_norm_last_axis(SymbolicContext& ctx, const ValueName& x, const ValueName& weight,
                               const ValueName& bias, double eps) {
  return layer_norm_decomposed(ctx, x, 1, weight, bias, eps);
}

ValueName layer_norm_onnx(SymbolicContext& ctx, const ValueName& x, const ValueName& weight,
                          const ValueName& bias, double eps) {
  return ctx.emit("LayerNormalization", {x, weight, bias}, {{"axis", -1}, {"epsilon", eps}});
}

// One encoder layer: self-attention and feed-forward blocks, each with a residual connection,
// normalized before (norm_first) or after.
ValueName encoder_layer(SymbolicContext& ctx, const Node& node, LayerNorm layer_norm) {
  const ValueName src = ctx.input(node, "src");
  const Heads h{ctx.const_int(node, "embed_dim"), ctx.const_int(node, "num_heads")};
  const double eps = ctx.const_float(node, "eps");
  const bool norm_first = ctx.const_bool(node, "norm_first");
  auto norm = [&](const ValueName& x, int i) {
    const std::string n = std::to_string(i);
    return layer_norm(ctx, x, ctx.input(node, ("norm_weight_" + n).c_str()),
                      ctx.input(node, ("norm_bias_" + n).c_str()), eps);
  };
  auto self_attention = [&](const ValueName& x) {
    return attend(ctx, x, x, x, h, ctx.input(node, "qkv_weight"), ctx.input(node, "qkv_bias"),
                  ctx.input(node, "proj_weight"), ctx.input(node, "proj_bias"),
                  ctx.optional_input(node, "mask"), ctx.optional_const_int(node, "mask_type"))
        .output;
  };
  auto feed_forward = [&](const ValueName& x) {
    ValueName hidden =
        project(ctx, x, ctx.input(node, "ffn_weight_1"), ctx.input(node, "ffn_bias_1"));
    hidden = ctx.const_bool(node, "use_gelu") ? gelu_erf(ctx, hidden) : ctx.emit("Relu", {hidden});
    return project(ctx, hidden, ctx.input(node, "ffn_weight_2"), ctx.input(node, "ffn_bias_2"));
  };
  if (norm_first) {
    ValueName x = ctx.emit("Add", {src, self_attention(norm(src, 1))});
    return ctx.emit("Add", {x, feed_forward(norm(x, 2))});
  }
  ValueName x = norm(ctx.emit("Add", {src, self_attention(src)}), 1);
  return norm(ctx.emit("Add", {x, feed_forward(x)}), 2);
}

// Scores masked after each query's own position (torch's causal mask: the top-left lower
// triangle of an L x S matrix), added as -inf. A constant for static lengths; from opset 14,
// Trilu over an -inf matrix of the run-time lengths.
ValueName causal_mask(SymbolicContext& ctx, const ValueName& q, const ValueName& k,
                      c10::ScalarType dtype, bool has_trilu) {
  const auto l = static_dim(ctx, q, -2);
  const auto s = static_dim(ctx, k, -2);
  const double inf = std::numeric_limits<double>::infinity();
  if (l && s) {
    at::Tensor allowed = at::ones({*l, *s}, at::kBool).tril();
    return ctx.constant(at::zeros({*l, *s}, at::TensorOptions().dtype(dtype))
                            .masked_fill(allowed.logical_not(), -inf));
  }
  if (!has_trilu) {
    ctx.needs_opset(14,
                    "causal scaled_dot_product_attention over dynamic sequence lengths (Trilu)");
  }
  auto& g = ctx.builder();
  const ValueName size = ctx.emit("Concat",
                                  {onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, q, -2), {0}),
                                   onnx_ops::unsqueeze(g, onnx_ops::dim_size(g, k, -2), {0})},
                                  {{"axis", 0}});
  const ValueName all = ctx.emit("Expand", {ctx.scalar_constant(-inf, dtype), size});
  return ctx.emit("Trilu", {all, ctx.int_constant(1)}, {{"upper", 1}});
}

// aten::scaled_dot_product_attention(query, key, value, Tensor? attn_mask=None,
// float dropout_p=0., bool is_causal=False, *, float? scale=None, bool enable_gqa=False), which
// torch 2.x's nn.MultiheadAttention and encoder layers call when no weights are asked for:
// softmax(q k^T * scale + mask) v over (..., L, E) queries and (..., S, E) keys. A boolean mask
// is True where a query may attend (the opposite of _native_multi_head_attention's); a float mask
// is added. The default scale is 1/sqrt(E). Dropout is random, so only p = 0 converts.
Outputs scaled_dot_product_attention(SymbolicContext& ctx, const Node& node, bool has_trilu) {
  const ValueName q = ctx.input(node, "query");
  const ValueName k = ctx.input(node, "key");
  const ValueName v = ctx.input(node, "value");
  const auto dtype = ctx.require_dtype(q);
  if (ctx.const_float(node, "dropout_p") != 0.0) {
    ctx.fail_unsupported("scaled_dot_product_attention with dropout_p > 0 (random)");
  }
  if (ctx.arg(node, "enable_gqa") != nullptr && ctx.const_bool(node, "enable_gqa")) {
    ctx.fail_unsupported("scaled_dot_product_attention with enable_gqa");
  }
  ValueName scale;
  if (auto given = ctx.optional_const_float(node, "scale")) {
    scale = ctx.scalar_constant(*given, dtype);
  } else if (auto width = static_dim(ctx, q, -1)) {
    scale = ctx.scalar_constant(1.0 / std::sqrt(static_cast<double>(*width)), dtype);
  } else {
    const ValueName e = ctx.cast(onnx_ops::dim_size(ctx.builder(), q, -1), dtype);
    scale = ctx.emit("Reciprocal", {ctx.emit("Sqrt", {e})});
  }
  const int64_t rank = ctx.require_rank(k);
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < rank - 2; ++i) perm.push_back(i);
  perm.push_back(rank - 1);
  perm.push_back(rank - 2);
  ValueName scores = ctx.emit(
      "MatMul", {ctx.emit("Mul", {q, scale}), ctx.emit("Transpose", {k}, {{"perm", perm}})});
  if (ctx.const_bool(node, "is_causal")) {
    scores = ctx.emit("Add", {scores, causal_mask(ctx, q, k, dtype, has_trilu)});
  }
  if (auto mask = ctx.optional_input(node, "attn_mask")) {
    ValueName m = *mask;
    if (ctx.dtype(m) == c10::kBool) {
      m = ctx.emit("Where", {m, ctx.scalar_constant(0.0, dtype),
                             ctx.scalar_constant(-std::numeric_limits<double>::infinity(), dtype)});
    } else {
      m = ctx.cast(m, dtype);
    }
    scores = ctx.emit("Add", {scores, m});
  }
  // Softmax over the last axis is the same at every opset (before 13 it flattens to 2-d there).
  ValueName weights = ctx.emit("Softmax", {scores}, {{"axis", -1}});
  return {ctx.emit("MatMul", {weights, v})};
}

}  // namespace

// Static causal lengths at opset 9; dynamic ones need Trilu (opset 14).
Outputs scaled_dot_product_attention_v9(SymbolicContext& ctx, const Node& node) {
  return scaled_dot_product_attention(ctx, node, false);
}

Outputs scaled_dot_product_attention_v14(SymbolicContext& ctx, const Node& node) {
  return scaled_dot_product_attention(ctx, node, true);
}

// aten::_native_multi_head_attention(query, key, value, int embed_dim, int num_head, qkv_weight,
// qkv_bias, proj_weight, proj_bias, Tensor? mask=None, bool need_weights=True,
// bool average_attn_weights=True, int? mask_type=None) -> (Tensor, Tensor), batch-first inputs.
// The weights output is the softmax, averaged over heads unless asked per head; without
// need_weights it is None (LibTorch returns an undefined tensor).
Outputs native_multi_head_attention_v9(SymbolicContext& ctx, const Node& node) {
  const Heads h{ctx.const_int(node, "embed_dim"), ctx.const_int(node, "num_head")};
  const Attention a =
      attend(ctx, ctx.input(node, "query"), ctx.input(node, "key"), ctx.input(node, "value"), h,
             ctx.input(node, "qkv_weight"), ctx.input(node, "qkv_bias"),
             ctx.input(node, "proj_weight"), ctx.input(node, "proj_bias"),
             ctx.optional_input(node, "mask"), ctx.optional_const_int(node, "mask_type"));
  if (!ctx.const_bool(node, "need_weights")) return {a.output, Lowered::none()};
  if (!ctx.const_bool(node, "average_attn_weights")) return {a.output, a.weights};
  return {a.output, onnx_ops::reduce(ctx.builder(), "ReduceMean", a.weights, {1}, false)};
}

// aten::_transformer_encoder_layer_fwd(src, embed_dim, num_heads, qkv_weight, qkv_bias,
// proj_weight, proj_bias, use_gelu, norm_first, eps, norm_weight_1, norm_bias_1, norm_weight_2,
// norm_bias_2, ffn_weight_1, ffn_bias_1, ffn_weight_2, ffn_bias_2, mask=None, mask_type=None):
// nn.TransformerEncoderLayer's fused inference path. Layer norms decomposed before opset 17.
Outputs transformer_encoder_layer_fwd_v9(SymbolicContext& ctx, const Node& node) {
  return {encoder_layer(ctx, node, layer_norm_last_axis)};
}

// Opset 17: the layer norms are ONNX LayerNormalization.
Outputs transformer_encoder_layer_fwd_v17(SymbolicContext& ctx, const Node& node) {
  return {encoder_layer(ctx, node, layer_norm_onnx)};
}

}  // namespace pt2onnx::sym
