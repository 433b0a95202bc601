"""The cases of PyTorch's ONNX export tutorial, verified in ONNX Runtime against LibTorch."""
import unittest

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from harness import ConverterTest, convert, load_onnx, op_types, rand, run_ort, save_torchscript


class LoopConv(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        for _ in range(self.n):
            x = self.conv(x)
        return x


class InputDependentLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        for _ in range(x.size(0)):
            x = self.conv(x)
        return x


class BranchOnValue(nn.Module):
    def forward(self, x):
        if bool(x.sum() > 0):
            return x * 2
        return x - 1


class Bicubic(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, mode="bicubic", align_corners=False)


class ViewThenLinear(nn.Module):
    def __init__(self, flatten):
        super().__init__()
        self.flatten = flatten
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        y = self.conv(x)
        if self.flatten:
            y = y.flatten(1)
        else:
            y = y.view(y.size(0), -1)
        return self.fc(y)


class BakedBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        return self.fc(self.conv(x).view(1, -1))


class TutorialTest(ConverterTest):
    def test_traced_loop_is_unrolled(self):
        for n in (2, 3):
            x = rand(1, 3, 8, 8)
            pt = save_torchscript(LoopConv(n), self.path(f"loop{n}.pt"), "trace", (torch.from_numpy(x),))
            onnx_path = self.path(f"loop{n}.onnx")
            convert(pt, onnx_path, "--shape", "x:1x3x8x8")
            ops = op_types(load_onnx(onnx_path))
            self.assertEqual(ops.count("Conv"), n)
            self.assertNotIn("Loop", ops)
            self.check_matches_torch(pt, onnx_path, ["x"], [[x]])

    def test_scripted_loop_over_input_size_is_onnx_loop(self):
        pt = save_torchscript(InputDependentLoop(), self.path("dyn_loop.pt"))
        onnx_path = self.path("dyn_loop.onnx")
        convert(pt, onnx_path, "--shape", "x:2x3x8x8", "--dynamic", "x:0")
        self.assertIn("Loop", op_types(load_onnx(onnx_path)))
        self.check_matches_torch(pt, onnx_path, ["x"], [[rand(2, 3, 8, 8)], [rand(3, 3, 8, 8)]])

    def test_dynamic_axes_table(self):
        # The tutorial's Conv2d(3, 3, 3) with input `in` and output `out`: which inputs ONNX
        # Runtime accepts depends on the axes declared dynamic.
        pt = save_torchscript(nn.Conv2d(3, 3, 3), self.path("conv.pt"))
        shapes = [(1, 3, 10, 10), (2, 3, 10, 10), (1, 3, 20, 20)]
        expected = {
            "static": [True, False, False],
            "batch": [True, True, False],
            "spatial": [True, False, True],
        }
        flags = {
            "static": [],
            "batch": ["--dynamic", "in:0", "--dynamic", "out:0"],
            "spatial": ["--dynamic", "in:2,3", "--dynamic", "out:2,3"],
        }
        for name, extra in flags.items():
            onnx_path = self.path(f"conv_{name}.onnx")
            convert(pt, onnx_path, "--input-names", "in", "--output-names", "out",
                    "--shape", "in:1x3x10x10", *extra)
            load_onnx(onnx_path)
            inputs = [rand(*s) for s in shapes]
            results = run_ort([(onnx_path, {"in": x}) for x in inputs], self.dir)
            for shape, x, ok, got in zip(shapes, inputs, expected[name], results):
                with self.subTest(export=name, shape=shape):
                    if ok:
                        self.assertIsInstance(got, list, got)
                    else:
                        self.assertIsInstance(got, str, "ONNX Runtime should refuse this shape")
                        self.assertIn("Got invalid dimensions", got)
            # Values of the accepted runs against LibTorch.
            accepted = [[x] for x, ok in zip(inputs, expected[name]) if ok]
            self.check_matches_torch(pt, onnx_path, ["in"], accepted)

    def test_bicubic_is_resize_cubic_from_opset_11(self):
        for mode in ("script", "trace"):
            x = rand(1, 2, 5, 6)
            pt = save_torchscript(Bicubic(), self.path(f"bicubic_{mode}.pt"), mode, (torch.from_numpy(x),))
            for opset in (11, 13, 17):
                onnx_path = self.path(f"bicubic_{mode}_{opset}.onnx")
                convert(pt, onnx_path, "--opset", opset, "--shape", "x:1x2x5x6")
                model = load_onnx(onnx_path)
                resize = [n for n in model.graph.node if n.op_type == "Resize"]
                self.assertEqual(len(resize), 1)
                mode_attr = [a.s for a in resize[0].attribute if a.name == "mode"]
                self.assertEqual(mode_attr, [b"cubic"])
                self.check_matches_torch(pt, onnx_path, ["x"], [[x]])

    def test_bicubic_below_opset_11_is_refused(self):
        x = rand(1, 2, 5, 6)
        for mode in ("script", "trace"):
            pt = save_torchscript(Bicubic(), self.path(f"b_{mode}.pt"), mode, (torch.from_numpy(x),))
            for opset in (9, 10):
                out = self.path(f"b_{mode}_{opset}.onnx")
                proc = convert(pt, out, "--opset", opset, "--shape", "x:1x2x5x6", check=False)
                self.assertEqual(proc.returncode, 4, proc.stderr)
                self.assertIn("aten::upsample_bicubic2d", proc.stderr)
                self.assertIn(f"at opset {opset}", proc.stderr)
                self.assertIn("supported from opset 11", proc.stderr)
                self.assertIn("functional.py:", proc.stderr)  # the source line of the call
                self.assertFalse(out.exists())

    def test_if_on_tensor_value(self):
        pt = save_torchscript(BranchOnValue(), self.path("if.pt"))
        onnx_path = self.path("if.onnx")
        convert(pt, onnx_path, "--shape", "x:2x3")
        self.assertIn("If", op_types(load_onnx(onnx_path)))
        pos = np.abs(rand(2, 3)) + 0.1
        self.check_matches_torch(pt, onnx_path, ["x"], [[pos], [-pos]])

    def test_declared_dynamic_batch_really_is_dynamic(self):
        for flatten in (False, True):
            for mode in ("script", "trace"):
                x = rand(1, 3, 8, 8)
                pt = save_torchscript(ViewThenLinear(flatten), self.path(f"v{flatten}{mode}.pt"), mode,
                                      (torch.from_numpy(x),))
                onnx_path = self.path(f"v{flatten}{mode}.onnx")
                convert(pt, onnx_path, "--shape", "x:1x3x8x8", "--dynamic", "x:0")
                load_onnx(onnx_path)
                self.check_matches_torch(pt, onnx_path, ["x"], [[x], [rand(4, 3, 8, 8)]])

    def test_baked_dynamic_size_is_an_error(self):
        x = rand(1, 3, 8, 8)
        pt = save_torchscript(BakedBatch(), self.path("baked.pt"), "trace", (torch.from_numpy(x),))
        out = self.path("baked.onnx")
        proc = convert(pt, out, "--shape", "x:1x3x8x8", "--dynamic", "x:0", check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("export-time size of dynamic axis", proc.stderr)
        self.assertFalse(out.exists())
        # Without --dynamic the same model is fine at its one size.
        convert(pt, out, "--shape", "x:1x3x8x8")
        self.check_matches_torch(pt, out, ["x"], [[x]])


if __name__ == "__main__":
    unittest.main()
