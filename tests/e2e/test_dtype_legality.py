"""Element types ONNX ops do not take (issue 10): the graph builder computes such a node in the
nearest type that holds every value (lib/onnx/type_legalizer.cpp) and casts the result back, and
symbolics that mix operand types promote them as torch does. Each case is exported at the opsets
where the ONNX constraint changes, with a dynamic axis 0 on every input of rank >= 1, and run in
ONNX Runtime at two sizes along it; values *and* dtypes must match LibTorch's. Refusals assert the
exit code and the diagnostic code."""
import unittest

import numpy as np
import torch

from harness import ConverterTest, convert, load_onnx, run_ort, torch_outputs
from op_cases import DTYPES, Case, to_torchscript

R = np.random.RandomState(10)


def _has_half_elu():
    try:
        torch.celu(torch.zeros(1, dtype=torch.half))
        return True
    except RuntimeError:
        return False


HALF_ELU = _has_half_elu()


def i32(*s, lo=-50, hi=50):
    return R.randint(lo, hi, size=s).astype(np.int32)


def i64(*s, lo=-50, hi=50):
    return R.randint(lo, hi, size=s).astype(np.int64)


def i8(*s):
    return R.randint(-100, 100, size=s).astype(np.int8)


def i16(*s):
    return R.randint(-3000, 3000, size=s).astype(np.int16)


def u8(*s):
    # Values near the top of the range, so that sums and products wrap as in torch.
    return R.randint(0, 256, size=s).astype(np.uint8)


def b(*s):
    return R.rand(*s) > 0.5


def f16(*s):
    x = R.randn(*s).astype(np.float16)
    x.reshape(-1)[::3] = np.inf
    x.reshape(-1)[1::5] = -np.inf
    x.reshape(-1)[2::7] = np.nan
    return x


def f32(*s):
    return R.randn(*s).astype(np.float32)


def f64(*s):
    return R.randn(*s).astype(np.float64)


class DCase(Case):
    """A Case with a second input set (axis 0 of every input of rank >= 1 a different size)."""

    def __init__(self, name, signature, body, make, opsets, *, trace_too=True, **kw):
        super().__init__(name, signature, body, make(3), min(opsets), opsets=opsets, **kw)
        self.more = make(5)
        self.trace_too = trace_too


CASES = [
    # Relu takes integers from opset 14: narrow ones go through double and back; int64 takes Where.
    DCase("relu_int", "i, j, k", "return torch.relu(i), torch.relu(j), torch.relu(k)",
          lambda n: [i32(n, 4), i64(n, 4), i8(n)], [9, 11, 13, 14, 17]),
    # Clip takes integers from opset 12 (integers take Where; int64 below).
    DCase("relu6_int32", "i", "return torch.nn.functional.relu6(i), torch.nn.functional.hardtanh(i, -3.0, 4.0)",
          lambda n: [i32(n, 3, lo=-10, hi=10)], [9, 11, 12, 17]),
    # Add/Sub/Mul take uint8 and int8 from opset 14; torch wraps.
    DCase("add_uint8", "a, c, s", "return a + c, a * c, a - c, s + s, s * s",
          lambda n: [u8(n, 4), u8(n, 4), i8(n, 4)], [9, 11, 13, 14, 17]),
    # int16 inputs (--dtype x:int16): Add/Mul on int16 from opset 14, sums in int64.
    DCase("int16_inputs", "s, t", "return s + t, s * 3, s.sum(1), torch.relu(s), s.float() / 2",
          lambda n: [i16(n, 4), i16(n, 4)], [9, 11, 13, 14, 17]),
    # Greater/Less take no bool at any opset.
    DCase("compare_bool", "a, c", "return a > c, a < c, torch.gt(a, c), a >= c",
          lambda n: [b(n, 5), b(n, 5)], [9, 11, 13, 17]),
    # IsInf takes float and double only; IsNaN float16 from 9.
    DCase("isinf_float16", "h", "return torch.isinf(h), torch.isnan(h), torch.isfinite(h)",
          lambda n: [f16(n, 6)], [10, 11, 13, 17]),
    # Einsum takes numbers only.
    DCase("einsum_bool", "m", "return torch.einsum('...ii->...i', m)",
          lambda n: [b(n, 4, 4)], [12, 13, 17]),
    # Celu below opset 12 is Elu (float16/float/double) between a division and a product.
    # (LibTorch 1.13 has no float16 elu on the CPU: the float16 input only where it has.)
    DCase("celu_float64", "x, h", "return torch.celu(x), torch.celu(x, 2.0), torch.celu(h, 0.5)",
          lambda n: [f64(n, 5), f32(n, 5).astype(np.float16)], [9, 11, 12, 17], atol=2e-3)
    if HALF_ELU else
    DCase("celu_float64", "x", "return torch.celu(x), torch.celu(x, 2.0)",
          lambda n: [f64(n, 5)], [9, 11, 12, 17]),
    # Concat wants one type: torch.cat/stack promote float16 with float32, int32 with int64.
    DCase("cat_promotes", "h, x, i, k",
          "return torch.cat([h, x], 1), torch.stack([x, h], 0), torch.cat([i, k], 0), torch.cat([k, i, k], 1)",
          lambda n: [f32(n, 2).astype(np.float16), f32(n, 3)[:, :2].copy(), i32(n, 3), i64(n, 3)],
          [9, 11, 13, 17], atol=2e-3),
    # An integer weight (torch.tensor([3])) scales the float loss.
    DCase("bce_logits_int_weight", "x, y, w, p",
          "return torch.nn.functional.binary_cross_entropy_with_logits(x, y, weight=w, reduction='none'), "
          "torch.nn.functional.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=p), "
          "torch.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=p, reduction='sum')",
          lambda n: [f32(n, 4), (R.rand(n, 4) > 0.5).astype(np.float32), i64(4, lo=1, hi=4),
                     i64(4, lo=0, hi=3)], [9, 11, 17], trace_too=False),
    # An in-place op keeps self's type: torch computes in the promoted type and casts back.
    DCase("inplace_keeps_type", "x, h, y, i, k", "return x.add_(y), h.mul_(y), i.add_(k), k.sub_(i)",
          lambda n: [f32(n, 4).astype(np.float16), f32(n, 4).astype(np.float16), f32(n, 4),
                     i32(n, 3), i64(n, 3)], [9, 11, 17], atol=2e-3),
    # An output of size 1: torch samples the centre of the input (pytorch_half_pixel would not).
    DCase("resize_to_one", "x",
          "return torch.nn.functional.interpolate(x, size=(1, 1), mode='bilinear', align_corners=False), "
          "torch.nn.functional.interpolate(x, size=(1, 3), mode='bicubic', align_corners=False), "
          "torch.nn.functional.interpolate(x, size=(4, 1), mode='bilinear', align_corners=False)",
          lambda n: [f32(n, 2, 5, 6)], [11, 13, 17]),
    # Before opset 11 linear interpolation needs static input sizes: one input set.
    Case("resize_to_one_v9", "x",
         "return torch.nn.functional.interpolate(x, size=(1, 1), mode='bilinear', align_corners=False)",
         [f32(3, 2, 5, 6)], 9, opsets=[9, 10]),
]


