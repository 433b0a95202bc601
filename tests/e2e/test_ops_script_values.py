"""TorchScript values that have no tensor counterpart in eager code (issue 10): implicit
conversions (`IntImplicit` of a known value, run by LibTorch), `tolist()`, list `insert` and `min`/`max`, `set_`, `zero_` (made functional before dispatch), `scalar_tensor`, and the
side effects and device queries that fold away (`print`, `.cpu()`, `.data`, `device.type`),
in ONNX Runtime against LibTorch (op_cases.py runs the table)."""
import unittest

import numpy as np
import torch

from harness import ConverterTest, convert, save_torchscript
from op_cases import F32, I64, Case, run_cases

CASES = [
    Case("int_implicit", "x", "k = torch.tensor(1)\n    return x.transpose(0, k), x.select(1, k)", [F32(3, 4)], 9),
    Case("scalar_tensor", "x", "return x * torch.scalar_tensor(3.5), torch.scalar_tensor(x.size(0), dtype=torch.int64) + 1", [F32(3, 2)], 9),
    Case("zero", "x", "y = x.clone()\n    y.zero_()\n    z = (x > 0).clone()\n    z.zero_()\n    return y + 1, z", [F32(3, 2)], 9),
    Case("zero_traced", "x", "", [F32(3, 2)], 9, module=lambda: ZeroInPlace(), trace=True),
    Case("list_insert_in_loop", "x", "out: List[torch.Tensor] = []\n    for i in range(x.size(0)):\n        out.insert(0, x[i] * 2)\n    return torch.stack(out)", [F32(3, 2)], 13),
    Case("set_", "x", "w = x.clone()\n    w.set_(x * 2)\n    return w + 1", [F32(3, 2)], 9),
    Case("tolist", "x", "n: int = x.sum().long().tolist()\n    l: List[int] = x.long().tolist()\n    f: List[float] = x.double().tolist()\n    return x + n, torch.tensor(l), torch.tensor(f) * 2", [I64(4)], 9),
    Case("list_insert_min_max", "x", "a = [x.size(0), 2]\n    a.insert(1, x.size(1))\n    a.insert(-1, 7)\n    a.insert(10, 1)\n    return x.sum() * min(a) + max(a), torch.tensor(a), min(x.size(0), x.size(1)), max(2.5, float(x.size(1)))", [F32(3, 4)], 9),
    Case("print_device", "x", "print(f'shape {x.shape}', x)\n    print('value', x.data.cpu())\n    if x.device.type == 'cpu':\n        return x.data.cpu() * 2\n    return x", [F32(3, 2)], 9),
]


class ZeroInPlace(torch.nn.Module):
    def forward(self, x):
        y = x * 2
        y.zero_()
        return y + x


class Printing(torch.nn.Module):
    def forward(self, x):
        print("x is", x)
        return x + 1


class OpsScriptValuesTest(ConverterTest):
    def test_script_values(self):
        run_cases(self, CASES)

    def test_print_warns(self):
        pt = save_torchscript(Printing(), self.path("print.pt"))
        proc = convert(pt, self.path("print.onnx"), "--shape", "x:3", "--dynamic", "x:0")
        self.assertIn("dropped-print", proc.stderr)
        self.check_matches_torch(pt, self.path("print.onnx"), ["x"], [[F32(3)], [F32(5)]])


if __name__ == "__main__":
    unittest.main()
