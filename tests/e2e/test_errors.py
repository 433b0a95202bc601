"""Bad input of every kind: a clear one-paragraph error, the documented exit code, no output."""
import os
import subprocess
import unittest
import zipfile

import numpy as np
import torch
import torch.nn as nn

from harness import PT2ONNX, ConverterTest, convert, save_torchscript

USAGE, BAD_INPUT, UNSUPPORTED, WRITE_FAILED = 2, 3, 4, 6


class TwoUnsupported(nn.Module):
    def forward(self, x):
        y = torch.special.erfcx(x)
        return torch.special.i1e(y)


class ShapeNeeded(nn.Module):
    def forward(self, x):
        return torch.softmax(x, 0) + 1


class AlwaysEmptyLists(nn.Module):
    """Appends only once the list has items, so both lists stay empty (the peer suite's
    test_list_append_nested_2)."""

    def forward(self, x):
        res = []
        copies = []
        for i in range(x.size(0)):
            if len(res) > 2:
                res.append(x[i])
                copies.append(res[-1])
        return res, copies


class SqueezeOne(nn.Module):
    def forward(self, x):
        return torch.squeeze(x, 1)


class ErrorTest(ConverterTest):
    def assert_fails(self, args, code, *needles, output=None):
        output = output or self.path("out.onnx")
        proc = subprocess.run([PT2ONNX, *map(str, args), "-o", str(output)], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(proc.returncode, code, proc.stderr)
        self.assertTrue(proc.stderr.startswith("pt2onnx: error"), proc.stderr)
        for needle in needles:
            self.assertIn(needle, proc.stderr)
        self.assertNotIn("frame #", proc.stderr)  # no LibTorch C++ stack traces
        self.assertFalse(output.exists(), "a failed conversion left an output file")
        leftovers = [p for p in output.parent.glob("*pt2onnx-tmp*")]
        self.assertEqual(leftovers, [])
        return proc.stderr

    def good_model(self):
        return save_torchscript(nn.Linear(3, 2), self.path("good.pt"))

    def test_missing_file(self):
        self.assert_fails([self.path("nope.pt")], BAD_INPUT, "does not exist")

    def test_random_bytes(self):
        bad = self.path("random.pt")
        bad.write_bytes(os.urandom(300))
        self.assert_fails([bad], BAD_INPUT, "not a TorchScript file")

    def test_state_dict(self):
        sd = self.path("weights.pt")
        torch.save(nn.Linear(3, 2).state_dict(), sd)
        self.assert_fails([sd], BAD_INPUT, "state_dict", "torch.jit.script")

    def test_legacy_pickle(self):
        sd = self.path("legacy.pt")
        torch.save(nn.Linear(3, 2).state_dict(), sd, _use_new_zipfile_serialization=False)
        self.assert_fails([sd], BAD_INPUT, "legacy torch.save() pickle")

    def test_truncated_archive(self):
        good = self.good_model()
        with open(good, "rb") as f:
            data = f.read()
        cut = self.path("cut.pt")
        cut.write_bytes(data[: len(data) // 2])
        self.assert_fails([cut], BAD_INPUT, "cut.pt")

    def test_archive_without_code(self):
        z = self.path("other.pt")
        with zipfile.ZipFile(z, "w") as f:
            f.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        self.assert_fails([z], BAD_INPUT, "not a TorchScript module")

    def test_bad_flags(self):
        good = self.good_model()
        self.assert_fails([good, "--opset", "8"], USAGE, "out of range")
        self.assert_fails([good, "--opset", "22"], USAGE, "out of range")  # past the tables
        self.assert_fails([good, "--opset", "99"], USAGE, "out of range", "the linked ONNX")
        self.assert_fails([good, "--shape", "input:2xq"], USAGE, "not a whole number")
        self.assert_fails([good, "--shape", "nosuch:2x3"], USAGE, "not an input of the model", "input")
        self.assert_fails([good, "--dtype", "input:complex"], USAGE, "unknown dtype")
        self.assert_fails([good, "--dynamic", "input"], USAGE, "NAME:AXES")
        self.assert_fails([good, "--dynamic", "zz:0"], USAGE, "neither an input nor an output")
        self.assert_fails([good, "--bogus"], USAGE)
        self.assert_fails([good, "--input-names", "a,b"], USAGE, "has 1 inputs")

    def test_no_output_flag(self):
        proc = subprocess.run([PT2ONNX, self.good_model()], capture_output=True, text=True)
        self.assertEqual(proc.returncode, USAGE)
        self.assertIn("-o OUT.onnx", proc.stderr)

    def test_unwritable_output(self):
        self.assert_fails([self.good_model(), "--shape", "input:2x3"], WRITE_FAILED, "does not exist",
                          output=self.path("no_such_dir") / "out.onnx")

    def test_all_unsupported_ops_reported_at_once(self):
        pt = save_torchscript(TwoUnsupported(), self.path("two.pt"))
        err = self.assert_fails([pt, "--shape", "x:2x3"], UNSUPPORTED,
                                "aten::special_erfcx", "aten::special_i1e", "opset 17",
                                "test_errors.py:")
        self.assertIn("2 ops have no ONNX lowering", err)

    def test_unknown_rank_asks_for_shape(self):
        pt = save_torchscript(ShapeNeeded(), self.path("needs_shape.pt"))
        self.assert_fails([pt], BAD_INPUT, "--shape")

    def test_output_rank_known_only_at_run_time(self):
        """squeeze(x, 1) removes axis 1 only where it is 1: with that axis dynamic the output's
        rank varies, which no ONNX graph output can declare; with it static the rank is fixed and
        the batch axis may still vary."""
        pt = save_torchscript(SqueezeOne(), self.path("squeeze.pt"))
        self.assert_fails([pt, "--shape", "x:2x1x4", "--dynamic", "x:0,1"], UNSUPPORTED,
                          "run-time-rank", "output 'output'", "--dynamic")
        out = self.path("squeeze_static.onnx")
        convert(pt, out, "--shape", "x:2x1x4", "--dynamic", "x:0")
        self.check_matches_torch(pt, out, ["x"], [[np.random.rand(2, 1, 4).astype(np.float32)],
                                                  [np.random.rand(5, 1, 4).astype(np.float32)]])

    def test_a_model_that_returns_only_empty_lists_is_refused(self):
        pt = save_torchscript(AlwaysEmptyLists(), self.path("empty_lists.pt"))
        self.assert_fails([pt, "--shape", "x:4x3"], UNSUPPORTED, "unsupported-output",
                          "lists that are empty")

    def test_existing_output_is_not_destroyed_by_a_failure(self):
        out = self.path("keep.onnx")
        out.write_bytes(b"previous")
        proc = subprocess.run([PT2ONNX, self.path("nope.pt"), "-o", str(out)], capture_output=True)
        self.assertEqual(proc.returncode, BAD_INPUT)
        self.assertEqual(out.read_bytes(), b"previous")

    def test_help_and_version(self):
        proc = subprocess.run([PT2ONNX, "--help"], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("--dynamic", proc.stdout)
        self.assertIn("Exit codes", proc.stdout)
        proc = subprocess.run([PT2ONNX, "--version"], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("pt2onnx", proc.stdout)


if __name__ == "__main__":
    unittest.main()
