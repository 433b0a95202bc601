"""Sizes and arguments known only at run time (issue 10).

Each case is exported with --dynamic on the axes that matter and run in ONNX Runtime at two sizes
along each of them (sizes of 1 included where torch's behaviour changes there, as for squeeze),
scripted and traced, at the opsets where the lowering changes; the refusals assert the exit code
and the diagnostic code, at the opset just below the first one that can take the value as an
input.
"""
import re
import unittest

import numpy as np
import torch
import torch.nn.functional as F

from harness import ConverterTest, convert, save_torchscript

R = np.random.RandomState(10)


def f32(*shape):
    return R.randn(*shape).astype(np.float32)


# A squeeze on a dynamic axis has a rank known only at run time, which an ONNX graph output
# cannot declare: the tests read its shape and its values flattened.
def shape_and_values(t):
    return torch._shape_as_tensor(t), t.reshape(-1)


class SqueezeDim(torch.nn.Module):
    def forward(self, x):
        return shape_and_values(x.squeeze(0) * 2) + shape_and_values(x.squeeze(-1) + 1)


# Squeeze without axes at every form of ONNX Squeeze (attribute 9 and 11, input 13): ONNX 1.17
# infers a 0-d result for the attribute forms when an axis is symbolic, which must not reach the
# graph (a Shape of it would fold to []).
class SqueezeAll(torch.nn.Module):
    def forward(self, x):
        return shape_and_values(x.squeeze() - 1)


class ChunkDynamic(torch.nn.Module):
    def forward(self, x):
        a, b, c = x.chunk(3, 1)
        return a, b * 2, c * 3


class SplitDynamic(torch.nn.Module):
    def forward(self, x):
        a, b = x.split(3, 0)
        return a, b * 2


class SplitRunTimeSizes(torch.nn.Module):
    def forward(self, x):
        n = x.size(0)
        a, b = torch.split(x, [2, n - 2], 0)
        return a, b * 2


class PadRunTime(torch.nn.Module):
    def forward(self, x):
        n = x.size(-1)
        return F.pad(x, [n - 2, 1]), F.pad(x.unsqueeze(0), [1, n - 3], mode="reflect")


class BaddbmmRunTime(torch.nn.Module):
    def forward(self, i, b1, b2):
        # beta is 0 at batch 2: torch then ignores `i` (here full of NaN)
        return torch.baddbmm(i, b1, b2, alpha=b1.size(0), beta=b1.size(0) - 2)


class EmbeddingBagRunTime(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(10, 3))

    def forward(self, i, o):
        return (F.embedding_bag(i, self.w, o, mode="sum"), F.embedding_bag(i, self.w, o, mode="mean"),
                F.embedding_bag(i, self.w, o, mode="max"), F.embedding_bag(i.view(-1, 2), self.w))


class TrilRunTimeDiagonal(torch.nn.Module):
    def forward(self, x, y):
        d = y.size(0) - 2
        return torch.tril(x, d), torch.triu(x, -d)


class TriluDynamic(torch.nn.Module):
    def forward(self, x):
        d = x.size(1) - x.size(0)
        return torch.tril(x, d), torch.triu(x, 1)


class PixelShuffle(torch.nn.Module):
    def forward(self, x):
        return torch.pixel_shuffle(x, 2), torch.pixel_unshuffle(x, 1)


class PixelUnshuffle(torch.nn.Module):
    def forward(self, x):
        return torch.pixel_unshuffle(x, 2)


class Tensordot(torch.nn.Module):
    def forward(self, x, y):
        return torch.tensordot(x, y, 2), torch.tensordot(x, y, ([0], [3]))


class RangesRunTime(torch.nn.Module):
    """Ranges over run-time sizes; opset 9 has no Range."""

    def forward(self, x):
        return (torch.linspace(-1.0, 3.0, x.size(0)), torch._dim_arange(x, 1),
                torch.linspace(0, x.size(1), x.size(0) + 1, dtype=torch.int64))


class PoolCeilDynamicBatch(torch.nn.Module):
    """ceil_mode pooling with batch and channels dynamic: opset 9 pads the static spatial axes."""

    def forward(self, x):
        return (F.avg_pool3d(x, 3, 2, ceil_mode=True), F.max_pool3d(x, 2, 2, ceil_mode=True),
                F.avg_pool3d(x, 3, 2, 1, ceil_mode=True))


class DiagonalDynamic(torch.nn.Module):
    def forward(self, x):
        return (torch.diagonal(x), torch.diagonal(x, -1), torch.diagonal(x, 2, 1, 3),
                torch.diagonal(x.long(), 1, -1, 0))


def I64(*shape):
    return R.randint(0, 10, size=shape).astype(np.int64)


class OneHotRunTime(torch.nn.Module):
    def forward(self, x):
        return F.one_hot(x, x.size(0) + 1)


