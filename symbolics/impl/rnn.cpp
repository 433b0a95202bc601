// Recurrent layers: aten::lstm/gru/rnn_tanh/rnn_relu as ONNX LSTM/GRU/RNN (one node per layer),
// and packed sequences (a padded batch plus its lengths, which ONNX takes as sequence_lens). The
// single-step cells are in rnn_cells.cpp. torch and ONNX order the gates differently: the weights
// are reordered.
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/quantized_values.h"
#include "symbolics/impl/rnn.h"

namespace pt2onnx::sym {
namespace {

enum class Variant { kLstm, kGru, kRnnTanh, kRnnRelu };

int64_t gate_count(Variant v) { return v == Variant::kLstm ? 4 : v == Variant::kGru ? 3 : 1; }

// torch's gate blocks, in ONNX order: LSTM torch (i, f, g, o) -> ONNX (i, o, f, c); GRU torch
// (r, z, n) -> ONNX (z, r, h). Each pair is a [begin, end) range of gate blocks.
std::vector<std::pair<int64_t, int64_t>> gate_order(Variant v) {
  if (v == Variant::kLstm) return {{0, 1}, {3, 4}, {1, 3}};
  if (v == Variant::kGru) return {{1, 2}, {0, 1}, {2, 3}};
  return {{0, 1}};
}

// A weight or bias with its gate blocks (of `hidden` rows each) in ONNX order, with a leading
// direction axis: folded at conversion time for constant weights, else Slice + Concat.
ValueName onnx_gates(SymbolicContext& ctx, const ValueName& w, Variant v, int64_t hidden) {
  const auto order = gate_order(v);
  if (const at::Tensor* t = ctx.constant_of(w)) {
    std::vector<at::Tensor> parts;
    for (auto [b, e] : order) parts.push_back(t->slice(0, b * hidden, e * hidden));
    return ctx.constant(at::cat(parts, 0).unsqueeze(0).contiguous());
  }
  ValueName reordered = w;
  if (order.size() > 1) {
    std::vector<ValueName> parts;
    for (auto [b, e] : order)
      parts.push_back(onnx_ops::slice(ctx.builder(), w, {0}, {b * hidden}, {e * hidden}));
    reordered = ctx.emit("Concat", parts, {{"axis", 0}});
  }
  return onnx_ops::unsqueeze(ctx.builder(), reordered, {0});
}

ValueName concat0(SymbolicContext& ctx, const std::vector<ValueName>& parts) {
  if (parts.size() == 1) return parts[0];
  bool all_constant = true;
  for (const auto& p : parts) all_constant = all_constant && ctx.constant_of(p) != nullptr;
  if (all_constant) {
    std::vector<at::Tensor> ts;
    for (const auto& p : parts) ts.push_back(*ctx.constant_of(p));
    return ctx.constant(at::cat(ts, 0));
  }
  return ctx.emit("Concat", parts, {{"axis", 0}});
}

struct RnnSpec {
  Variant variant;
  ValueName input;                // (T, B, F)
  std::vector<ValueName> h0;      // LSTM: {h0, c0}; others {h0}; empty: zeros
  std::vector<ValueName> params;  // torch's flat weights
  bool has_biases = true;
  int64_t num_layers = 1;
  bool bidirectional = false;
  ValueName sequence_lens;  // int32 (B), or empty
};

// Runs the layers; returns (output (T, B, dirs * H), h_n, [c_n]).
std::vector<ValueName> run_rnn(SymbolicContext& ctx, const RnnSpec& s) {
  const int64_t dirs = s.bidirectional ? 2 : 1;
  const int64_t per_layer = s.has_biases ? 4 : 2;
  if (static_cast<int64_t>(s.params.size()) != s.num_layers * dirs * per_layer) {
    ctx.fail_unsupported("recurrent layer weights in an unexpected layout (LSTM projections?)");
  }
  auto hh_shape = ctx.static_shape(s.params[1]);
  if (!hh_shape || hh_shape->size() != 2)
    ctx.fail_unsupported("a recurrent layer whose hidden size is unknown");
  const int64_t hidden = (*hh_shape)[1];
  const int64_t gates = gate_count(s.variant);
  if ((*hh_shape)[0] != gates * hidden)
    ctx.fail_unsupported("recurrent layer weights in an unexpected layout");

  auto& g = ctx.builder();
  ValueName x = s.input;
  std::vector<ValueName> h_outs, c_outs;
  for (int64_t layer = 0; layer < s.num_layers; ++layer) {
    std::vector<ValueName> ws, rs, bs;
    for (int64_t d = 0; d < dirs; ++d) {
      const size_t base = static_cast<size_t>((layer * dirs + d) * per_layer);
      ws.push_back(onnx_gates(ctx, s.params[base], s.variant, hidden));
      rs.push_back(onnx_gates(ctx, s.params[base + 1], s.variant, hidden));
      if (s.has_biases) {
        const ValueName wb = onnx_gates(ctx, s.params[base + 2], s.variant, hidden);
        const ValueName rb = onnx_gates(ctx, s.params[base + 3], s.variant, hidden);
        if (ctx.constant_of(wb) != nullptr && ctx.constant_of(rb) != nullptr) {
          bs.push_back(ctx.constant(at::cat({*ctx.constant_of(wb), *ctx.constant_of(rb)}, 1)));
        } else {
          bs.push_back(ctx.emit("Concat", {wb, rb}, {{"axis", 1}}));
        }
      }
    }
    std::vector<ValueName> inputs = {x, concat0(ctx, ws), concat0(ctx, rs),
                                     s.has_biases ? concat0(ctx, bs) : ValueName(),
                                     s.sequence_lens};
    for (const auto& state : s.h0) {
      inputs.push_back(s.num_layers == 1
                           ? state
                           : onnx_ops::slice(g, state, {0}, {layer * dirs}, {(layer + 1) * dirs}));
    }
    // Trailing omitted optional inputs are dropped.
    while (!inputs.empty() && inputs.back().empty()) inputs.pop_back();
    Attrs attrs = {{"hidden_size", hidden}};
    if (s.bidirectional) attrs.push_back({"direction", "bidirectional"});
    std::vector<ValueName> outs;
    switch (s.variant) {
      case Variant::kLstm:
        outs = ctx.emit_n("LSTM", inputs, attrs, 3);
        c_outs.push_back(outs[2]);
        break;
      case Variant::kGru:
        attrs.push_back({"linear_before_reset", int64_t{1}});
        outs = ctx.emit_n("GRU", inputs, attrs, 2);
        break;
      default: {
        const std::string act = s.variant == Variant::kRnnTanh ? "Tanh" : "Relu";
        attrs.push_back({"activations", std::vector<std::string>(static_cast<size_t>(dirs), act)});
        outs = ctx.emit_n("RNN", inputs, attrs, 2);
      }
    }
    h_outs.push_back(outs[1]);
    // Y is (T, dirs, B, H): to (T, B, dirs * H).
    if (s.bidirectional) {
      x = ctx.emit("Transpose", {outs[0]}, {{"perm", std::vector<int64_t>{0, 2, 1, 3}}});
      x = ctx.emit("Reshape", {x, ctx.ints_constant({0, 0, -1})});
    } else {
      x = onnx_ops::squeeze(g, outs[0], {1});
    }
  }
  std::vector<ValueName> result = {x, concat0(ctx, h_outs)};
  if (s.variant == Variant::kLstm) result.push_back(concat0(ctx, c_outs));
  return result;
}

ValueName batch_first_swap(SymbolicContext& ctx, const ValueName& x) {
  return ctx.emit("Transpose", {x}, {{"perm", std::vector<int64_t>{1, 0, 2}}});
}

void check_eval(SymbolicContext& ctx, const Node& node) {
  if (ctx.const_bool(node, "train") && ctx.const_float(node, "dropout") != 0.0) {
    ctx.fail_unsupported(
        "recurrent layers with dropout in training mode (export after model.eval())");
  }
}

// aten::lstm.input / gru.input / rnn_*.input(input, hx, params, has_biases, num_layers, dropout,
// train, bidirectional, batch_first), with torch's flat weights `params`.
Outputs full_rnn(SymbolicContext& ctx, const Node& node, Variant v, std::vector<ValueName> params) {
  check_eval(ctx, node);
  RnnSpec s;
  s.variant = v;
  const bool batch_first = ctx.const_bool(node, "batch_first");
  s.input = ctx.input(node, "input");
  if (batch_first) s.input = batch_first_swap(ctx, s.input);
  s.h0 = v == Variant::kLstm ? ctx.tensor_list(ctx.arg(node, "hx"))
                             : std::vector<ValueName>{ctx.input(node, "hx")};
  s.params = std::move(params);
  s.has_biases = ctx.const_bool(node, "has_biases");
  s.num_layers = ctx.const_int(node, "num_layers");
  s.bidirectional = ctx.const_bool(node, "bidirectional");
  auto outs = run_rnn(ctx, s);
  if (batch_first) outs[0] = batch_first_swap(ctx, outs[0]);
  return Outputs(outs.begin(), outs.end());
}

Outputs full_rnn(SymbolicContext& ctx, const Node& node, Variant v) {
  return full_rnn(ctx, node, v, ctx.tensor_list(ctx.arg(node, "params")));
}

// aten::quantized_lstm.input / quantized_gru.input: the layers of dynamic quantization (int8 or
// float16 weights) with their weights dequantized. LibTorch quantizes the activations at run
// time too; computing them unquantized differs from it by that rounding (docs/quantization.md).
Outputs dynamic_quantized_rnn(SymbolicContext& ctx, const Node& node, Variant v) {
  const auto cells = ctx.known_value(ctx.arg(node, "params"));
  if (!cells || !cells->isList())
    ctx.fail_unsupported("quantized recurrent parameters that are not a list of constants");
  const bool has_biases = ctx.const_bool(node, "has_biases");
  std::vector<ValueName> params;
  for (const c10::IValue& cell : cells->toListRef()) {
    const std::vector<at::Tensor> w = dequantized_cell_params(ctx, cell);
    for (size_t i = 0; i < (has_biases ? 4U : 2U); ++i) params.push_back(ctx.constant(w[i]));
  }
  return full_rnn(ctx, node, v, std::move(params));
}

// aten::lstm.data / gru.data / rnn_*.data(data, batch_sizes, hx, params, has_biases, num_layers,
// dropout, train, bidirectional): on the output of our _pack_padded_sequence, which is the padded
// (T, B, F) batch and the lengths (int32), ONNX's sequence_lens.
Outputs packed_rnn(SymbolicContext& ctx, const Node& node, Variant v) {
  const Node* packer = node.input(0)->node();
  if (packer->kind() != c10::Symbol::fromQualString("aten::_pack_padded_sequence")) {
    ctx.fail_unsupported(
        "a packed sequence that does not come from pack_padded_sequence in the same graph");
  }
  check_eval(ctx, node);
  RnnSpec s;
  s.variant = v;
  s.input = ctx.input(node, "data");
  s.sequence_lens = ctx.input(node, "batch_sizes");
  s.h0 = v == Variant::kLstm ? ctx.tensor_list(ctx.arg(node, "hx"))
                             : std::vector<ValueName>{ctx.input(node, "hx")};
  s.params = ctx.tensor_list(ctx.arg(node, "params"));
  s.has_biases = ctx.const_bool(node, "has_biases");
  s.num_layers = ctx.const_int(node, "num_layers");
  s.bidirectional = ctx.const_bool(node, "bidirectional");
  auto outs = run_rnn(ctx, s);
  return Outputs(outs.begin(), outs.end());
}

bool is_recurrent_kind(const Node& node) {
  const std::string kind = node.kind().toQualString();
  return kind == "aten::lstm" || kind == "aten::gru" || kind == "aten::rnn_tanh" ||
         kind == "aten::rnn_relu";
}

// The packed data and batch sizes stay the padded batch and the lengths (see
// _pack_padded_sequence_v9): correct for the recurrent layers and pad_packed_sequence, which
// take them as such, and for the sizes the packed_sequence_sizes pass rewrote. Any other reader
// would compute on the wrong tensor, so it is refused at the packing's line.
void check_packed_readers(SymbolicContext& ctx, const Node& node) {
  for (size_t out = 0; out < 2; ++out) {
    for (const torch::jit::Use& use : node.output(out)->uses()) {
      const Node& reader = *use.user;
      const std::string kind = reader.kind().toQualString();
      const bool layer =
          (is_recurrent_kind(reader) || kind == "aten::_pad_packed_sequence") && use.offset == out;
      const bool metadata = kind == "prim::dtype" || kind == "prim::device";
      if (!layer && !metadata) {
        ctx.fail_unsupported(std::string("the packed sequence's ") +
                             (out == 0 ? "data" : "batch sizes") + " is read by " + kind +
                             ": ONNX has no packed sequences, so pt2onnx keeps the padded batch "
                             "and its lengths, which only recurrent layers, "
                             "pad_packed_sequence and the packed sizes can read");
      }
    }
  }
}

// The padded (T, B, F) output of a recurrent layer, cut or zero-padded to `total_length` steps
// (LibTorch's pad_packed_sequence gives max(lengths) steps, or total_length when given; steps
// past a sequence's length are zeros in both). Static here: both lengths known.
std::optional<ValueName> fit_steps_static(SymbolicContext& ctx, const ValueName& x,
                                          const Node& node) {
  const auto total = ctx.known_value(ctx.arg(node, "total_length"));
  const auto shape = ctx.static_shape(x);
  if (!total || !total->isInt() || !shape || shape->size() != 3 || (*shape)[0] < 0) {
    return std::nullopt;
  }
  const int64_t want = total->toInt(), have = (*shape)[0];
  if (want == have) return x;
  if (want < have) return onnx_ops::slice(ctx.builder(), x, {0}, {0}, {want});
  return onnx_ops::pad(ctx.builder(), x, {0, 0, 0, want - have, 0, 0}, "constant", 0.0);
}

Outputs pad_packed(SymbolicContext& ctx, const Node& node, bool run_time_lengths) {
  if (ctx.const_float(node, "padding_value") != 0.0) {
    ctx.fail_unsupported("pad_packed_sequence with a padding value other than 0");
  }
  const Node* producer = node.input(0)->node();
  const std::string kind = producer->kind().toQualString();
  if (!is_recurrent_kind(*producer) && kind != "aten::_pack_padded_sequence") {
    ctx.fail_unsupported(
        "pad_packed_sequence of a packed sequence not made by pack_padded_sequence and a recurrent "
        "layer");
  }
  ValueName x = ctx.input(node, "data");
  if (ctx.require_rank(x) != 3) ctx.fail_unsupported("pad_packed_sequence of data not 3-d");
  std::optional<ValueName> fitted = fit_steps_static(ctx, x, node);
  if (!fitted && !run_time_lengths) {
    // Before opset 11, Pad and Slice take no run-time amounts: total_length zero steps are
    // concatenated after the input's, and the first total_length steps gathered.
    auto& g = ctx.builder();
    const ValueName total = ctx.emit(
        "Reshape",
        {ctx.cast(ctx.tensor(ctx.arg(node, "total_length")), c10::kLong), ctx.ints_constant({})});
    const ValueName rest = onnx_ops::slice(g, ctx.emit("Shape", {x}), {0}, {1}, {3});
    const ValueName zeros_shape =
        ctx.emit("Concat", {onnx_ops::unsqueeze(g, total, {0}), rest}, {{"axis", 0}});
    const at::Tensor zero = at::zeros({1}, at::TensorOptions().dtype(ctx.require_dtype(x)));
    const ValueName zeros = ctx.emit("ConstantOfShape", {zeros_shape}, {{"value", zero}});
    const ValueName padded = ctx.emit("Concat", {x, zeros}, {{"axis", 0}});
    fitted = ctx.emit("Gather", {padded, positions_up_to(ctx, total)}, {{"axis", 0}});
  }
  if (!fitted) {
    ValueName total = ctx.emit(
        "Reshape",
        {ctx.cast(ctx.tensor(ctx.arg(node, "total_length")), c10::kLong), ctx.ints_constant({1})});
    // total_length zero steps after the input's, then its first total_length steps: no
    // max(total - steps, 0), which ONNX's Max takes on int64 only from opset 12.
    ValueName pads = ctx.emit(
        "Concat", {ctx.ints_constant({0, 0, 0}), total, ctx.ints_constant({0, 0})}, {{"axis", 0}});
    ValueName padded = onnx_ops::pad_dynamic(ctx.builder(), x, pads, "constant", 0.0);
    fitted = slice_dynamic_keep_rank(ctx, padded, ctx.ints_constant({0}), total,
                                     ctx.ints_constant({0}), ctx.ints_constant({1}));
  }
  x = *fitted;
  if (ctx.const_bool(node, "batch_first")) x = batch_first_swap(ctx, x);
  return {x, ctx.cast(ctx.input(node, "batch_sizes"), c10::kLong)};
}

}  // namespace

// aten::lstm.input(input, Tensor[] hx, params, ...) -> (output, h_n, c_n): LSTM per layer.
Outputs lstm_v9(SymbolicContext& ctx, const Node& node) {
  return full_rnn(ctx, node, Variant::kLstm);
}
// aten::gru.input(input, hx, params, ...) -> (output, h_n): GRU (linear_before_reset=1) per layer.
Outputs gru_v9(SymbolicContext& ctx, const Node& node) {
  return full_rnn(ctx, node, Variant::kGru);
}
// aten::rnn_tanh.input / rnn_relu.input -> (output, h_n): RNN with Tanh / Relu per layer.
Outputs rnn_tanh_v9(SymbolicContext& ctx, const Node& node) {
  return full_rnn(ctx, node, Variant::kRnnTanh);
}
Outputs rnn_relu_v9(SymbolicContext& ctx, const Node& node) {
  return full_rnn(ctx, node, Variant::kRnnRelu);
}
// aten::quantized_lstm.input / quantized_gru.input (dynamic quantization): LSTM / GRU per layer
// with the dequantized weights.
Outputs quantized_lstm_v9(SymbolicContext& ctx, const Node& node) {
  return dynamic_quantized_rnn(ctx, node, Variant::kLstm);
}
Outputs quantized_gru_v9(SymbolicContext& ctx, const Node& node) {
  return dynamic_quantized_rnn(ctx, node, Variant::kGru);
}
// The .data overloads: packed input (see _pack_padded_sequence_v9).
Outputs lstm_packed_v9(SymbolicContext& ctx, const Node& node) {
  return packed_rnn(ctx, node, Variant::kLstm);
}
Outputs gru_packed_v9(SymbolicContext& ctx, const Node& node) {
  return packed_rnn(ctx, node, Variant::kGru);
}
Outputs rnn_tanh_packed_v9(SymbolicContext& ctx, const Node& node) {
  return packed_rnn(ctx, node, Variant::kRnnTanh);
}
Outputs rnn_relu_packed_v9(SymbolicContext& ctx, const Node& node) {
  return packed_rnn(ctx, node, Variant::kRnnRelu);
}

// aten::_pack_padded_sequence(input, lengths, batch_first) -> (data, batch_sizes). ONNX has no
// packed sequences: the "packed" value stays the padded (T, B, F) batch, and batch_sizes becomes
// the int32 lengths, which the recurrent node takes as sequence_lens.
Outputs _pack_padded_sequence_v9(SymbolicContext& ctx, const Node& node) {
  check_packed_readers(ctx, node);
  ValueName x = ctx.input(node, "input");
  if (ctx.const_bool(node, "batch_first")) x = batch_first_swap(ctx, x);
  return {x, ctx.cast(ctx.input(node, "lengths"), c10::kInt)};
}

// aten::_pad_packed_sequence(data, batch_sizes, batch_first, padding_value, total_length)
// -> (padded, lengths): the recurrent node's output is padded already (with zeros), to the
// input's steps; it is cut or padded to total_length. Run-time lengths need Pad's pads input (11).
Outputs _pad_packed_sequence_v9(SymbolicContext& ctx, const Node& node) {
  return pad_packed(ctx, node, false);
}
Outputs _pad_packed_sequence_v11(SymbolicContext& ctx, const Node& node) {
  return pad_packed(ctx, node, true);
}

}  // namespace pt2onnx::sym
