"""Writes and in-place ops (docs/torchscript.md, "Writes"): every write either has its effect in the
exported model, checked in ONNX Runtime against LibTorch at two sizes, or the conversion is refused
with the dropped-mutation code. Never a model that silently loses a write."""
import unittest

import numpy as np
import torch
import torch.nn as nn

from harness import ConverterTest, convert, load_onnx, op_types, save_torchscript

COVERS = ["aten::zero"]  # zero_ of an input: test_written_input_returned_twice


def f32(*shape, seed=0):
    return np.random.RandomState(seed + sum(shape)).randn(*shape).astype(np.float32)


class ShiftedWindowMask(nn.Module):
    """The attention-mask pattern of shifted-window attention: regions of a zero tensor are
    filled with their index, through slices."""

    def forward(self, x):
        h, w = x.shape[-2], x.shape[-1]
        mask = torch.zeros(h, w)
        count = 0
        hb = [0, h - 2, h - 1, h]
        wb = [0, w - 2, w - 1, w]
        for i in range(3):
            for j in range(3):
                mask[hb[i]:hb[i + 1], wb[j]:wb[j + 1]] = float(count)
                count += 1
        return x + mask


class InplaceOnSlice(nn.Module):
    def forward(self, x):
        y = x.clone()
        y[:, 1:3].add_(10.0)
        y[0].mul_(2.0)
        return y


class InplaceThroughReshape(nn.Module):
    def forward(self, x):
        y = x * 1.0
        flat = y.view(-1)
        flat[2:5] = 0.0
        return y


class InplaceThroughTranspose(nn.Module):
    def forward(self, x):
        y = x + 0.0
        y.t()[0].fill_(-1.0)
        return y


class StaleViewIsRecomputed(nn.Module):
    def forward(self, x):
        y = x + 0.0
        head = y[0:2]
        y[1:3] = 5.0
        return head * 1.0


class WriteInsideLoop(nn.Module):
    def forward(self, x):
        y = x + 0.0
        for i in range(int(x.shape[0])):
            y[i] = y[i] * float(i)
        return y


class WriteInsideBranch(nn.Module):
    def forward(self, x):
        y = x + 0.0
        if bool(x.sum() > 0):
            y[0] = 0.0
        else:
            y[:, 1].mul_(3.0)
        return y


class ListOfTuples(nn.Module):
    def forward(self, x):
        h = x.shape[0]
        y = x + 0.0
        for a, b in [(0, h - 2), (h - 2, h)]:
            y[a:b] = float(a)
        return y


class WriteThroughExpand(nn.Module):
    def forward(self, x):
        y = x[0:1] + 0.0
        z = y.expand(3, x.shape[1])
        z.fill_(2.0)
        return y


class FillInput(nn.Module):
    """An in-place fill of an input, returned twice: both outputs are the one written value."""

    def forward(self, x):
        return x.fill_(3), x


class ZeroInput(nn.Module):
    def forward(self, x):
        return x.zero_(), x


class MultiIndexWrites(nn.Module):
    """Writes at integer index tensors: two on the leading axes, two adjacent ones after a
    slice (one negative), one 2-d index, and two on axes that are not adjacent (written and
    read)."""

    def forward(self, x):
        y = x.clone()
        y[torch.tensor([0, 1]), torch.tensor([1, 3])] = 7.0
        y[:, torch.tensor([0, 2, 2]), torch.tensor([4, -1, 0])] += x[:, 0, :3] * 2.0
        i = torch.tensor([[0, 1], [1, 0]])
        y[i] = y[i] * 0.5
        y[torch.tensor([1, 0]), :, torch.tensor([3, 4])] = x[:2, :, 0] - 1.0
        return y, y[torch.tensor([0, 1]), :, torch.tensor([2, -1])]


class AccumulateAtRepeatedPositions(nn.Module):
    """index_put_ with accumulate=True where positions repeat: LibTorch sums every value."""

    def forward(self, x):
        z = x.clone()
        z.index_put_((torch.tensor([1, 0, 1]), torch.tensor([2, 3, 2])), x[:3, 0, :] + 1.0,
                     accumulate=True)
        return z


class MasksAmongIndices(nn.Module):
    """Masks among other indices (the peer suite's `y[mask_1, mask_2] = 0.0`), a mask with an
    integer index, a 2-d mask after a slice, written and read. The masks come from the input, so
    their true counts change with the batch."""

    def forward(self, x):
        rows = x[:, 0, 0] > 0
        col = x[0, :, 0] == x[0, :, 0].max()
        y = x.clone()
        y[rows, col] = 0.0
        y[rows, torch.tensor([2])] = y[rows, torch.tensor([2])] + 1.0
        y[:, x[0] > 0.5] = -1.0
        return y, y[:, col, torch.tensor([1, 3])], y[rows, :, torch.tensor([4])], x[rows, col]


