"""Element-wise ops in ONNX Runtime against LibTorch: unary math, arithmetic, comparisons, logical
and bitwise ops, activations, casts and scalar conversions (op_cases.py runs the table)."""
import unittest

import numpy as np

from harness import ConverterTest
from op_cases import BOOL, F32, F64, I32, I64, POS, Case, run_cases

NONFINITE = np.array([1.5, np.nan, np.inf, -np.inf, 0.0, -2.25], np.float32)

CASES = [
    # unary math
    Case("trig", "x", "return torch.acos(x.clamp(-0.9, 0.9)), torch.asin(x.clamp(-0.9, 0.9)), torch.atan(x), torch.tan(x.clamp(-1.2, 1.2))", [F32(3, 4)], 9),
    Case("logs", "p", "return torch.log10(p), torch.log1p(p), torch.log2(p)", [POS(3, 4)], 9),
    Case("sign_square", "x, i", "return torch.sign(x), torch.square(x), torch.sign(i), torch.square(i)", [F32(2, 5), I64(2, 5)], 9),
    Case("round", "x", "return torch.round(x), torch.round(x * 10.0 + 0.5)", [F32(3, 5)], 11),
    Case("isnan", "x", "return torch.isnan(x), torch.isnan(x).sum()", [NONFINITE], 9),
    Case("nonfinite", "x", "return torch.isinf(x), torch.isfinite(x), torch.nan_to_num(x), torch.nan_to_num(x, 0.5, 100.0, -100.0)", [NONFINITE], 10),
    # arithmetic
    Case("addc_lerp", "x, y, z", "return torch.addcdiv(x, y, z, value=0.5), torch.addcmul(x, y, z, value=2.0), torch.lerp(x, y, 0.3), torch.lerp(x, y, z)", [F32(2, 3), F32(2, 3), POS(3)], 9),
    Case("fmod", "x, y, i", "return torch.fmod(x, y), torch.fmod(x, 1.5), torch.fmod(i, 3)", [F32(6) * 4, POS(6), I64(6)], 10),
    Case("floor_divide_rsub", "x, y, i", "return torch.floor_divide(x, y), torch.floor_divide(i, 2), torch.rsub(x, y, alpha=2), torch.rsub(x, 1.5), 1.0 - x, torch.div(i, 3, rounding_mode='floor'), torch.div(x, 2.0, rounding_mode='trunc')", [F32(6) * 4, POS(6), I64(6)], 9),
    Case("min_max_binary", "x, y", "return torch.maximum(x, y), torch.minimum(x, y), torch.max(x, y), torch.min(x, y)", [F32(3, 4), F32(4)], 9),
    Case("clamp_variants", "x, lo, hi", "return torch.clamp_min(x, -0.2), torch.clamp_max(x, 0.3), torch.clip(x, -0.1, 0.1), torch.clamp(x, lo, hi), torch.clamp(x, max=hi)", [F32(2, 4), F32(4) - 1.0, F32(4) + 1.0], 9),
    Case("clamp_int", "i", "return torch.clamp(i, -2, 3), torch.clamp_min(i, 0)", [I64(8)], 9),
    Case("float64", "x, y", "return x * y + 1.0, torch.exp(x), x.float(), torch.sqrt(torch.abs(y))", [F64(3), F64(3)], 9),
    Case("int32", "i, j", "return i + j, i * 2, (i > j), i.to(torch.int64)", [I32(5), I32(5)], 9),
    # comparisons and logic
    Case("logical", "a, b", "return torch.logical_and(a, b), torch.logical_or(a, b), torch.logical_xor(a, b), torch.logical_not(a), a & b, a ^ b, ~a", [BOOL(2, 5), BOOL(2, 5)], 9),
    Case("logical_float", "x, y", "return torch.logical_and(x, y), torch.logical_not(x), torch.logical_xor(x > 0, y)", [F32(6), np.array([0, 1, 0, 2, 0, -1], np.float32)], 9),
    Case("bitwise", "i, j, a, b", "return torch.bitwise_and(i, j), torch.bitwise_or(i, j), torch.bitwise_xor(i, j), torch.bitwise_not(i), torch.bitwise_and(a, b), torch.bitwise_not(a), i & j, i | j, i ^ j", [I64(6, lo=-64, hi=64), I64(6, lo=0, hi=64), BOOL(6), BOOL(6)], 9),
    Case("bitwise_bool", "a, b", "return torch.bitwise_and(a, b), torch.bitwise_or(a, b), torch.bitwise_xor(a, b), torch.bitwise_not(a)", [BOOL(6), BOOL(6)], 9),
    Case("shifts", "i, j", "return i << 2, i >> 1, i << j, i >> j", [I64(6, lo=-64, hi=64), I64(6, lo=0, hi=4)], 9),
    Case("where", "c, x, y", "return torch.where(c, x, y), torch.where(c, x, 0.5), torch.where(x > 0, 1.0, y)", [BOOL(3, 4), F32(3, 4), F32(4)], 9),
    # activations
    Case("activations_more", "x", "return torch.celu(x, 0.7), torch.selu(x), torch.nn.functional.hardshrink(x, 0.3), torch.nn.functional.softshrink(x, 0.3), torch.nn.functional.softplus(x), torch.nn.functional.softplus(x, 2.0, 1.0), torch.nn.functional.threshold(x, 0.1, -3.0), torch.nn.functional.logsigmoid(x), torch.nn.functional.mish(x)", [F32(3, 8) * 2], 9),
    Case("glu_prelu", "x, w", "return torch.nn.functional.glu(x, 1), torch.nn.functional.glu(x, -1), torch.nn.functional.prelu(x, w), torch.nn.functional.prelu(x, w[:1])", [F32(2, 4, 6), F32(4)], 9),
    Case("rrelu_eval", "x", "return torch.nn.functional.rrelu(x, 0.1, 0.3, False)", [F32(3, 8)], 9),
    Case("log_softmax_private", "x", "return torch._log_softmax(x, 1, False), torch.softmax(x, 0, torch.float64), torch.log_softmax(x, -1, torch.float64)", [F32(3, 5)], 9),
    # casts and scalars
    Case("casts", "x", "return torch._cast_Float(x, False), torch._cast_Double(x, False), torch._cast_Long(x, False), torch._cast_Int(x, False), torch._cast_Short(x, False), torch._cast_Char(x, False), torch._cast_Byte(x.abs(), False), torch._cast_Half(x, False).float()", [F32(6) * 5], 9),
    Case("scalar_conversions", "x", "f = float(x.sum())\n    n = int(x.max())\n    b = bool(x.min() < 0)\n    return x * f + n, torch.full([2], x.sum()), torch.tensor(b)", [F32(4) * 3], 9),
    Case("type_as", "x, i", "return i.type_as(x) + x, x.type_as(i), x.to(i.dtype), x.to(device=i.device)", [F32(5) * 3, I64(5)], 9),
    Case("is_floating_point", "x, i", "if x.is_floating_point() and not i.is_floating_point():\n        return x + 1\n    return x - 1", [F32(3), I64(3)], 9),
]


class OpsMathTest(ConverterTest):
    def test_math_ops(self):
        run_cases(self, CASES)


if __name__ == "__main__":
    unittest.main()