class UnbindDynamic(torch.nn.Module):
    def forward(self, x):
        rows = x.unbind(1)
        return len(rows) + torch.stack(rows, 0) * 2, rows[-1]


class ChunkRunTimeCount(torch.nn.Module):
    """Traced, the count is x.size(0) at run time; the pieces, as many as at export time."""

    def forward(self, x):
        return torch.chunk(x, x.size(0), dim=-1)


class ChunkList(torch.nn.Module):
    def forward(self, x):
        return x.chunk(2, 0)


def shape_flags(name, x, axes):
    return ["--shape", f"{name}:" + "x".join(map(str, x.shape)), "--dynamic", f"{name}:{axes}"]


X = "x"
NAN_I = [np.full((2, 3, 5), np.nan, np.float32), np.full((3, 3, 5), 1.0, np.float32)]
# Bags of run-time counts, an empty one among them
BAG_I = [np.array([1, 4, 4, 9, 0, 2]), np.array([3, 3, 8, 1, 0, 5, 7, 2])]
BAG_O = [np.array([0, 2, 2]), np.array([0, 1, 5, 7])]
# LibTorch 1.13's CPU baddbmm, documented to ignore `input` at beta 0, lets its NaN through at
# random elements in about one call of four. These cases take their reference on the inputs with
# NaN as 0, equal by the documented semantics, so a model that propagates the NaN still fails.
REFERENCE_WITHOUT_NAN = {f"baddbmm_run_time_{mode}" for mode in ("script", "trace")}

# (name, module, mode, flags, input sets, opsets)
CASES = []
for mode in ("script", "trace"):
    CASES += [
        (f"squeeze_dim_{mode}", SqueezeDim(), mode, shape_flags(X, f32(3, 2, 1), "0,2"),
         [[f32(3, 2, 1)], [f32(1, 2, 4)]], (11, 13, 17)),
        (f"squeeze_all_{mode}", SqueezeAll(), mode, shape_flags(X, f32(2, 1, 3), "0,2"),
         [[f32(2, 1, 3)], [f32(1, 1, 4)], [f32(3, 1, 1)]], (9, 11, 13, 17)),
        (f"chunk_dynamic_{mode}", ChunkDynamic(), mode, shape_flags(X, f32(2, 6), "1"),
         [[f32(2, 6)], [f32(2, 8)]], (10, 11, 13, 17)),
        (f"split_dynamic_{mode}", SplitDynamic(), mode, shape_flags(X, f32(5, 2), "0"),
         [[f32(5, 2)], [f32(6, 2)]], (10, 11, 13, 17)),
        (f"split_run_time_sizes_{mode}", SplitRunTimeSizes(), mode, shape_flags(X, f32(5, 2), "0"),
         [[f32(5, 2)], [f32(3, 2)]], (10, 11, 13, 17)),
        (f"pad_run_time_{mode}", PadRunTime(), mode, shape_flags(X, f32(2, 4), "1"),
         [[f32(2, 4)], [f32(2, 6)]], (11, 13, 17)),
        (f"baddbmm_run_time_{mode}", BaddbmmRunTime(), mode,
         shape_flags("i", NAN_I[1], "0") + shape_flags("b1", f32(3, 3, 4), "0")
         + shape_flags("b2", f32(3, 4, 5), "0"),
         [[NAN_I[1], f32(3, 3, 4), f32(3, 4, 5)], [NAN_I[0], f32(2, 3, 4), f32(2, 4, 5)]],
         (9, 17)),
        (f"embedding_bag_run_time_{mode}", EmbeddingBagRunTime(), mode,
         shape_flags("i", BAG_I[0], "0") + shape_flags("o", BAG_O[0], "0")
         + ["--dtype", "i:int64", "--dtype", "o:int64"],
         [[BAG_I[0], BAG_O[0]], [BAG_I[1], BAG_O[1]]], (11, 17)),
        (f"tril_run_time_diagonal_{mode}", TrilRunTimeDiagonal(), mode,
         ["--shape", "x:4x5"] + shape_flags("y", f32(3), "0"),
         [[f32(4, 5), f32(3)], [f32(4, 5), f32(5)]], (9, 11, 14)),
        (f"trilu_dynamic_{mode}", TriluDynamic(), mode, shape_flags(X, f32(3, 5), "0,1"),
         [[f32(3, 5)], [f32(4, 2)]], (11, 13, 14, 17)),
        (f"pixel_shuffle_{mode}", PixelShuffle(), mode, shape_flags(X, f32(1, 8, 3, 2), "0,1,2,3"),
         [[f32(1, 8, 3, 2)], [f32(2, 4, 2, 5)]], (9, 11, 17)),
        (f"pixel_unshuffle_{mode}", PixelUnshuffle(), mode,
         shape_flags(X, f32(1, 3, 4, 2), "0,1,2,3"), [[f32(1, 3, 4, 2)], [f32(2, 1, 6, 8)]],
         (9, 17)),
        (f"tensordot_{mode}", Tensordot(), mode,
         shape_flags(X, f32(2, 5, 3, 4), "0,1,2,3") + shape_flags("y", f32(3, 4, 9, 2), "0,1,2,3"),
         [[f32(2, 5, 3, 4), f32(3, 4, 9, 2)], [f32(3, 6, 2, 5), f32(2, 5, 4, 3)]], (9, 17)),
        (f"ranges_run_time_{mode}", RangesRunTime(), mode, shape_flags(X, f32(3, 4), "0,1"),
         [[f32(3, 4)], [f32(6, 2)]], (9, 11, 17)),
        (f"pool_ceil_dynamic_batch_{mode}", PoolCeilDynamicBatch(), mode,
         shape_flags(X, f32(2, 3, 7, 6, 5), "0,1"), [[f32(2, 3, 7, 6, 5)], [f32(3, 2, 7, 6, 5)]],
         (9, 11)),
        (f"diagonal_dynamic_{mode}", DiagonalDynamic(), mode,
         shape_flags(X, f32(2, 4, 5, 2), "0,1,2,3"), [[f32(2, 4, 5, 2)], [f32(5, 6, 7, 8)]],
         (9, 13, 17)),
        (f"one_hot_run_time_{mode}", OneHotRunTime(), mode,
         shape_flags(X, np.array([0, 2, 1]), "0") + ["--dtype", "x:int64"],
         [[np.array([0, 2, 1])], [np.array([4, 0, 5, 1, 1])]], (9, 17)),
    ]