def prelu_module():
    torch.manual_seed(3)
    return torch.nn.PReLU()


# PReLU of a 0-d input stays 0-d (a [1] slope must not broadcast it to [1]).
PRELU_0D = Case("prelu_0d", "input", "", [np.float32(-1.5)], 9, module=prelu_module, opsets=[9, 11, 17])
CASES.append(PRELU_0D)


class DtypeLegalityTest(ConverterTest):
    def run_dcases(self, cases):
        jobs, meta = [], []
        for case in cases:
            modes = ["script", "trace"] if getattr(case, "trace_too", False) else ["script"]
            more = getattr(case, "more", None)
            for mode in modes:
                case.trace = mode == "trace"
                pt = self.path(f"{case.name}_{mode}.pt")
                torch.jit.save(to_torchscript(case, self.dir), str(pt))
                sets = [case.inputs] + ([more] if more is not None else [])
                refs = [torch_outputs(pt, s) for s in sets]
                args = []
                for a, x in zip(case.args, case.inputs):
                    x = np.asarray(x)
                    args += [f"--shape={a}:" + ("x".join(map(str, x.shape)) or "scalar"),
                             f"--dtype={a}:{DTYPES[x.dtype]}"]
                    if x.ndim >= 1 and more is not None:
                        args.append(f"--dynamic={a}:0")
                for opset in case.opsets():
                    out = self.path(f"{case.name}_{mode}_{opset}.onnx")
                    label = f"{case.name} {mode} at opset {opset}"
                    with self.subTest(case=label, step="convert"):
                        proc = convert(pt, out, "--opset", opset, *args, check=False)
                        self.assertEqual(proc.returncode, 0, f"pt2onnx failed: {proc.stderr}")
                        load_onnx(out)
                        for s, ref in zip(sets, refs):
                            jobs.append((out, dict(zip(case.args, s))))
                            meta.append((label, ref, case.tol))
        for (label, ref, tol), got in zip(meta, run_ort(jobs, self.dir)):
            with self.subTest(case=label):
                self.assertIsInstance(got, list, got)
                self.assert_close(got, ref, what=label, **tol)
                self.assertEqual([g.dtype for g in got], [r.dtype for r in ref],
                                 f"{label}: output dtypes")

    def test_cases(self):
        case_case = {c.name: c for c in CASES}
        self.assertEqual(len(case_case), len(CASES))
        self.run_dcases(CASES)

    def refused(self, body, signature, inputs, opset):
        case = Case("refused", signature, body, inputs, opset)
        pt = self.path("refused.pt")
        torch.jit.save(to_torchscript(case, self.dir), str(pt))
        args = []
        for a, x in zip(case.args, inputs):
            args += [f"--shape={a}:" + "x".join(map(str, x.shape)), f"--dtype={a}:{DTYPES[x.dtype]}"]
        out = self.path("refused.onnx")
        proc = convert(pt, out, "--opset", opset, *args, check=False)
        self.assertFalse(out.exists())
        return proc

    def test_inplace_result_torch_cannot_store(self):
        # An integer self cannot take a float result: torch raises, so the conversion refuses.
        proc = self.refused("return i.mul_(x)", "i, x", [i32(3), f32(3)], 17)
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertRegex(proc.stderr, r"\[bad-argument\][^\n]*\n +aten::mul_: result type Float can't be cast")

    def test_int64_bounds(self):
        # No ONNX float holds every int64, so Clip (integers from opset 12) is not computed in
        # double before 12: relu6 and hardtanh take Where at every opset.
        case = DCase("relu6_int64", "k", "return torch.nn.functional.relu6(k), torch.nn.functional.hardtanh(k, -3.0, 4.0)",
                     lambda n: [i64(n, 2, lo=-10, hi=10)], [9, 11, 12, 17])
        self.run_dcases([case])


if __name__ == "__main__":
    unittest.main()
