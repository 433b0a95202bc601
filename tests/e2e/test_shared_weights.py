"""Equal weights (same dtype, shape and bytes) are written once, under the first name."""
import copy
import unittest

import numpy as np
import onnx
import torch
import torch.nn as nn

from harness import ConverterTest, convert, load_onnx, rand, save_torchscript


class TwoEqualLinears(nn.Module):
    """`b` is a deep copy of `a` (as nn.TransformerEncoder copies its layer); `c` differs."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(128, 128)
        self.b = copy.deepcopy(self.a)
        self.c = nn.Linear(128, 128)

    def forward(self, x):
        return self.c(torch.relu(self.b(torch.relu(self.a(x)))))


def square_initializers(model):
    return [i.name for i in model.graph.initializer if list(i.dims) == [128, 128]]


class SharedWeightsTest(ConverterTest):
    def test_equal_linear_layers_share_one_weight(self):
        # A 3-d input: each Linear's weight is transposed for a MatMul, a fold per layer.
        x = rand(2, 5, 128)
        pt = save_torchscript(TwoEqualLinears(), self.path("two.pt"), "trace", (torch.from_numpy(x),))
        out = self.path("two.onnx")
        convert(pt, out, "--shape", "x:2x5x128", "--dynamic", "x:0")
        model = load_onnx(out)
        self.assertEqual(len(square_initializers(model)), 2, square_initializers(model))
        self.check_matches_torch(pt, out, ["x"], [[x], [rand(3, 5, 128)]])

    def test_transformer_encoder_layers_share_weights(self):
        layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True)
        encoder = nn.TransformerEncoder(layer, num_layers=3)
        x = rand(2, 6, 64)
        # Traced with autograd on, as scripts/bench.py does: the unfused path (aten::linear, bmm...).
        pt = str(self.path("enc.pt"))
        torch.jit.save(torch.jit.trace(encoder.eval(), (torch.from_numpy(x),), check_trace=False), pt)
        out = self.path("enc.onnx")
        convert(pt, out, "--shape", "src:2x6x64", "--dynamic", "src:0")
        model = load_onnx(out)
        weight_bytes = sum(len(i.raw_data) for i in model.graph.initializer)
        one_layer = sum(p.numel() * 4 for p in layer.parameters())
        # Every layer starts as a copy of `layer`: one layer's weights, plus a few small constants.
        self.assertLess(weight_bytes, one_layer * 1.1)
        self.check_matches_torch(pt, out, ["src"], [[x]])


if __name__ == "__main__":
    unittest.main()
