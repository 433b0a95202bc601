"""Recurrent cells (nn.GRUCell, nn.LSTMCell, nn.RNNCell) stepped by hand, as greedy decoders do.

Scripted decoders run the cell inside a `for` loop whose trip count is an int input or a tensor's
size: the ONNX file holds a Loop, and is run in ONNX Runtime at several batch sizes (the batch
axis is dynamic) and trip counts against LibTorch. Traced cells and direct torch.*_cell calls
(without biases, unbatched) cover the op alone.
"""
import unittest

import numpy as np
import torch
from torch import nn

from harness import ConverterTest, convert, load_onnx, op_types, rand, save_torchscript

COVERS = ["aten::gru_cell", "aten::lstm_cell", "aten::rnn_tanh_cell", "aten::rnn_relu_cell"]

OPSETS = [9, 11, 13, 17]
FEATURES, HIDDEN = 4, 5


def make_cell(kind, bias=True):
    if kind == "gru":
        return nn.GRUCell(FEATURES, HIDDEN, bias=bias)
    if kind == "lstm":
        return nn.LSTMCell(FEATURES, HIDDEN, bias=bias)
    return nn.RNNCell(FEATURES, HIDDEN, bias=bias, nonlinearity=kind)


class Decoder(nn.Module):
    """Feeds each step's prediction back as the next input, `steps` times."""

    def __init__(self, kind, bias=True):
        super().__init__()
        self.cell = make_cell(kind, bias)
        self.proj = nn.Linear(HIDDEN, FEATURES)
        self.hidden, self.features = HIDDEN, FEATURES

    def forward(self, x, steps: int):
        h = torch.zeros(x.size(0), self.hidden)
        outs = torch.zeros(0, x.size(0), self.features)
        for _ in range(steps):
            h = self.cell(x, h)
            x = torch.softmax(self.proj(h), -1)
            outs = torch.cat([outs, x.unsqueeze(0)], 0)
        return outs, h


class LstmDecoder(nn.Module):
    """The LSTM version: the trip count is the length of `memory` (one step per row)."""

    def __init__(self, bias=True):
        super().__init__()
        self.cell = make_cell("lstm", bias)
        self.proj = nn.Linear(HIDDEN, FEATURES)
        self.hidden, self.features = HIDDEN, FEATURES

    def forward(self, x, memory):
        h = torch.zeros(x.size(0), self.hidden)
        c = torch.zeros(x.size(0), self.hidden)
        outs = torch.zeros(0, x.size(0), self.features)
        for t in range(memory.size(0)):
            h, c = self.cell(x + memory[t], (h, c))
            x = torch.softmax(self.proj(h), -1)
            outs = torch.cat([outs, x.unsqueeze(0)], 0)
        return outs, h, c


class GruSizeDecoder(nn.Module):
    """GRU with the trip count from a tensor's size and a hidden state given as input."""

    def __init__(self):
        super().__init__()
        self.cell = make_cell("gru")
        self.proj = nn.Linear(HIDDEN, FEATURES)

    def forward(self, x, h, memory):
        for t in range(memory.size(0)):
            h = self.cell(x * memory[t], h)
            x = self.proj(h)
        return x, h


class LstmCellFlat(nn.Module):
    """nn.LSTMCell with h and c as separate inputs (a tuple input is not an ONNX input)."""

    def __init__(self):
        super().__init__()
        self.cell = make_cell("lstm")

    def forward(self, x, h, c):
        return self.cell(x, (h, c))


class CellFunctions(nn.Module):
    """torch.*_cell called directly: without biases, and on a 1-d (unbatched) input through the
    module, which unsqueezes it itself."""

    def __init__(self):
        super().__init__()
        g = make_cell("gru", bias=False)
        l = make_cell("lstm", bias=False)
        self.g_ih, self.g_hh = g.weight_ih, g.weight_hh
        self.l_ih, self.l_hh = l.weight_ih, l.weight_hh
        self.rnn = make_cell("tanh")

    def forward(self, x, h, v):
        a = torch.gru_cell(x, h, self.g_ih, self.g_hh)
        b, c = torch.lstm_cell(x, [h, a], self.l_ih, self.l_hh)
        d = torch.rnn_relu_cell(x, b, self.rnn.weight_ih, self.rnn.weight_hh)
        e = self.rnn(v)  # 1-d
        return a, b, c, d, e


def batch_inputs(batch, steps):
    x = np.abs(rand(batch, FEATURES))
    return [x, np.array(steps, np.int64)]