CASES.append(("chunk_run_time_count_trace", ChunkRunTimeCount(), "trace",
              shape_flags(X, f32(3, 18), "0,1"), [[f32(3, 18)], [f32(3, 13)]], (10, 13, 17)))
# A traced unbind records the export-time count of pieces, which LibTorch itself enforces.
CASES.append(("unbind_dynamic_script", UnbindDynamic(), "script", shape_flags(X, f32(2, 3), "1"),
              [[f32(2, 3)], [f32(2, 5)]], (11, 17)))


def codes_of(stderr):
    """The diagnostic codes the CLI prints: `pt2onnx: error (<class>) [<codes>]: ...`."""
    m = re.search(r"pt2onnx: error \([^)]*\) \[([^\]]*)\]", stderr)
    return [c.strip() for c in m.group(1).split(",")] if m else []


class RuntimeSizesTest(ConverterTest):
    def test_cases(self):
        # Reference on the inputs with NaN as 0 where LibTorch's own kernel is unreliable
        def reference_inputs(name, input_sets):
            if name not in REFERENCE_WITHOUT_NAN:
                return input_sets
            return [[np.nan_to_num(x, nan=0.0) for x in xs] for xs in input_sets]

        self.check_cases(CASES, reference_inputs)

    def assert_refused(self, module, flags, opset, code, example, mode="script"):
        pt = save_torchscript(module, self.path("refused.pt"), mode, example)
        out = self.path("refused.onnx")
        proc = convert(pt, out, "--opset", opset, *flags, check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn(code, codes_of(proc.stderr), proc.stderr)
        self.assertFalse(out.exists())

    def test_refusals_name_the_first_opset(self):
        x = f32(2, 6)
        dyn1 = shape_flags(X, x, "1")
        ex = (torch.from_numpy(x),)
        cases = [
            # If-1 (before 11) needs both branches of one shape; a squeeze on a dynamic axis
            # has a rank known only at run time
            (SqueezeDim(), shape_flags(X, f32(3, 2, 1), "0,2"), 10, "needs-opset"),
            (ChunkDynamic(), dyn1, 9, "needs-opset"),
            (SplitRunTimeSizes(), shape_flags(X, f32(5, 2), "0"), 9, "needs-opset"),
            (PadRunTime(), dyn1, 10, "needs-opset"),
            (UnbindDynamic(), dyn1, 10, "needs-opset"),
            (TriluDynamic(), shape_flags(X, f32(3, 5), "0,1"), 10, "needs-opset"),
            (ChunkList(), shape_flags(X, f32(4, 2), "0"), 17, "unsupported-construct"),
        ]
        for module, flags, opset, code in cases:
            with self.subTest(module=type(module).__name__, opset=opset):
                self.assert_refused(module, flags, opset, code, ex)
        self.assert_refused(ChunkRunTimeCount(), shape_flags(X, f32(3, 18), "0,1"), 9, "needs-opset",
                            (torch.from_numpy(f32(3, 18)),), mode="trace")
        bag_flags = (shape_flags("i", BAG_I[0], "0") + shape_flags("o", BAG_O[0], "0")
                     + ["--dtype", "i:int64", "--dtype", "o:int64"])
        self.assert_refused(EmbeddingBagRunTime(), bag_flags, 10, "needs-opset",
                            tuple(torch.from_numpy(x) for x in (BAG_I[0], BAG_O[0])))


if __name__ == "__main__":
    unittest.main()
