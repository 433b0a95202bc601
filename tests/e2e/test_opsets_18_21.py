"""Opsets 18 to 21 in ONNX Runtime against LibTorch (op_cases.py runs the tables).

CASES holds the lowerings the tables symbolics/tables/opset18.cpp ... opset21.cpp add, each at the
opsets where it is in effect, and RESPELLED re-runs the reduction table and the recurrent cells at
18 and 21, where Reduce* take their axes as an input and Split its piece count as an attribute.
A binary linked with an ONNX that stops below an opset (Debian 12's 1.12 stops at 17) writes none
of these: each export above its limit is skipped, saying so, and the refusal is checked instead.
"""
import copy
import subprocess
import unittest

import numpy as np
import torch

import test_ops_reduce
from harness import PT2ONNX, ConverterTest, convert, max_opset
from op_cases import BOOL, F32, I32, I64, Case, run_cases, to_torchscript

F = "torch.nn.functional"
INDEX = np.array([[0, 1, 0], [2, 0, 2], [1, 1, 1]], np.int64)
# theta of affine_grid: 2-d [N, 2, 3], 3-d [N, 3, 4], near the identity.
THETA2 = (np.array([[[1.0, 0.1, 0.0], [-0.1, 0.9, 0.1]]] * 2) + F32(2, 2, 3) * 0.05).astype(np.float32)
THETA3 = (np.concatenate([np.eye(3), np.zeros((3, 1))], 1)[None] + F32(1, 3, 4) * 0.05).astype(np.float32)

CASES = [
    # 18: BitwiseAnd/Or/Xor/Not on integers in their own type; bool stays And/Or/Xor/Not.
    Case("bitwise_18", "i, j, k, m, a, b", "return torch.bitwise_and(i, j), torch.bitwise_or(i, j), torch.bitwise_xor(i, j), torch.bitwise_not(i), i & j, i | j, i ^ j, k & m, ~k, torch.bitwise_not(m), torch.bitwise_and(a, b), ~a", [I64(6, lo=-64, hi=64), I64(6, lo=0, hi=64), I32(6, lo=-100, hi=100), I32(6, lo=-100, hi=100), BOOL(6), BOOL(6)], 18, opsets=[18, 21]),
    Case("mish_18", "x", f"return {F}.mish(x)", [F32(3, 8) * 2], 18, opsets=[18]),
    Case("scatter_reduce_18", "x, i, s", "return x.scatter_reduce(1, i, s, 'amax'), x.scatter_reduce(1, i, s, 'amin'), x.scatter_reduce(0, i, s, 'sum'), x.scatter_reduce(1, i, s, 'prod')", [F32(3, 4), INDEX, F32(3, 3)], 18, opsets=[18]),
    Case("col2im_18", "x, u", f"return {F}.fold(x, [4, 5], 2), {F}.fold(x, [5, 6], [2, 2], 1, 1, 2), {F}.fold(u, [3, 4], [2, 2], padding=1)", [F32(2, 12, 12), F32(12, 20)], 18, opsets=[18, 21]),
    # 19: circular padding as Pad wrap.
    Case("pad_wrap_19", "x", f"return {F}.pad(x, [1, 2, 2, 1], mode='circular'), torch._C._nn._pad_circular(x, [1, 1, 2, 1]), {F}.pad(x[0], [2, 0], mode='circular')", [F32(1, 2, 4, 5)], 19, opsets=[19, 21]),
    # 20: Gelu, AffineGrid, GridSample-20 (linear/cubic, and 5-d).
    Case("gelu_20", "x", f"return {F}.gelu(x), {F}.gelu(x, approximate='tanh')", [F32(2, 8) * 3], 20, opsets=[20, 21]),
    Case("affine_grid_20", "t, u, x", f"g = {F}.affine_grid(t, [2, 3, 4, 5], align_corners=False)\n    return g, {F}.affine_grid(t, [2, 1, 3, 3], align_corners=True), {F}.affine_grid(u, [1, 2, 2, 3, 4], align_corners=False), {F}.grid_sample(x, g, align_corners=False)", [THETA2, THETA3, F32(2, 3, 4, 5)], 20, opsets=[20]),
    Case("grid_sample_20", "x, g, v, h", f"return {F}.grid_sample(x, g, align_corners=False), {F}.grid_sample(x, g, mode='nearest', padding_mode='border', align_corners=True), {F}.grid_sample(x, g, mode='bicubic', padding_mode='reflection', align_corners=False), {F}.grid_sample(v, h, align_corners=True), {F}.grid_sample(v, h, mode='nearest', align_corners=False)", [F32(1, 2, 4, 5), (F32(1, 3, 3, 2) * 0.6), F32(1, 2, 3, 4, 5), (F32(1, 2, 3, 2, 3) * 0.6)], 20, opsets=[20, 21]),
    # 21: GroupNormalization, with and without weight and bias; ONNX does not type its output
    # (a function body without inference), so a graph output of it and a later op needing its
    # rank (transpose's -1) test the type pt2onnx gives it.
    Case("group_norm_21", "x, w, b", f"return {F}.group_norm(x, 3, w, b), {F}.group_norm(x, 3).transpose(1, -1), {F}.group_norm(x[:, :, 0], 1, w, b, 1e-3)", [F32(2, 6, 4, 5), F32(6), F32(6)], 21, opsets=[21]),
    # Split's num_outputs at 18 (the recurrent cells cut their gates in equal pieces).
    Case("cells_18", "x, h, c, wi, wh, bi, bh, gi, gh", "h1, c1 = torch.lstm_cell(x, [h, c], wi, wh, bi, bh)\n    return h1, c1, torch.gru_cell(x, h, gi, gh, None, None)", [F32(3, 4), F32(3, 5), F32(3, 5), F32(20, 4), F32(20, 5), F32(20), F32(20), F32(15, 4), F32(15, 5)], 18, opsets=[18, 21]),
]


