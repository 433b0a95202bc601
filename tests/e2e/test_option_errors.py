"""How option keys resolve against a model's signature, and the option values that are errors.

Every key (--shape, --dtype, --dynamic) names one argument of the original `forward` by its name,
its --input-names name, a tuple element (`pair.0`) or its 0-based index; contradicting or
malformed options are exit 2, options that contradict what the model does with the input are
exit 3, and neither leaves a file behind."""
import subprocess
import unittest
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn as nn

from harness import PT2ONNX, ConverterTest, convert, load_onnx, rand, run_ort, save_torchscript

USAGE, BAD_INPUT = 2, 3


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return self.conv(x)


class MaskAndFlag(nn.Module):
    def forward(self, x, mask: Optional[torch.Tensor] = None, flag: Optional[torch.Tensor] = None):
        y = x * 2
        if mask is not None:
            y = y + mask
        if flag is not None:
            y = y - flag * 3
        return y


class TensorDefault(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = torch.full((2, 3), 0.5)):
        if bias is None:
            return x
        return x + bias


class Pair(nn.Module):
    def forward(self, x, pair: Tuple[torch.Tensor, torch.Tensor]):
        return x + pair[0] * pair[1]


class Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)

    def forward(self, ids):
        return self.embed(ids)


class MatMul(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, 4))

    def forward(self, x):
        return x @ self.w


def reference(pt, *args):
    """LibTorch's output for `forward(*args)` (tuples and None as given)."""
    module = torch.jit.load(str(pt)).eval()
    tensors = [None if a is None else
               tuple(torch.from_numpy(t) for t in a) if isinstance(a, tuple) else torch.from_numpy(a)
               for a in args]
    with torch.no_grad():
        return [module(*tensors).numpy()]


