"""Convolution, pooling, normalization, padding, resampling and loss ops in ONNX Runtime against
LibTorch (op_cases.py runs the table)."""
import unittest

import numpy as np

import torch

from harness import ConverterTest, convert, rand, save_torchscript
from op_cases import F32, POS, Case, run_cases, to_torchscript

F = "torch.nn.functional"
TARGET = np.array([1, 0, 3, 3, 2], np.int64)

CASES = [
    # convolution
    Case("conv1d_3d", "x, w, v, b", f"return {F}.conv1d(x, w, b, 2, 1), {F}.conv3d(v, w.view(4, 3, 3, 1, 1).expand(4, 3, 3, 2, 2).contiguous() * 0.5, None, 1, 1)", [F32(1, 3, 9), F32(4, 3, 3), F32(1, 3, 4, 5, 5), F32(4)], 9),
    Case("conv_transpose", "x, w, v", f"return {F}.conv_transpose2d(x, w, None, 2, 1, 1), {F}.conv_transpose2d(x, w, None, 1, 0, 0, 1, 2), {F}.conv_transpose3d(v, w.unsqueeze(2))", [F32(1, 4, 5, 5), F32(4, 2, 3, 3), F32(1, 4, 2, 3, 3)], 9),
    Case("convolution_private", "x, w, b", "return torch.convolution(x, w, b, [1, 1], [1, 1], [1, 1], False, [0, 0], 1), torch._convolution(x, w, None, [2, 1], [0, 1], [1, 1], False, [0, 0], 1, False, False, True, True), torch.conv_tbc(x[0].permute(1, 2, 0).reshape(5, 4, 3), w[:, :, 0].permute(2, 1, 0), b, 1)", [F32(2, 3, 5, 4), F32(4, 3, 3, 3), F32(4)], 9),
    # pooling
    Case("pool_1d_3d", "x, v", f"return {F}.max_pool1d(x, 2), {F}.avg_pool1d(x, 3, 2, 1), {F}.max_pool3d(v, 2), {F}.avg_pool3d(v, 2, 1), {F}.adaptive_avg_pool1d(x, 4), {F}.adaptive_avg_pool3d(v, [1, 2, 2])", [F32(2, 3, 8), F32(1, 2, 4, 4, 6)], 9),
    Case("pool_indices", "x, y, v", f"a, i = {F}.max_pool2d(x, 2, return_indices=True)\n    b, j = {F}.max_pool1d(y, 2, return_indices=True)\n    c, k = {F}.max_pool3d(v, 2, return_indices=True)\n    return a, i, b, j, c, k", [F32(1, 2, 4, 6), F32(2, 3, 8), F32(1, 2, 4, 4, 4)], 9),
    Case("adaptive_max", "x, y, v", f"a, i = {F}.adaptive_max_pool2d(x, 2, True)\n    return a, i, {F}.adaptive_max_pool1d(y, 4), {F}.adaptive_max_pool3d(v, 2), {F}.adaptive_max_pool2d(x, [1, 3])", [F32(1, 2, 4, 6), F32(2, 3, 8), F32(1, 2, 4, 4, 4)], 9),
    # uneven windows (overlapping or repeated): an average by constant matrices, as AlexNet's
    # 6x6 average of a 2x2 map at small input sizes needs
    Case("adaptive_avg_uneven", "x, y", f"return {F}.adaptive_avg_pool2d(x, 6), {F}.adaptive_avg_pool2d(x, [3, 4]), {F}.adaptive_avg_pool1d(y, 3), {F}.adaptive_avg_pool2d(x.double(), [5, 2])", [F32(2, 3, 2, 7), F32(2, 3, 10)], 9),
    # normalization
    Case("native_layer_norm", "x, w, b", "y, mean, rstd = torch.native_layer_norm(x, [3, 4], w, b, 1e-5)\n    return y, mean, rstd, torch.nn.functional.layer_norm(x, [4])", [F32(2, 3, 4), F32(3, 4), F32(3, 4)], 9),
    Case("norm_variants", "x, m, v, w, b", f"return {F}.instance_norm(x, None, None, w, b), {F}.batch_norm(x, m, v), {F}.group_norm(x, 3), {F}.normalize(x, 2.0, 1)", [F32(2, 3, 4, 5), F32(3), POS(3), F32(3), F32(3)], 9),
    # eval-mode instance norm with running statistics (BatchNormalization); batch norm without
    # running statistics (track_running_stats=False), which uses the batch's, on 4-d and 2-d
    Case("norm_statistics", "x, m, v, w, b, y", f"return {F}.instance_norm(x, m, v, w, b, use_input_stats=False), {F}.batch_norm(x, None, None, w, b, training=True), {F}.batch_norm(y, None, None, None, None, True)", [F32(2, 3, 4, 5), F32(3), POS(3), F32(3), F32(3), F32(4, 3)], 9),
    # padding
    Case("pad_modes", "x", f"return {F}.pad(x, [1, 2]), {F}.pad(x, [1, 1, 2, 0], value=0.5), {F}.pad(x, [2, 1, 1, 2], mode='reflect'), {F}.pad(x, [2, 1, 1, 2], mode='replicate'), {F}.pad(x, [1, 2, 2, 1], mode='circular'), torch.constant_pad_nd(x, [0, 1, 1, 0], -1.0)", [F32(1, 2, 4, 5)], 11),
    Case("pad_ops", "x, y, v", "return torch._C._nn.reflection_pad1d(y, [1, 2]), torch._C._nn.reflection_pad2d(x, [2, 1, 0, 2]), torch._C._nn.reflection_pad3d(v, [1, 1, 1, 0, 0, 1]), torch._C._nn.replication_pad1d(y, [2, 0]), torch._C._nn.replication_pad2d(x, [1, 1, 2, 0]), torch._C._nn.replication_pad3d(v, [0, 1, 1, 0, 1, 1]), torch._C._nn._pad_circular(x, [1, 1, 2, 1]), torch.constant_pad_nd(x, [1, 1, 1, 1], 2.0)", [F32(1, 2, 4, 5), F32(2, 3, 6), F32(1, 2, 3, 4, 4)], 9),
    # resampling
    Case("resize_modes", "x, y, v", f"return {F}.interpolate(y, scale_factor=2.0, mode='nearest'), {F}.interpolate(y, size=7, mode='linear'), {F}.interpolate(y, size=7, mode='linear', align_corners=True), {F}.interpolate(v, scale_factor=2.0, mode='nearest'), {F}.interpolate(v, size=[3, 4, 5], mode='trilinear'), {F}.interpolate(x, scale_factor=2.0, mode='bilinear'), {F}.interpolate(x, size=[5, 3], mode='nearest')", [F32(1, 2, 3, 4), F32(1, 2, 5), F32(1, 2, 2, 3, 3)], 11),
    Case("resize_9", "x, y, v", f"return {F}.interpolate(y, scale_factor=2.0, mode='nearest'), {F}.interpolate(x, scale_factor=2.0, mode='bilinear'), {F}.interpolate(x, scale_factor=3.0, mode='nearest'), {F}.interpolate(y, scale_factor=2.0, mode='linear'), {F}.interpolate(v, scale_factor=2.0, mode='trilinear'), {F}.interpolate(v, scale_factor=2.0, mode='nearest')", [F32(1, 2, 3, 4), F32(1, 2, 5), F32(1, 2, 2, 3, 3)], 9),
    # Resize-10 (the lowerings in effect at opset 10 only)
    Case("resize_10", "x, y, v", f"return {F}.interpolate(y, scale_factor=2.0, mode='nearest'), {F}.interpolate(x, size=[6, 8], mode='bilinear'), {F}.interpolate(x, scale_factor=3.0, mode='nearest'), {F}.interpolate(y, size=10, mode='linear'), {F}.interpolate(v, scale_factor=2.0, mode='trilinear'), {F}.interpolate(v, size=[4, 6, 6], mode='nearest')", [F32(1, 2, 3, 4), F32(1, 2, 5), F32(1, 2, 2, 3, 3)], 10, highest=10),
    Case("bicubic", "x", f"return {F}.interpolate(x, scale_factor=2.0, mode='bicubic'), {F}.interpolate(x, size=[5, 7], mode='bicubic', align_corners=True)", [F32(1, 2, 3, 4)], 11),
    Case("grid_sample", "x, g", f"return {F}.grid_sample(x, g, align_corners=False), {F}.grid_sample(x, g, mode='nearest', padding_mode='border', align_corners=True)", [F32(1, 2, 4, 5), (F32(1, 3, 3, 2) * 0.6)], 16),
    # losses
    Case("bce", "p, t, w", f"q = torch.sigmoid(p)\n    return {F}.binary_cross_entropy(q, t), {F}.binary_cross_entropy(q, t, w, reduction='none'), {F}.binary_cross_entropy_with_logits(p, t), {F}.binary_cross_entropy_with_logits(p, t, w, reduction='sum', pos_weight=w[0])", [F32(3, 4), (F32(3, 4) > 0).astype(np.float32), POS(3, 4)], 9),
    Case("nll_cross_entropy", "x, t, w, x4, t4", f"return {F}.nll_loss(x, t), {F}.nll_loss(x, t, w, reduction='sum'), {F}.nll_loss(x, t, ignore_index=3, reduction='none'), {F}.cross_entropy(x, t), {F}.cross_entropy(x, t, w, ignore_index=1), {F}.cross_entropy(x, t, label_smoothing=0.1), {F}.nll_loss(x4, t4), {F}.nll_loss(x4.flatten(2), t4.flatten(1), w), {F}.cross_entropy(x4, t4, reduction='none'), torch._C._nn.nll_loss(x, t, w, 2, 1), torch._C._nn.nll_loss2d(x4, t4, None, 1, -100)", [F32(5, 4), TARGET, POS(4), F32(2, 4, 3, 2), np.array([[[0, 1], [2, 3], [3, 3]], [[1, 1], [0, 2], [3, 0]]], np.int64)], 12),
    Case("kl_distances", "x, y", f"return {F}.kl_div(torch.log_softmax(x, 1), torch.softmax(y, 1), reduction='batchmean'), {F}.kl_div(x, y.abs(), reduction='none', log_target=False), {F}.kl_div(x, y, reduction='sum', log_target=True), {F}.cosine_similarity(x, y), {F}.pairwise_distance(x, y), torch.cdist(x, y), torch.cdist(x.unsqueeze(0), y[:2].unsqueeze(0), 1.0)", [F32(3, 5), F32(3, 5)], 9),
]


