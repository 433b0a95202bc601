"""Op families, each lowering run in ONNX Runtime against LibTorch.

Every case is a TorchScript function body over inputs x, y, ... (scripted, so the graph holds the
op as a model's code would), exported at each opset from the case's lowest to 17. Inputs are
given as numpy arrays; outputs are compared with LibTorch's.
"""
import unittest

import numpy as np

from harness import ConverterTest
from op_cases import F32, I64, POS, run_cases

# (name, signature, body, inputs, lowest opset)
CASES = [
    # arithmetic and promotion
    ("add_alpha", "x, y", "return torch.add(x, y, alpha=2)", [F32(2, 3), F32(3)], 9),
    ("sub_scalar", "x", "return x - 1.5", [F32(2, 3)], 9),
    ("mul_int_float", "x, y", "return x * y", [I64(2, 3), F32(2, 3)], 9),
    ("div_ints", "x, y", "return x / y", [I64(4), np.array([2, 3, -4, 5], np.int64)], 9),
    ("div_floor", "x, y", "return torch.div(x, y, rounding_mode='floor')", [I64(6), np.array([2, -3, 4, -5, 3, 2], np.int64)], 9),
    ("div_trunc", "x, y", "return torch.div(x, y, rounding_mode='trunc')", [F32(6), POS(6)], 9),
    ("remainder", "x, y", "return torch.remainder(x, y)", [F32(5), POS(5)], 9),
    ("pow", "x", "return torch.pow(x, 2.0) + x ** 3", [F32(4)], 9),
    ("compare", "x, y", "return (x < y) | (x >= y + 1.0), x == y, x != y, x <= y, x > y", [F32(5), F32(5)], 9),
    ("compare_nan", "x, y", "return x <= y, x >= y, x <= 0.5, x >= 0.5", [np.array([np.nan, 1.0, 2.0, np.nan, 0.5], np.float32), np.array([1.0, np.nan, 2.0, np.nan, 0.5], np.float32)], 9),
    ("unary_math", "x", "return torch.exp(x) + torch.sqrt(torch.abs(x)) - torch.floor(x) + torch.ceil(x) + torch.neg(x) + torch.sin(x) * torch.cos(x) + torch.erf(x) + torch.rsqrt(torch.abs(x) + 1) + torch.reciprocal(x + 10.0) + torch.log(torch.abs(x) + 1)", [F32(3, 4)], 9),
    # activations
    ("activations", "x", "return torch.relu(x) + torch.sigmoid(x) + torch.tanh(x) + torch.nn.functional.leaky_relu(x, 0.2) + torch.nn.functional.elu(x) + torch.nn.functional.hardsigmoid(x) + torch.nn.functional.hardswish(x) + torch.nn.functional.silu(x) + torch.nn.functional.relu6(x) + torch.nn.functional.hardtanh(x, -0.5, 0.5)", [F32(2, 8)], 9),
    ("gelu", "x", "return torch.nn.functional.gelu(x) + torch.nn.functional.gelu(x, approximate='tanh')", [F32(2, 8)], 9),
    ("clamp", "x, lo", "return torch.clamp(x, -0.5, 0.5) + torch.clamp(x, min=lo)", [F32(6), F32(6)], 9),
    ("softmax_mid_axis", "x", "return torch.softmax(x, 1) + torch.log_softmax(x, 1)", [F32(2, 3, 4)], 9),
    ("softmax_last", "x", "return torch.softmax(x, -1)", [F32(2, 5)], 9),
    # linear algebra
    ("matmul", "x, y", "return torch.matmul(x, y) + torch.bmm(x, y)", [F32(2, 3, 4), F32(2, 4, 5)], 9),
    ("mm_t", "x, y", "return torch.mm(x, y.t())", [F32(3, 4), F32(5, 4)], 9),
    ("addmm", "b, x, y", "return torch.addmm(b, x, y, beta=0.5, alpha=2.0)", [F32(5), F32(3, 4), F32(4, 5)], 9),
    # reductions
    ("reductions", "x", "return x.sum(), x.mean(1), x.sum([0, 2], keepdim=True), torch.amax(x, 1), torch.amin(x, [0])", [F32(2, 3, 4)], 9),
    ("sum_int", "x", "return x.sum(1)", [I64(3, 4)], 9),
    # shape and data movement
    ("view_flatten", "x", "return x.view(2, -1), x.flatten(1), x.reshape(-1), torch.flatten(x)", [F32(2, 3, 4)], 9),
    ("permute_transpose", "x", "return x.permute(2, 0, 1), x.transpose(0, 2), x.unsqueeze(1), x.unsqueeze(-1)", [F32(2, 3, 4)], 9),
    ("squeeze", "x", "return x.squeeze(1), x.squeeze()", [F32(2, 1, 4)], 9),
    ("cat_stack", "x, y", "return torch.cat([x, y], 1), torch.stack([x, y], 0), torch.cat((x, y), -1)", [F32(2, 3), F32(2, 3)], 9),
    ("slice_select", "x", "return x[:, 1:3], x[0], x[:, -1], x[1:, :2]", [F32(3, 4)], 9),
    ("slice_step", "x", "return x[:, ::2], x[1:, 1:5:3], x[-2::2]", [F32(3, 6)], 9),
    ("expand", "x", "return x.expand(3, 4), x.expand(-1, 4)", [F32(3, 1)], 9),
    ("chunk_split", "x", "a, b = x.chunk(2, 1)\n    c, d = torch.split(x, [1, 3], 1)\n    return a, b, c, d", [F32(2, 4)], 9),
    ("to_dtype", "x", "return x.to(torch.int64), x.float(), x.to(torch.bool)", [F32(5) * 3], 9),
    ("size_arith", "x", "return x.view(x.size(0) * x.size(1), x.size(2))", [F32(2, 3, 4)], 9),
    # convolution, pooling, normalization
    ("conv_pool", "x, w", "y = torch.nn.functional.conv2d(x, w, padding=1)\n    return torch.nn.functional.max_pool2d(y, 2), torch.nn.functional.avg_pool2d(y, 2), torch.nn.functional.adaptive_avg_pool2d(y, 1)", [F32(1, 3, 8, 8), F32(4, 3, 3, 3)], 9),
    ("conv_same_groups", "x, w", "return torch.nn.functional.conv2d(x, w, padding='same', groups=2)", [F32(1, 4, 7, 7), F32(4, 2, 3, 3)], 9),
    ("conv1d_transpose", "x, w", "return torch.nn.functional.conv_transpose1d(x, w, stride=2)", [F32(1, 3, 5), F32(3, 2, 3)], 9),
    ("pool_ceil", "x", "return torch.nn.functional.max_pool2d(x, 3, 2, ceil_mode=True)", [F32(1, 2, 8, 8)], 9),
    ("pool_dilated", "x", "return torch.nn.functional.max_pool2d(x, 3, 2, 1, dilation=2), torch.nn.functional.max_pool2d(x, 2, 3, 0, dilation=(2, 3), ceil_mode=True), torch.nn.functional.max_pool1d(x[0], 3, 1, 1, dilation=2)", [F32(1, 2, 9, 10)], 9),
    ("avg_pool_ceil", "x", "return torch.nn.functional.avg_pool2d(x, 3, 2, 1, ceil_mode=True), torch.nn.functional.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), torch.nn.functional.avg_pool2d(x, 2, 2, ceil_mode=True)", [F32(1, 2, 8, 7)], 9),
    ("batch_norm", "x, m, v, w, b", "return torch.nn.functional.batch_norm(x, m, v, w, b, False, 0.1, 1e-5)", [F32(2, 3, 4, 4), F32(3), POS(3), F32(3), F32(3)], 9),
    ("layer_norm", "x, w, b", "return torch.nn.functional.layer_norm(x, [4], w, b)", [F32(2, 3, 4), F32(4), F32(4)], 9),
    ("group_norm", "x, w, b", "return torch.nn.functional.group_norm(x, 2, w, b)", [F32(2, 4, 3, 3), F32(4), F32(4)], 9),
    ("instance_norm", "x", "return torch.nn.functional.instance_norm(x)", [F32(2, 3, 5)], 9),
    # resampling
    ("upsample_nearest", "x", "return torch.nn.functional.interpolate(x, scale_factor=2.0, mode='nearest')", [F32(1, 2, 3, 4)], 9),
    ("upsample_bilinear", "x", "return torch.nn.functional.interpolate(x, size=[6, 7], mode='bilinear', align_corners=True)", [F32(1, 2, 3, 4)], 11),
    # control flow
    ("loop_carried", "x", "y = x\n    for i in range(x.size(0)):\n        y = y * 2 + i\n    return y", [F32(3, 2)], 11),
    ("if_sizes", "x", "if x.size(0) > 2:\n        return x + 1\n    return x - 1", [F32(3, 2)], 9),
]


class OpsTest(ConverterTest):
    def test_op_families(self):
        run_cases(self, CASES)


if __name__ == "__main__":
    unittest.main()
