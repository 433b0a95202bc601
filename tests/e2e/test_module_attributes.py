"""Attributes that `forward` writes (issue 10): counters, hidden states, flags such as
torchvision's `_has_warned`, written in straight-line code, in run-time ifs and in loops.

Within one call an attribute is a variable: its value at load time is the start, a write rebinds
it, and its value after the call is not kept (as in torch.onnx), with a warning. LibTorch's reference comes from a
fresh load of the saved module for every input set, so both sides start from the same state.
"""
import unittest
from typing import Optional

import numpy as np
import torch
import torch.nn as nn

from harness import ConverterTest, convert, load_onnx, save_torchscript

R = np.random.RandomState(10)


def f32(*shape):
    return R.randn(*shape).astype(np.float32)


def i64(value):
    return np.array(value, np.int64)


class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.count = 2

    def forward(self, x):
        self.count += 1
        y = x * self.count
        self.count = self.count * 2
        return y + self.count


class HiddenState(nn.Module):
    """The word-language models' pattern: the new state is stored on `self`."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.hidden = torch.full((1, 3), 0.5)

    def forward(self, x):
        h = torch.tanh(self.lin(x) + self.hidden)
        self.hidden = h.detach()
        return h * 2 + self.hidden


class HasWarned(nn.Module):
    """torchvision's detection models: a flag set on the first call."""

    def __init__(self):
        super().__init__()
        self._has_warned = False

    def forward(self, x):
        if not self._has_warned:
            self._has_warned = True
        return x + 1 if self._has_warned else x - 1


class WrittenInRunTimeIf(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = torch.ones(1)

    def forward(self, x):
        if bool(x.sum() > 0):
            self.scale = self.scale * 3.0
        else:
            self.scale = self.scale - 1.0
        return x * self.scale


class WrittenInLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.total = torch.zeros(1)
        self.steps = 0

    def forward(self, x, n: int):
        for _ in range(n):
            self.total = self.total + x
            self.steps += 1
        return self.total * self.steps


class Inner(nn.Module):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return x * self.calls


class Outer(nn.Module):
    """A submodule's attribute, written each time the submodule is called."""

    def __init__(self):
        super().__init__()
        self.inner = Inner()

    def forward(self, x):
        return self.inner(x) + self.inner(x)


class OptionalState(nn.Module):
    last: Optional[torch.Tensor]

    def __init__(self):
        super().__init__()
        self.last = None

    def forward(self, x):
        y = x
        last = self.last
        if last is not None:
            y = x + last
        self.last = x
        return y


class ReadsOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = 3

    def forward(self, x):
        return x * self.scale


CASES = [
    # (name, module, mode, flags, input sets, opsets)
    ("counter", Counter(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(5, 3)]], (9, 17)),
    ("hidden_script", HiddenState(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(4, 3)]], (9, 17)),
    ("hidden_trace", HiddenState(), "trace", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(4, 3)]], (9, 17)),
    ("has_warned", HasWarned(), "script", ["--shape", "x:3", "--dynamic", "x:0"],
     [[f32(3)], [f32(6)]], (9, 17)),
    ("run_time_if", WrittenInRunTimeIf(), "script", ["--shape", "x:3", "--dynamic", "x:0"],
     [[np.abs(f32(3))], [-np.abs(f32(5))]], (11, 17)),
    ("loop", WrittenInLoop(), "script", ["--shape", "x:3", "--dynamic", "x:0"],
     [[f32(3), i64(2)], [f32(5), i64(4)], [f32(2), i64(0)]], (11, 17)),
    ("submodule", Outer(), "script", ["--shape", "x:2", "--dynamic", "x:0"],
     [[f32(2)], [f32(4)]], (9, 17)),
    ("optional_state", OptionalState(), "script", ["--shape", "x:2", "--dynamic", "x:0"],
     [[f32(2)], [f32(3)]], (9, 17)),
]


class ModuleAttributesTest(ConverterTest):
    def test_cases(self):
        self.check_cases(CASES)

    def test_final_value_is_not_an_output_and_is_said(self):
        pt = save_torchscript(Counter(), self.path("counter.pt"))
        out = self.path("counter.onnx")
        proc = convert(pt, out, "--shape", "x:2x3")
        self.assertEqual(len(load_onnx(out).graph.output), 1)
        # One warning per attribute written (count is written twice), naming it.
        warnings = [l for l in proc.stderr.splitlines() if "dropped-attribute-state" in l]
        self.assertEqual(len(warnings), 1, proc.stderr)
        self.assertIn("self.count", warnings[0])

    def test_read_only_attributes_give_no_warning(self):
        pt = save_torchscript(ReadsOnly(), self.path("reads.pt"))
        proc = convert(pt, self.path("reads.onnx"), "--shape", "x:2")
        self.assertNotIn("dropped-attribute-state", proc.stderr)


class AttributeRefusalsTest(ConverterTest):
    def test_attribute_without_a_constant_form_is_named(self):
        pt = save_torchscript(ObjectState(), self.path("object.pt"))
        proc = convert(pt, self.path("object.onnx"), "--shape", "x:2", check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("[unsupported-construct]", proc.stderr)
        self.assertIn("self.tally", proc.stderr)
        self.assertFalse(self.path("object.onnx").exists())


@torch.jit.script
class Tally:
    def __init__(self, n: int):
        self.n = n


class ObjectState(nn.Module):
    def __init__(self):
        super().__init__()
        self.tally = Tally(1)

    def forward(self, x):
        self.tally = Tally(self.tally.n + 1)
        return x * self.tally.n


if __name__ == "__main__":
    unittest.main()
