"""Reductions, sorting, linear algebra, norms and quantization ops in ONNX Runtime against LibTorch
(op_cases.py runs the table). Inputs of sort/topk/argmax have no ties."""
import unittest

import numpy as np

from harness import ConverterTest
from op_cases import BOOL, DISTINCT, F32, I64, Case, run_cases

CASES = [
    # reductions
    Case("std_var", "x", "return torch.std(x), torch.std(x, 1), torch.var(x, [0, 2], keepdim=True), torch.var(x, 1, unbiased=False), torch.std(x, [1], correction=0), torch.var(x, None, correction=2)", [F32(3, 4, 5)], 9),
    Case("std_var_mean", "x", "a, b = torch.std_mean(x, 1)\n    c, d = torch.var_mean(x, [0, 2], keepdim=True, unbiased=False)\n    e, f = torch.var_mean(x)\n    return a, b, c, d, e, f", [F32(3, 4, 5)], 9),
    Case("prod_logsumexp_cumsum", "x, i", "return torch.prod(x), torch.prod(x, 1), torch.prod(i, 0, True), torch.logsumexp(x, 1), torch.logsumexp(x, [0, 1], True), torch.cumsum(x, 1), torch.cumsum(i, 0), torch.mean(i.float(), 0, dtype=torch.float64), torch.sum(x, 1, dtype=torch.float64)", [F32(3, 4) * 0.5 + 1.0, I64(3, 4)], 11),
    Case("cumsum_9", "x", "return torch.cumsum(x, 0), torch.cumsum(x, -1)", [F32(3, 4)], 9),
    Case("all_any", "a, x", "return torch.all(a), torch.any(a), torch.all(a, 1), torch.any(a, 0, True), torch.all(x > -1.5), torch.any(x > 1.0, 1)", [BOOL(3, 4), F32(3, 4)], 9),
    Case("arg_max_min", "x", "return torch.argmax(x), torch.argmin(x), torch.argmax(x, 1), torch.argmin(x, 0, True), torch.max(x), torch.min(x), torch.max(x, 1), torch.min(x, 0, True), torch.aminmax(x), torch.aminmax(x, dim=1, keepdim=True)", [DISTINCT(3, 4)], 9),
    Case("sort_topk", "x", "a, b = torch.sort(x, 1)\n    c, d = torch.sort(x, 0, True)\n    e, f = torch.topk(x, 2)\n    g, h = torch.topk(x, 2, 0, False)\n    return a, b, c, d, e, f, g, h, torch.argsort(x, 1), torch.argsort(x, 0, True)", [DISTINCT(3, 5)], 10),
    Case("sort_topk_9", "x", "a, b = torch.sort(x, 1)\n    e, f = torch.topk(x, 2)\n    return a, b, e, f, torch.argsort(x, 1, True)", [DISTINCT(3, 5)], 9),
    # linear algebra
    Case("linear_products", "x, w, b, v, u", "return torch.nn.functional.linear(x, w, b), torch.nn.functional.linear(x, w), torch.dot(v, u), torch.mv(w, v[:4]), torch.outer(v, u), torch.baddbmm(b.view(1, 1, 3), x.view(2, 1, 4), w.t().expand(2, 4, 3), beta=0.5, alpha=2.0), torch.tensordot(x, w, [[1], [1]]), torch.tensordot(x.view(2, 2, 2), w.view(2, 2, 3), 2)", [F32(2, 4), F32(3, 4), F32(3), F32(5), F32(5)], 9),
    Case("einsum", "x, y, z", "return torch.einsum('ij,jk->ik', x, y), torch.einsum('bij,bjk->bik', z, z.transpose(1, 2)), torch.einsum('ii->i', x[:, :3]), torch.einsum('ij->', x), torch.einsum('i,j->ij', x[0], y[0])", [F32(3, 4), F32(4, 5), F32(2, 3, 4)], 12),
    Case("cross", "x, y", "return torch.cross(x, y, 1), torch.linalg.cross(x, y), torch.linalg.cross(x, y, dim=-1)", [F32(4, 3), F32(4, 3)], 9),
    Case("det", "x", "return torch.det(x), torch.linalg.det(x), torch.logdet(x @ x.transpose(-1, -2) + torch.eye(3))", [F32(2, 3, 3)], 11),
    Case("norms", "x", "return torch.norm(x), torch.norm(x, 1.0, 1), torch.norm(x, 3.0, [0, 1], True), torch.norm(x, 'fro'), torch.frobenius_norm(x, [0, 1]), torch.linalg.norm(x), torch.linalg.norm(x, 2.0, 1), torch.linalg.vector_norm(x, 1.5), torch.linalg.vector_norm(x, float('inf'), [1]), torch.linalg.vector_norm(x, 0.0, 1), torch.linalg.matrix_norm(x), torch.linalg.matrix_norm(x, 1.0), torch.linalg.matrix_norm(x, float('-inf')), torch.linalg.norm(x, 'fro', [0, 1])", [F32(3, 4)], 11),
    Case("norms_9", "x", "return torch.norm(x), torch.norm(x, 1.0, 1), torch.norm(x, 2.0, [1], True), torch.linalg.vector_norm(x, 2.0, [0])", [F32(3, 4)], 9),
    # quantization
    Case("quantize", "x", "q = torch.quantize_per_tensor(x, 0.05, 10, torch.quint8)\n    return torch.dequantize(q), torch.fake_quantize_per_tensor_affine(x, 0.1, 3, 0, 255), torch.fake_quantize_per_tensor_affine(x, 0.05, 0, -128, 127)", [F32(3, 8)], 10),
    Case("fake_quantize_channel", "x, s, z", "return torch.fake_quantize_per_channel_affine(x, s, z, 1, 0, 255), torch.fake_quantize_per_channel_affine(x, s, z * 0, 1, -128, 127)", [F32(2, 3, 4), np.array([0.05, 0.1, 0.02], np.float32), np.array([0, 10, 128], np.int32)], 13),
]


class OpsReduceTest(ConverterTest):
    def test_reduction_and_linear_ops(self):
        run_cases(self, CASES)


if __name__ == "__main__":
    unittest.main()
