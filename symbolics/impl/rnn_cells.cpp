// One step of a recurrent cell (nn.GRUCell, nn.LSTMCell, nn.RNNCell), as a greedy decoder calls it
// inside a scripted loop: aten::gru_cell / lstm_cell / rnn_tanh_cell / rnn_relu_cell lowered to
// the arithmetic torch itself runs (aten/src/ATen/native/RNN.cpp, the *Cell functors), not to ONNX
// GRU/LSTM/RNN nodes over a sequence of one step: MatMul, Add, Mul, Sub, Sigmoid, Tanh and Relu
// work at every opset, for any element type, with the gates in torch's order, and a loop body of
// a handful of elementwise ops is what a runtime fuses best. The input is (B, F) or (F): a 1-d
// input is computed as one unbatched row (torch's nn.*Cell modules unsqueeze it themselves).
#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

#include "onnx/ops.h"
#include "symbolics/helpers.h"
#include "symbolics/impl/rnn_cells.h"

namespace pt2onnx::sym {
namespace {

// x @ w^T (+ b): one side's gate pre-activations, (B, G*H) or (G*H). The Transpose of a constant
// weight is folded at conversion time.
ValueName gates_of(SymbolicContext& ctx, const ValueName& x, const ValueName& w,
                   const std::optional<ValueName>& b) {
  ctx.require_rank(x);
  if (ctx.rank(w) != 2) ctx.fail_invalid("cell weights must be 2-d");
  const ValueName wt = ctx.emit("Transpose", {w}, {{"perm", std::vector<int64_t>{1, 0}}});
  const ValueName y = ctx.emit("MatMul", {x, wt});
  return b ? ctx.emit("Add", {y, *b}) : y;
}

// `gates` cut into `n` equal blocks along its last axis (torch's chunk(n, 1)).
std::vector<ValueName> chunk(SymbolicContext& ctx, const ValueName& gates, int64_t n) {
  const int64_t axis = ctx.require_rank(gates) - 1;
  return onnx_ops::split_equal(ctx.builder(), gates, axis, static_cast<size_t>(n));
}

struct CellArgs {
  ValueName input;
  ValueName w_ih, w_hh;
  std::optional<ValueName> b_ih, b_hh;
};

CellArgs cell_args(SymbolicContext& ctx, const Node& node) {
  CellArgs a;
  a.input = ctx.input(node, "input");
  const int64_t rank = ctx.require_rank(a.input);
  if (rank != 1 && rank != 2)
    ctx.fail_invalid("a recurrent cell's input must be 1-d or 2-d, not " + std::to_string(rank) +
                     "-d");
  a.w_ih = ctx.input(node, "w_ih");
  a.w_hh = ctx.input(node, "w_hh");
  a.b_ih = ctx.optional_input(node, "b_ih");
  a.b_hh = ctx.optional_input(node, "b_hh");
  return a;
}

// h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), as RNN.cpp's SimpleCell.
Outputs simple_cell(SymbolicContext& ctx, const Node& node, const char* activation) {
  const CellArgs a = cell_args(ctx, node);
  const ValueName hx = ctx.input(node, "hx");
  const ValueName pre =
      ctx.emit("Add", {gates_of(ctx, hx, a.w_hh, a.b_hh), gates_of(ctx, a.input, a.w_ih, a.b_ih)});
  return {ctx.emit(activation, {pre})};
}

}  // namespace

// aten::gru_cell(Tensor input, Tensor hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None,
// Tensor? b_hh=None) -> Tensor
// ONNX: MatMul, Add, Split, Sigmoid, Tanh, Mul, Sub. torch's GRU applies the reset gate after the
// hidden-side linear (ONNX GRU's linear_before_reset=1): r = σ(i_r + h_r), z = σ(i_z + h_z),
// n = tanh(i_n + r * h_n), h' = (h - n) * z + n, with each side's bias inside its linear.
Outputs gru_cell_v9(SymbolicContext& ctx, const Node& node) {
  const CellArgs a = cell_args(ctx, node);
  const ValueName hx = ctx.input(node, "hx");
  const auto i = chunk(ctx, gates_of(ctx, a.input, a.w_ih, a.b_ih), 3);
  const auto h = chunk(ctx, gates_of(ctx, hx, a.w_hh, a.b_hh), 3);
  const ValueName reset = ctx.emit("Sigmoid", {ctx.emit("Add", {h[0], i[0]})});
  const ValueName update = ctx.emit("Sigmoid", {ctx.emit("Add", {h[1], i[1]})});
  const ValueName candidate =
      ctx.emit("Tanh", {ctx.emit("Add", {i[2], ctx.emit("Mul", {h[2], reset})})});
  const ValueName kept = ctx.emit("Mul", {ctx.emit("Sub", {hx, candidate}), update});
  return {ctx.emit("Add", {kept, candidate})};
}

// aten::lstm_cell(Tensor input, Tensor[] hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None,
// Tensor? b_hh=None) -> (Tensor, Tensor)
// ONNX: MatMul, Add, Split, Sigmoid, Tanh, Mul. Gates (i, f, g, o) in torch's order:
// c' = σ(f) * c + σ(i) * tanh(g), h' = σ(o) * tanh(c').
Outputs lstm_cell_v9(SymbolicContext& ctx, const Node& node) {
  const CellArgs a = cell_args(ctx, node);
  const std::vector<ValueName> hx = ctx.input_list(node, "hx");
  if (hx.size() != 2) ctx.fail_invalid("lstm_cell's hx must hold (h, c)");
  const ValueName gates = ctx.emit(
      "Add", {gates_of(ctx, hx[0], a.w_hh, a.b_hh), gates_of(ctx, a.input, a.w_ih, a.b_ih)});
  const auto g = chunk(ctx, gates, 4);
  const ValueName in_gate = ctx.emit("Sigmoid", {g[0]});
  const ValueName forget_gate = ctx.emit("Sigmoid", {g[1]});
  const ValueName cell_gate = ctx.emit("Tanh", {g[2]});
  const ValueName out_gate = ctx.emit("Sigmoid", {g[3]});
  const ValueName cy = ctx.emit(
      "Add", {ctx.emit("Mul", {forget_gate, hx[1]}), ctx.emit("Mul", {in_gate, cell_gate})});
  const ValueName hy = ctx.emit("Mul", {out_gate, ctx.emit("Tanh", {cy})});
  return {hy, cy};
}

// aten::rnn_tanh_cell(Tensor input, Tensor hx, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None,
// Tensor? b_hh=None) -> Tensor
// ONNX: MatMul, Add, Tanh: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh).
Outputs rnn_tanh_cell_v9(SymbolicContext& ctx, const Node& node) {
  return simple_cell(ctx, node, "Tanh");
}

// aten::rnn_relu_cell(...same as rnn_tanh_cell...) -> Tensor
// ONNX: MatMul, Add, Relu: h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh).
Outputs rnn_relu_cell_v9(SymbolicContext& ctx, const Node& node) {
  return simple_cell(ctx, node, "Relu");
}

}  // namespace pt2onnx::sym