class ScriptedDecoders(ConverterTest):
    """The cell inside an ONNX Loop, at several trip counts and batch sizes."""

    def check_decoder(self, module, name, input_sets, shape_args, opsets=OPSETS):
        pt = save_torchscript(module, self.path(f"{name}.pt"))
        for opset in opsets:
            with self.subTest(opset=opset):
                onnx_path = self.path(f"{name}_{opset}.onnx")
                convert(pt, onnx_path, "--opset", opset, *shape_args)
                model = load_onnx(onnx_path)
                types = op_types(model)
                self.assertIn("Loop", types)
                for rnn_node in ("GRU", "LSTM", "RNN"):
                    self.assertNotIn(rnn_node, types)
                names = [i.name for i in model.graph.input]
                self.check_matches_torch(pt, onnx_path, names, input_sets)

    def test_gru_rnn_decoders_int_trip_count(self):
        sets = [batch_inputs(2, 3), batch_inputs(3, 1), batch_inputs(1, 6)]
        shape = ["--shape", f"x:2x{FEATURES}", "--dynamic", "x:0=batch"]
        for kind, bias in [("gru", True), ("gru", False), ("tanh", True), ("relu", False)]:
            with self.subTest(kind=kind, bias=bias):
                self.check_decoder(Decoder(kind, bias), f"dec_{kind}_{bias}", sets, shape)

    def test_lstm_decoder_size_trip_count(self):
        def inputs(batch, steps):
            return [np.abs(rand(batch, FEATURES)), rand(steps, batch, FEATURES) * 0.5]

        sets = [inputs(2, 3), inputs(3, 5), inputs(1, 1)]
        shape = ["--shape", f"x:2x{FEATURES}", "--shape", f"memory:3x2x{FEATURES}", "--dynamic",
                 "x:0=batch", "--dynamic", "memory:0=steps,1=batch"]
        for bias in (True, False):
            with self.subTest(bias=bias):
                self.check_decoder(LstmDecoder(bias), f"lstm_dec_{bias}", sets, shape)

    def test_gru_hidden_state_input(self):
        def inputs(batch, steps):
            return [rand(batch, FEATURES), rand(batch, HIDDEN), rand(steps, 1, FEATURES)]

        sets = [inputs(2, 4), inputs(5, 2)]
        shape = ["--shape", f"x:2x{FEATURES}", "--shape", f"h:2x{HIDDEN}", "--shape",
                 f"memory:4x1x{FEATURES}", "--dynamic", "x:0=batch", "--dynamic", "h:0=batch",
                 "--dynamic", "memory:0=steps"]
        self.check_decoder(GruSizeDecoder(), "gru_size", sets, shape)


class CellsAlone(ConverterTest):
    def test_traced_cells(self):
        x, h, c = rand(3, FEATURES), rand(3, HIDDEN), rand(3, HIDDEN)
        for kind in ("gru", "lstm", "tanh", "relu"):
            module = LstmCellFlat() if kind == "lstm" else make_cell(kind)
            flat = [x, h] + ([c] if kind == "lstm" else [])
            example = tuple(torch.from_numpy(a) for a in flat)
            pt = save_torchscript(module, self.path(f"{kind}.pt"), "trace", example)
            shapes = []
            for i, a in enumerate(flat):
                shapes += ["--shape", f"{i}:" + "x".join(map(str, a.shape))]
            for opset in (9, 17):
                with self.subTest(kind=kind, opset=opset):
                    onnx_path = self.path(f"{kind}_{opset}.onnx")
                    convert(pt, onnx_path, "--opset", opset, *shapes)
                    names = [i.name for i in load_onnx(onnx_path).graph.input]
                    self.check_matches_torch(pt, onnx_path, names, [flat])

    def test_traced_unbatched_cell(self):
        module = make_cell("gru")
        pt = save_torchscript(module, self.path("gru1d.pt"), "trace",
                              (torch.randn(FEATURES), torch.randn(HIDDEN)))
        onnx_path = self.path("gru1d.onnx")
        convert(pt, onnx_path, "--opset", 13, "--shape", f"input:{FEATURES}", "--shape",
                f"hx:{HIDDEN}")
        self.check_matches_torch(pt, onnx_path, ["input", "hx"],
                                 [[rand(FEATURES), rand(HIDDEN)]])

    def test_cell_functions_without_biases(self):
        pt = save_torchscript(CellFunctions(), self.path("fns.pt"))
        inputs = [rand(2, FEATURES), rand(2, HIDDEN), rand(FEATURES)]
        for opset in OPSETS:
            with self.subTest(opset=opset):
                onnx_path = self.path(f"fns_{opset}.onnx")
                convert(pt, onnx_path, "--opset", opset, "--shape", f"x:2x{FEATURES}", "--shape",
                        f"h:2x{HIDDEN}", "--shape", f"v:{FEATURES}", "--dynamic", "x:0",
                        "--dynamic", "h:0")
                self.check_matches_torch(pt, onnx_path, ["x", "h", "v"], [inputs])


if __name__ == "__main__":
    unittest.main()