class MaskOfOtherSize(nn.Module):
    def forward(self, x, m):
        y = x.clone()
        y[:, m] = 1.0
        return y


class MaskedRowWrites(nn.Module):
    """x[mask] = rows and x[mask] += rows, with one row per true position (Tacotron2's
    `mel_specgram_lengths[~finished] += 1`, and its 2-d form)."""

    def forward(self, x):
        y = x.clone()
        keep = y[:, 0] > 0
        y[keep] = y[keep] * 2.0 + 1.0
        lengths = torch.zeros(x.shape[0], dtype=torch.long)
        lengths[~keep] += 1
        z = x.clone()
        z[x > 0.5] += x[x > 0.5] * 3.0
        return y, lengths, z


class WritesTest(ConverterTest):
    def assert_refused(self, pt, out, args, *texts):
        """The conversion is refused (exit 4) with each of `texts` in its message, and writes
        nothing."""
        proc = convert(pt, out, *args, check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        for text in texts:
            self.assertIn(text, proc.stderr)
        self.assertFalse(out.exists())

    def check_static(self, module, name, opset, shape):
        """Scripted, converted at `opset` with the static `shape` of x, compared with LibTorch."""
        pt = save_torchscript(module, self.path(f"{name}.pt"))
        out = self.path(f"{name}_{opset}.onnx")
        convert(pt, out, "--opset", opset, "--shape", "x:" + "x".join(map(str, shape)))
        self.check_matches_torch(pt, out, ["x"], [[f32(*shape)]])

    def check_both_modes(self, module, make_inputs, shape_args, dims, opsets=(11, 17)):
        for mode in ("script", "trace"):
            example = tuple(torch.from_numpy(a) for a in make_inputs(dims[0]))
            pt = save_torchscript(module, self.path(f"{mode}.pt"), mode, example)
            for opset in opsets:
                with self.subTest(mode=mode, opset=opset):
                    out = self.path(f"{mode}_{opset}.onnx")
                    extra = [] if mode == "trace" else ["--dynamic", "x:0"]
                    convert(pt, out, "--opset", opset, *shape_args(dims[0]), *extra)
                    sizes = dims if mode == "script" else dims[:1]
                    self.check_matches_torch(pt, out, ["x"], [make_inputs(d) for d in sizes])

    def test_shifted_window_mask_traced(self):
        # Traced at one size (the trace bakes the sizes in), scripted at two.
        for mode in ("trace", "script"):
            example = (torch.from_numpy(f32(2, 6, 5)),)
            pt = save_torchscript(ShiftedWindowMask(), self.path(f"{mode}.pt"), mode, example)
            for opset in (9, 11, 17):
                with self.subTest(mode=mode, opset=opset):
                    out = self.path(f"{mode}_{opset}.onnx")
                    convert(pt, out, "--opset", opset, "--shape", "x:2x6x5", "--dynamic", "x:0")
                    self.check_matches_torch(pt, out, ["x"], [[f32(2, 6, 5)], [f32(3, 6, 5)]])

    def test_written_input_returned_twice(self):
        # One value named by two outputs: the first output takes the value's name, the second
        # is an Identity of it (it once read the name the first output had replaced).
        for module in (FillInput(), ZeroInput()):
            for mode in ("script", "trace"):
                pt = save_torchscript(module, self.path(f"{mode}.pt"), mode,
                                      (torch.from_numpy(f32(2, 3, 4)),))
                for opset in (9, 11, 17):
                    with self.subTest(module=type(module).__name__, mode=mode, opset=opset):
                        out = self.path(f"{mode}_{opset}.onnx")
                        convert(pt, out, "--opset", opset, "--shape", "x:2x3x4",
                                "--dynamic", "x:0,1,2")
                        self.check_matches_torch(pt, out, ["x"], [[f32(2, 3, 4)], [f32(3, 1, 5)]])

    def test_masked_write_of_rows(self):
        # Rows written at a mask's positions are ScatterND at NonZero's positions (opset 11);
        # at 9 it is refused naming 11. Scripted at two batch sizes (different true counts).
        self.check_both_modes(MaskedRowWrites(), lambda n: [f32(n, 4)],
                              lambda n: ["--shape", f"x:{n}x4"], (6, 9), opsets=(11, 13, 17))
        pt = save_torchscript(MaskedRowWrites(), self.path("rows.pt"))
        out = self.path("rows_9.onnx")
        self.assert_refused(pt, out, ["--opset", 9, "--shape", "x:6x4"], "needs opset 11")

    def test_masks_among_indices(self):
        # Each mask becomes the positions of its true elements (NonZero), one index per axis it
        # covers, and the write is the one of integer indices. Scripted at two batch sizes, with
        # different true counts; static at 9.
        self.check_both_modes(MasksAmongIndices(), lambda n: [f32(n, 4, 5)],
                              lambda n: ["--shape", f"x:{n}x4x5"], (6, 9), opsets=(11, 13, 17))
        self.check_static(MasksAmongIndices(), "masks", 9, (6, 4, 5))
        # A mask of another size than its axis: LibTorch raises, so the conversion is refused.
        pt = save_torchscript(MaskOfOtherSize(), self.path("other_size.pt"))
        out = self.path("other_size.onnx")
        self.assert_refused(pt, out, ["--shape", "x:6x4", "--shape", "m:3", "--dtype", "m:bool"],
                            "a mask of size 3 on an axis of size 4")

    def test_writes_at_several_index_tensors(self):
        # x[i, j] = v and x[:, i, j] += v, and a 2-d index: one scatter along the indexed axes
        # merged into one, at every opset.
        self.check_both_modes(MultiIndexWrites(), lambda n: [f32(n, 4, 5)],
                              lambda n: ["--shape", f"x:{n}x4x5"], (3, 5), opsets=(11, 13, 17))
        # At 9 static only: the write into the x[:, ...] slice needs Range on a dynamic batch.
        self.check_static(MultiIndexWrites(), "multi", 9, (3, 4, 5))
        # Repeated positions add up, on dynamic shapes from opset 16 (ScatterElements' add) and
        # on static ones below; a dynamic batch below 16 is refused naming 16.
        self.check_both_modes(AccumulateAtRepeatedPositions(), lambda n: [f32(n, 4, 5)],
                              lambda n: ["--shape", f"x:{n}x4x5"], (3, 5), opsets=(16, 17))
        pt = save_torchscript(AccumulateAtRepeatedPositions(), self.path("acc.pt"))
        out = self.path("acc_11.onnx")
        convert(pt, out, "--opset", 11, "--shape", "x:3x4x5")
        self.check_matches_torch(pt, out, ["x"], [[f32(3, 4, 5)]])
        out = self.path("acc_11_dynamic.onnx")
        self.assert_refused(pt, out, ["--opset", 11, "--shape", "x:3x4x5", "--dynamic", "x:0"],
                            "needs opset 16")

    def test_inplace_arithmetic_on_slices(self):
        self.check_both_modes(InplaceOnSlice(), lambda n: [f32(n, 4)],
                              lambda n: ["--shape", f"x:{n}x4"], (3, 5))

    def test_write_through_reshape(self):
        self.check_both_modes(InplaceThroughReshape(), lambda n: [f32(n, 4)],
                              lambda n: ["--shape", f"x:{n}x4"], (3, 5))

    def test_write_through_transpose(self):
        self.check_both_modes(InplaceThroughTranspose(), lambda n: [f32(n, 4)],
                              lambda n: ["--shape", f"x:{n}x4"], (3, 5))

    def test_view_made_before_a_write_sees_it(self):
        self.check_both_modes(StaleViewIsRecomputed(), lambda n: [f32(n, 4)],
                              lambda n: ["--shape", f"x:{n}x4"], (4, 6))

    def test_write_inside_a_loop_is_carried_out_of_it(self):
        pt = save_torchscript(WriteInsideLoop(), self.path("loop.pt"))
        # Opset 9 has no Range to find the positions of a write into a run-time shape.
        proc = convert(pt, self.path("loop_9.onnx"), "--opset", 9, "--shape", "x:3x4",
                       "--dynamic", "x:0", check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("needs-opset", proc.stderr)
        for opset in (11, 17):
            with self.subTest(opset=opset):
                out = self.path(f"loop_{opset}.onnx")
                convert(pt, out, "--opset", opset, "--shape", "x:3x4", "--dynamic", "x:0")
                self.assertIn("Loop", op_types(load_onnx(out)))
                self.check_matches_torch(pt, out, ["x"], [[f32(3, 4)], [f32(5, 4)]])

    def test_write_inside_a_branch_is_carried_out_of_it(self):
        pt = save_torchscript(WriteInsideBranch(), self.path("if.pt"))
        out = self.path("if.onnx")
        convert(pt, out, "--shape", "x:3x4", "--dynamic", "x:0")
        self.assertIn("If", op_types(load_onnx(out)))
        positive, negative = f32(3, 4) + 10.0, f32(5, 4) - 10.0
        self.check_matches_torch(pt, out, ["x"], [[positive], [negative]])

    def test_list_of_tuples_is_refused_cleanly(self):
        pt = save_torchscript(ListOfTuples(), self.path("tuples.pt"))
        out = self.path("tuples.onnx")
        self.assert_refused(pt, out, ["--shape", "x:6x5"], "unsupported-construct")

    def test_write_through_an_unsupported_view_is_refused(self):
        pt = save_torchscript(WriteThroughExpand(), self.path("expand.pt"))
        out = self.path("expand.onnx")
        self.assert_refused(pt, out, ["--shape", "x:3x4"], "dropped-mutation", "aten::expand")


if __name__ == "__main__":
    unittest.main()