class OptionErrorTest(ConverterTest):
    def setUp(self):
        super().setUp()
        self.conv = save_torchscript(Conv(), self.path("conv.pt"))

    def assert_fails(self, pt, code, *args, needles=()):
        out = self.path("out.onnx")
        proc = subprocess.run([PT2ONNX, str(pt), "-o", str(out), *args], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(proc.returncode, code, proc.stderr)
        self.assertTrue(proc.stderr.startswith("pt2onnx: error"), proc.stderr)
        for needle in needles:
            self.assertIn(needle, proc.stderr)
        self.assertFalse(out.exists(), "a failed conversion left an output file")
        self.assertEqual(list(self.dir.glob("*pt2onnx-tmp*")), [])
        return proc.stderr

    # ---- malformed or contradicting command lines: exit 2, naming the options

    def test_negative_sizes(self):
        # A 0 is an empty axis, taken as meant (test_empty_axes.py)
        self.assert_fails(self.conv, USAGE, "--shape", "x:-1x3x16x16", needles=["--shape x:-1x3x16x16"])
        self.assert_fails(self.conv, USAGE, "--shape", "x:1x-3x16x16", needles=["--shape"])

    def test_jobs_range_is_plain(self):
        err = self.assert_fails(self.conv, USAGE, "-j", "0")
        self.assertIn("-j must be at least 1", err)
        self.assertNotIn("1797693", err)

    def test_same_key_twice_with_different_shapes(self):
        self.assert_fails(self.conv, USAGE, "--shape", "x:1x3x8x8", "--shape", "x:2x3x8x8",
                          needles=["--shape x:1x3x8x8", "--shape x:2x3x8x8"])

    def test_one_input_named_two_ways(self):
        self.assert_fails(self.conv, USAGE, "--shape", "x:1x3x8x8", "--shape", "0:2x3x8x8",
                          needles=["--shape x:1x3x8x8", "--shape 0:2x3x8x8"])
        self.assert_fails(self.conv, USAGE, "--input-names", "image", "--dtype", "image:float16",
                          "--dtype", "x:float64", "--shape", "x:1x3x8x8",
                          needles=["--dtype image:float16", "--dtype x:float64"])

    def test_identical_repeats_are_accepted(self):
        out = self.path("ok.onnx")
        convert(self.conv, out, "--shape", "x:1x3x8x8", "--shape", "0:1x3x8x8", "--dynamic",
                "x:0=n", "--dynamic", "x:0=n")
        self.assertTrue(out.exists())

    def test_one_axis_two_symbols(self):
        self.assert_fails(self.conv, USAGE, "--dynamic", "x:0=a,0=b", needles=["x:0=a,0=b"])
        self.assert_fails(self.conv, USAGE, "--shape", "x:1x3x8x8", "--dynamic", "x:0=a",
                          "--dynamic", "0:0=b", needles=["--dynamic x:0=a", "--dynamic 0:0=b"])

    def test_names_used_twice(self):
        self.assert_fails(self.conv, USAGE, "--input-names", "a,a", needles=["'a'"])
        self.assert_fails(self.conv, USAGE, "--output-names", "s,s,t", needles=["'s'"])

    def test_unknown_key_lists_the_valid_names(self):
        pt = save_torchscript(MaskAndFlag(), self.path("mf.pt"))
        self.assert_fails(pt, USAGE, "--shape", "x:2x3", "--shape", "mask_:2x3",
                          needles=["mask_", "x", "mask", "flag"])
        self.assert_fails(pt, USAGE, "--shape", "x:2x3", "--dtype", "3:float16", needles=["'3'"])

    # ---- options that contradict the model: exit 3, naming the option and the input

    def test_rank_that_the_convolution_cannot_take(self):
        self.assert_fails(self.conv, BAD_INPUT, "--shape", "x:3x16x16",
                          needles=["--shape x:3x16x16", "'x'", "aten::conv2d", "rank 4"])

    def test_channels_that_the_convolution_cannot_take(self):
        self.assert_fails(self.conv, BAD_INPUT, "--shape", "x:1x5x16x16",
                          needles=["--shape x:1x5x16x16", "3 channels"])

    def test_integer_dtype_into_a_convolution(self):
        self.assert_fails(self.conv, BAD_INPUT, "--shape", "x:1x3x16x16", "--dtype", "x:int64",
                          needles=["--dtype x:int64", "'x'", "float32"])

    def test_float_indices_into_an_embedding(self):
        pt = save_torchscript(Embed(), self.path("embed.pt"))
        self.assert_fails(pt, BAD_INPUT, "--shape", "ids:5", needles=["'ids'", "--dtype ids:int64"])

    def test_shape_that_onnx_rejects_at_the_first_node(self):
        pt = save_torchscript(MatMul(), self.path("mm.pt"))
        self.assert_fails(pt, BAD_INPUT, "--shape", "x:2x5", needles=["--shape x:2x5", "MatMul"])

    def test_tuple_argument_named_whole(self):
        pt = save_torchscript(Pair(), self.path("pair.pt"))
        self.assert_fails(pt, BAD_INPUT, "--shape", "x:2", "--shape", "1:2",
                          needles=["pair.0", "pair.1"])

    # ---- one positive case per resolution route, compared with LibTorch

    def check(self, pt, out, feeds, expected):
        got = run_ort([(out, feeds)], self.dir)[0]
        self.assertIsInstance(got, list, got)
        self.assert_close(got, expected)

    def test_by_argument_name(self):
        pt = save_torchscript(MaskAndFlag(), self.path("mf.pt"))
        out = self.path("name.onnx")
        convert(pt, out, "--shape", "x:2x3", "--shape", "mask:2x3")
        self.assertEqual([i.name for i in load_onnx(out).graph.input], ["x", "mask"])
        x, m = rand(2, 3), rand(3, 2).T.copy()
        self.check(pt, out, {"x": x, "mask": m}, reference(pt, x, m))

    def test_by_renamed_name(self):
        pt = save_torchscript(MaskAndFlag(), self.path("mf.pt"))
        out = self.path("renamed.onnx")
        convert(pt, out, "--input-names", "image,extra", "--shape", "image:2x3", "--shape",
                "flag:2x3", "--dynamic", "extra:0=n")
        model = load_onnx(out)
        self.assertEqual([i.name for i in model.graph.input], ["image", "extra"])
        self.assertEqual(model.graph.input[1].type.tensor_type.shape.dim[0].dim_param, "n")
        x, f = rand(2, 3), rand(3, 2).T.copy()
        self.check(pt, out, {"image": x, "extra": f}, reference(pt, x, None, f))

    def test_by_index_of_the_original_signature(self):
        # Index 2 is `flag`, whether or not `mask` (index 1) stays an input.
        pt = save_torchscript(MaskAndFlag(), self.path("mf.pt"))
        out = self.path("index.onnx")
        convert(pt, out, "--shape", "0:2x3", "--shape", "2:2x3")
        self.assertEqual([i.name for i in load_onnx(out).graph.input], ["x", "flag"])
        x, f = rand(2, 3), rand(3, 2).T.copy()
        self.check(pt, out, {"x": x, "flag": f}, reference(pt, x, None, f))

    def test_by_tuple_element(self):
        pt = save_torchscript(Pair(), self.path("pair.pt"))
        out = self.path("tuple.onnx")
        convert(pt, out, "--shape", "x:4", "--shape", "pair.0:4", "--shape", "pair.1:4",
                "--dynamic", "pair.1:0=n")
        model = load_onnx(out)
        self.assertEqual([i.name for i in model.graph.input], ["x", "pair.0", "pair.1"])
        x, a, b = rand(4), rand(2, 2).ravel(), rand(1, 4).ravel()
        self.check(pt, out, {"x": x, "pair.0": a, "pair.1": b}, reference(pt, x, (a, b)))

    def test_tensor_default_is_bound_or_an_input(self):
        pt = save_torchscript(TensorDefault(), self.path("tdef.pt"))
        out = self.path("bound.onnx")
        convert(pt, out, "--shape", "x:2x3")
        self.assertEqual([i.name for i in load_onnx(out).graph.input], ["x"])
        x = rand(2, 3)
        self.check(pt, out, {"x": x}, reference(pt, x))
        out = self.path("input.onnx")
        convert(pt, out, "--shape", "x:2x3", "--shape", "bias:2x3")
        self.assertEqual([i.name for i in load_onnx(out).graph.input], ["x", "bias"])
        b = rand(3, 2).T.copy()
        self.check(pt, out, {"x": x, "bias": b}, reference(pt, x, b))


if __name__ == "__main__":
    unittest.main()
