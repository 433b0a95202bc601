"""A refusal inside a loop or a branch stops what depends on it and nothing else: it is reported
with its code and line, and never turns into a crash or an internal error (exit 70) further on."""
import unittest
from typing import List

import numpy as np
import torch
import torch.nn as nn

from harness import ConverterTest, convert, save_torchscript


def f32(*shape):
    return np.random.RandomState(sum(shape)).randn(*shape).astype(np.float32)


class CatOfListBuiltInLoop(nn.Module):
    def forward(self, x):
        parts: List[torch.Tensor] = []
        for i in range(int(x.shape[0])):
            parts.append(x[i] * float(i))
        return torch.cat(parts, -1), torch.stack(parts, -1)


class RefusedOpInsideLoop(nn.Module):
    """The loop body uses an op with no lowering; the carried state and a list built from it
    are read after the loop."""

    def forward(self, x):
        h = x[0]
        outs: List[torch.Tensor] = []
        for i in range(int(x.shape[0])):
            h = torch.special.i1(h + x[i])
            outs.append(h)
        return torch.stack(outs), h * 2.0


class RefusedOpInsideBranch(nn.Module):
    def forward(self, x):
        if bool(x.sum() > 0):
            y = torch.special.i1(x)
        else:
            y = x
        return torch.cat([y, y]), y.relu()


class RefusalsInBlocksTest(ConverterTest):
    def test_list_built_in_a_run_time_loop_needs_sequences(self):
        pt = save_torchscript(CatOfListBuiltInLoop(), self.path("cat.pt"))
        for opset in (9, 11, 12):
            with self.subTest(opset=opset):
                out = self.path(f"cat_{opset}.onnx")
                proc = convert(pt, out, "--opset", opset, "--shape", "x:3x4", "--dynamic", "x:0",
                               check=False)
                self.assertEqual(proc.returncode, 4, proc.stderr)
                self.assertIn("needs-opset", proc.stderr)
                self.assertIn("opset 13", proc.stderr)
                self.assertFalse(out.exists())
        for opset in (13, 17):
            with self.subTest(opset=opset):
                out = self.path(f"cat_{opset}.onnx")
                convert(pt, out, "--opset", opset, "--shape", "x:3x4", "--dynamic", "x:0")
                self.check_matches_torch(pt, out, ["x"], [[f32(3, 4)], [f32(5, 4)]])

    def check_refused(self, module, name):
        pt = save_torchscript(module, self.path(f"{name}.pt"))
        for opset in (11, 17):
            with self.subTest(opset=opset):
                out = self.path(f"{name}_{opset}.onnx")
                proc = convert(pt, out, "--opset", opset, "--shape", "x:3x4", "--dynamic", "x:0",
                               check=False)
                self.assertEqual(proc.returncode, 4, proc.stderr)
                self.assertIn("no-lowering", proc.stderr)
                self.assertIn("aten::special_i1", proc.stderr)
                self.assertIn("test_refusals_in_blocks.py", proc.stderr)
                self.assertNotIn("internal", proc.stderr)
                self.assertFalse(out.exists())

    def test_refusal_inside_a_loop_is_reported_once_and_cleanly(self):
        self.check_refused(RefusedOpInsideLoop(), "loop")

    def test_refusal_inside_a_branch_is_reported_once_and_cleanly(self):
        self.check_refused(RefusedOpInsideBranch(), "branch")


if __name__ == "__main__":
    unittest.main()