class UnevenAverage(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, stride=4)

    def forward(self, x):
        return torch.nn.functional.adaptive_avg_pool2d(self.conv(x), 6)


class OpsNnTest(ConverterTest):
    def test_nn_ops(self):
        run_cases(self, CASES)

    def test_adaptive_average_uneven_dynamic_batch(self):
        """A traced conv + uneven adaptive average (2x2 -> 6x6) with a dynamic batch: the spatial
        sizes are static, so it converts, and matches at two batch sizes."""
        pt = self.path("uneven.pt")
        save_torchscript(UnevenAverage(), pt, "trace", (torch.randn(1, 3, 9, 9),))
        out = self.path("uneven.onnx")
        convert(pt, out, "--shape", "x:1x3x9x9", "--dynamic", "x:0")
        self.check_matches_torch(pt, out, ["x"], [[rand(1, 3, 9, 9)], [rand(3, 3, 9, 9)]])

    def test_adaptive_uneven_refusals(self):
        """Uneven adaptive max pooling has no exact ONNX form: refused, and so is an uneven average
        over a dynamic spatial axis."""
        for name, body, dynamic, needle in [
                ("max", "return torch.nn.functional.adaptive_max_pool2d(x, 3)", [],
                 "adaptive max pooling where the input size is not a multiple"),
                ("dynamic", "return torch.nn.functional.adaptive_avg_pool2d(x, 3)",
                 ["--dynamic", "x:3"], "over a dynamic spatial axis")]:
            with self.subTest(name):
                case = Case(f"uneven_{name}", "x", body, [F32(1, 2, 4, 5)], 9)
                pt = self.path(f"uneven_{name}.pt")
                torch.jit.save(to_torchscript(case, self.dir), str(pt))
                proc = convert(pt, self.path(f"uneven_{name}.onnx"), "--shape", "x:1x2x4x5",
                               *dynamic, check=False)
                self.assertEqual(proc.returncode, 4, proc.stderr)
                self.assertIn(needle, proc.stderr)
                self.assertIn("aten::adaptive_", proc.stderr)


if __name__ == "__main__":
    unittest.main()