def at_opsets(case, opsets):
    c = copy.copy(case)
    c.name, c._opsets = f"{case.name}_at_{opsets[0]}", list(opsets)
    return c


RESPELLED = [at_opsets(c, [18, 21]) for c in test_ops_reduce.CASES if c.highest >= 17]


class Opsets18To21Test(ConverterTest):
    def test_new_lowerings(self):
        run_cases(self, CASES)

    def test_respelled_ops(self):
        run_cases(self, RESPELLED)

    def test_refused_above_the_linked_onnx(self):
        # A build whose ONNX stops below 21 refuses the rest, naming that ONNX.
        if max_opset() >= 21:
            self.skipTest("this build writes opsets up to 21")
        proc = subprocess.run([PT2ONNX, "m.pt", "-o", "m.onnx", "--opset", str(max_opset() + 1)],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertIn("the linked ONNX", proc.stderr)

    def refused(self, body, opset, code):
        case = Case("refused", "x, i, s", body, [F32(3, 4), INDEX, F32(3, 3)], 9)
        pt = self.path("refused.pt")
        torch.jit.save(to_torchscript(case, self.dir), str(pt))
        proc = convert(pt, self.path("refused.onnx"), "--opset", opset, check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn(code, proc.stderr)

    def test_scatter_reduce_refusals(self):
        # amax/amin need ScatterElements-18; ONNX always reduces into self, so include_self=False
        # is refused at every opset.
        self.refused("return x.scatter_reduce(1, i, s, 'amax')", 17, "needs-opset")
        self.refused("return x.scatter_reduce(1, i, s, 'mean')", max_opset(), "unsupported-construct")
        self.refused("return x.scatter_reduce(1, i, s, 'sum', include_self=False)", max_opset(),
                     "unsupported-construct")

if __name__ == "__main__":
    unittest.main()
