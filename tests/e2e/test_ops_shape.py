"""Shape and data-movement ops in ONNX Runtime against LibTorch: reshaping, splitting, flipping,
rolling, tensor-valued sizes, and the list and scalar ops of scripted size arithmetic
(op_cases.py runs the table)."""
import unittest

import numpy as np
import torch

from harness import ConverterTest
from op_cases import F32, Case, run_cases

# Tensor and global-state queries, each flag at its own bit: all false for a CPU tensor in eval.
QUERIES = " + ".join(f"int({q}) * {1 << i}" for i, q in enumerate([
    "x.is_cuda", "x.is_sparse", "x.is_quantized", "x.is_meta", "x.is_mkldnn", "x.is_vulkan",
    "x.is_xpu", "x.is_ipu", "x.is_nested", "x.requires_grad", "torch.is_grad_enabled()",
    "torch.is_autocast_enabled()", "torch.is_autocast_cpu_enabled()",
    "torch._C._has_torch_function([x])"]))

CASES = [
    Case("flip_roll", "x", "return torch.flip(x, [0, 2]), torch.roll(x, 1, 1), torch.roll(x, [-1, 2], [0, 2]), torch.roll(x, 5)", [F32(2, 3, 4)], 10),
    Case("unflatten", "x", "return x.unflatten(1, [2, -1]), x.unflatten(-1, [3, 2]), x.unflatten(0, [1, 2])", [F32(2, 4, 6)], 9),
    Case("roll_9", "x", "return torch.roll(x, 1, 1), torch.roll(x, -2, 0)", [F32(3, 4)], 9),
    Case("tril_triu", "x", "return torch.tril(x), torch.triu(x), torch.tril(x, -1), torch.triu(x, 2), torch.triu(x[0], -1)", [F32(2, 4, 5)], 9),
    Case("repeat_tile", "x", "return x.repeat(2, 1, 3), x.repeat(1, 2), torch.repeat_interleave(x, 2, 1), torch.repeat_interleave(x, 3)", [F32(2, 3)], 9),
    Case("repeat_interleave_tensor", "x, r", "return torch.repeat_interleave(x, r, 0)", [F32(3, 2), np.array([1, 0, 2], np.int64)], 11),
    Case("narrow_movedim", "x", "return torch.narrow(x, 1, 1, 2), torch.movedim(x, 0, 2), torch.movedim(x, [0, 1], [2, 0]), torch.moveaxis(x, 2, 0), x.T, x[0].t(), torch.diagonal(x, 0, 1, 2), torch.diagonal(x, 1, 2, 1), torch.diagonal(x[0], -1)", [F32(2, 3, 4)], 9),
    Case("unbind_splits", "x", "a, b, c = torch.unbind(x, 1)\n    d, e = x.unsafe_chunk(2, 2)\n    f, g = x.unsafe_split(2, 2)\n    h, k = x.unsafe_split_with_sizes([1, 3], 2)\n    m, n = x.split_with_sizes([3, 1], -1)\n    p, q, s = torch.tensor_split(x, 3, 2)\n    t, u = torch.tensor_split(x, [1], 1)\n    return a, b, c, d, e, f, g, h, k, m, n, p, q, s, t, u", [F32(2, 3, 4)], 9),
    Case("as_views", "x, y", "return x.reshape_as(y), x.view_as(y), y.expand_as(torch.zeros(2, 2, 12)), torch.broadcast_tensors(x[:1, :1], y)[0], torch.as_strided(x, [2, 2], [1, 2], 1)", [F32(4, 6), F32(2, 12)], 9),
    Case("meshgrid", "x, y", "a, b = torch.meshgrid(x, y, indexing='ij')\n    c, d = torch.meshgrid([x, y], indexing='xy')\n    return a, b, c, d", [F32(3), F32(4)], 9),
    Case("pixel_shuffle", "x", "return torch.pixel_shuffle(x, 2), torch.pixel_unshuffle(x, 2), torch.nn.functional.pixel_shuffle(torch.pixel_unshuffle(x, 2), 2)", [F32(1, 8, 4, 6)], 9),
    Case("unfold", "x", "return x.unfold(1, 2, 1), x.unfold(2, 3, 2)", [F32(2, 4, 7)], 9),
    Case("im2col", "x", "return torch.nn.functional.unfold(x, 2), torch.nn.functional.unfold(x, [2, 3], 1, 1, 2)", [F32(1, 2, 5, 6)], 11),
    Case("shape_tensors", "x", "s = torch._shape_as_tensor(x)\n    return s, torch._reshape_from_tensor(x, s[1:] * 0 + torch.tensor([9, 4])), torch._dim_arange(x, 1), x.numel() + x.dim() + len(x)", [F32(3, 4, 3)], 9),
    Case("clone_views", "x", "y = x.clone()\n    return y, x.resolve_conj(), x.resolve_neg(), x.conj_physical(), torch.clone(x) * 2", [F32(3, 4)], 9),
    Case("fill_inplace", "x", "y = x.clone()\n    y.fill_(1.5)\n    z = x * 2\n    z.fill_(torch.tensor(3.0))\n    w = x + 1\n    w.add_(x).mul_(2).clamp_(-1.0, 1.0)\n    return y, z, w", [F32(3, 4)], 9),
    Case("item_tensor", "x", "n = x.sum().item()\n    return torch.tensor([1.0, 2.0]) * n, torch.tensor(3), torch.as_tensor([1, 2]) + 1, torch.tensor([x.size(0), x.size(1)])", [F32(3, 4)], 9),
    Case("trace_sizes", "x", "return x.view(x.size(0), -1) + x.shape[1]", [F32(3, 2, 2)], 9,
         module=lambda: TraceSizes(), trace=True),
    # lists and scalars of size arithmetic
    Case("int_lists", "x, y", "s = x.size()\n    t = y.size()\n    if s == t and not (s != t):\n        return x + y\n    return x - y", [F32(2, 3), F32(2, 3)], 9),
    Case("list_slicing", "x", "dims = x.size()[1:]\n    first = x.size()[0]\n    d = list(x.size())\n    e = d.copy()\n    d[0] = 1\n    return x.view([first * dims[0]] + dims[1:]), torch.zeros(d), torch.zeros(x.shape[-2:]), torch.zeros(e)", [F32(2, 3, 4)], 9),
    Case("list_mutation", "x, y", "xs = [x, y]\n    xs.append(x * y)\n    last = xs.pop()\n    del xs[0]\n    return torch.cat(xs + [last], 0), len(xs)", [F32(2, 3), F32(2, 3)], 9),
    Case("float_bool_lists", "x", "a = [float(x.size(0)), 2.0]\n    b = [x.size(0) > 1, True]\n    if a == [3.0, 2.0] and b == [True, True] and a != [1.0] and b != [False]:\n        return x + 1\n    return x", [F32(3, 2)], 9),
    Case("range_loop", "x", "y = x\n    for i in range(1, x.size(0), 2):\n        y = y + x[i]\n    return y", [F32(5, 2)], 11),
    Case("optional_refined", "x", "y: Optional[torch.Tensor] = None\n    if x.dim() == 2:\n        y = x * 2\n    if y is not None:\n        return y + 1\n    return x", [F32(3, 4)], 9),
    Case("tensor_queries", "x", "return x + " + QUERIES + ", torch.zeros(x.size(0), layout=x.layout)", [F32(3)], 9),
    Case("warn_raise", "x", "if x.dim() != 2:\n        raise ValueError('expected 2-D input')\n    warnings.warn('converted')\n    return x * 2", [F32(3, 4)], 9),
    Case("derive_index", "x", "out = []\n    for i in range(x.size(0)):\n        out.append(x[i] * i)\n    return torch.stack(out)", [F32(3, 2)], 11),
]


class TraceSizes(torch.nn.Module):
    def forward(self, x):
        return x.view(x.size(0), -1) + x.shape[1]


class OpsShapeTest(ConverterTest):
    def test_shape_ops(self):
        run_cases(self, CASES)


if __name__ == "__main__":
    unittest.main()
