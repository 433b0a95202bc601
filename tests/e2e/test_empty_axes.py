"""Inputs with an empty axis (--shape x:2x0x3): an empty tensor often stands for "no state yet".

torch's sizes are literal, so a view to a shape with a 0 is an empty tensor of that shape; ONNX
Reshape (before allowzero) copies the input's size there instead, which the conversion must not
let through. Models that cannot take an empty tensor are the user's input error (exit 3), not an
invalid model. Each case runs in ONNX Runtime against LibTorch; dynamic axes at two sizes, 0 among
them where the model branches on it.
"""
import unittest
from typing import Tuple

import numpy as np
import torch
from torch import Tensor

from harness import ConverterTest, convert, save_torchscript

R = np.random.RandomState(3)


def f32(*shape):
    return R.randn(*shape).astype(np.float32)


class SumOverEmpty(torch.nn.Module):
    def forward(self, x):
        return x.sum(1), x.numel() + x.sum()


class ViewToEmpty(torch.nn.Module):
    """view(3, 0) of a 0x3 tensor: ONNX Reshape without allowzero would make it 3x3."""

    def forward(self, x):
        return x.view(x.size(1), x.size(0)) + 1


def first_state(data: Tensor, prev: Tensor, hidden: int) -> Tuple[Tensor, Tensor]:
    state = torch.zeros(2, data.size(0), hidden, data.size(2))
    if prev.size(0) == 0:
        state[:] = torch.ones(data.size(0), hidden, data.size(2)) * 3
    else:
        state[:] = prev + state[:]
    return state[0], state[1]


class StateOrEmpty(torch.nn.Module):
    """An empty tensor for "no state yet", as recurrent models pass it (the peer suite's
    index_put_if tests)."""

    def forward(self, data, prev):
        return first_state(data, prev, 4)


class Conv(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return torch.relu(self.conv(x))


class ConvThenFlatten(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x).view(x.size(0), -1)


class EmptyAxesTest(ConverterTest):
    def check(self, *case):
        self.check_cases([case])

    def test_reductions_of_an_empty_axis(self):
        for mode in ("script", "trace"):
            with self.subTest(mode=mode):
                self.check(f"sum_{mode}", SumOverEmpty(), mode, ["--shape", "x:2x0x3"],
                           [[f32(2, 0, 3)]], (11, 17))
                self.check(f"sum_dyn_{mode}", SumOverEmpty(), mode,
                           ["--shape", "x:2x0x3", "--dynamic", "x:0"],
                           [[f32(2, 0, 3)], [f32(5, 0, 3)]], (11, 17))

    def test_view_to_an_empty_shape_is_literal(self):
        for mode in ("script", "trace"):
            with self.subTest(mode=mode):
                self.check(f"view_{mode}", ViewToEmpty(), mode, ["--shape", "x:0x3"],
                           [[f32(0, 3)]], (9, 13, 17))

    def test_empty_tensor_for_no_state(self):
        """Static: the branch is decided at conversion time; dynamic: at run time, with an empty
        and a full state."""
        data = f32(2, 5, 6)
        self.check("state_static", StateOrEmpty(), "script",
                   ["--shape", "data:2x5x6", "--shape", "prev:0x0x0x0"],
                   [[data, f32(0, 0, 0, 0)]], (11, 17))
        self.check("state_dynamic", StateOrEmpty(), "script",
                   ["--shape", "data:2x5x6", "--shape", "prev:0x0x0x0",
                    "--dynamic", "data:0,2", "--dynamic", "prev:0,1,2,3"],
                   [[data, f32(0, 0, 0, 0)], [f32(3, 5, 2), f32(1, 3, 4, 2)]], (11, 13, 17))

    def test_convolution_of_an_empty_batch(self):
        self.check("conv_empty_batch", Conv(), "script", ["--shape", "x:0x3x8x8"],
                   [[f32(0, 3, 8, 8)]], (11, 17))
        self.check("conv_dynamic_batch", Conv(), "trace",
                   ["--shape", "x:0x3x8x8", "--dynamic", "x:0"],
                   [[f32(0, 3, 8, 8)], [f32(2, 3, 8, 8)]], (17,))

    def test_models_that_cannot_take_an_empty_tensor_are_bad_input(self):
        pt = save_torchscript(ConvThenFlatten(), self.path("conv.pt"))
        for shape, says in (("x:0x3x16x16", "ambiguous"), ("x:2x0x16x16", "3 channels")):
            with self.subTest(shape=shape):
                out = self.path("conv.onnx")
                proc = convert(pt, out, "--shape", shape, check=False)
                self.assertEqual(proc.returncode, 3, proc.stderr)
                self.assertIn(says, proc.stderr)
                self.assertFalse(out.exists())

    def test_negative_sizes_stay_refused(self):
        pt = save_torchscript(SumOverEmpty(), self.path("sum.pt"))
        proc = convert(pt, self.path("neg.onnx"), "--shape", "x:2x-1x3", check=False)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("0 or more", proc.stderr)


if __name__ == "__main__":
    unittest.main()
