"""Files of a newer PyTorch than the LibTorch pt2onnx links (lib/loader/newer_aten_ops.h).

A file whose code calls an op neither the LibTorch nor the declared list knows, or calls one with
arguments only a newer release takes, is refused with one paragraph (exit 3, newer-torch) that
names the op, says that the file is a newer PyTorch's and what to do. The cases are made from a
fixture saved by torch 2.6 by editing the TorchScript source inside a copy of its archive (a .pt
is a zip whose code/*.py holds it). And declaring the ops changes nothing for files that do not
call them: those convert to the same bytes with the declarations on and off.
"""
import pathlib
import unittest
import zipfile

import torch

from harness import ConverterTest, convert, save_torchscript

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "torch26"
BAD_INPUT = 3
DECLARES_NEWER_OPS = int(torch.__version__.split(".")[0]) < 2
SDPA_CALL = "torch.scaled_dot_product_attention(q, k, v, None, 0., True)"


def edited_copy(source, dest, old, new):
    """`source` with `old` replaced by `new` in its code/__torch__.py."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as zout:
        found = False
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("/code/__torch__.py"):
                text = data.decode()
                found = old in text
                data = text.replace(old, new).encode()
            zout.writestr(item, data)
    assert found, f"{old!r} is not in {source}'s code"
    return dest


def run(model, out, *args, declarations=True):
    env = None if declarations else {"PT2ONNX_DECLARE_NEWER_OPS": "0"}
    return convert(model, out, *args, check=False, env=env)


SHAPES = ["--shape", "q:1x2x5x8", "--shape", "k:1x2x5x8", "--shape", "v:1x2x5x8"]


class NewerTorchMessageTest(ConverterTest):
    def assert_newer_torch_refusal(self, proc, out, op):
        self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
        message = proc.stderr.strip()
        self.assertIn("[newer-torch]", message)
        self.assertIn(op, message)
        self.assertIn("saved by a newer PyTorch than the LibTorch", message)
        self.assertIn("CMAKE_PREFIX_PATH", message)
        self.assertIn("docs/building.md", message)
        self.assertIn("code/__torch__.py, line", message)
        self.assertNotIn("\n", message, "one paragraph")
        self.assertNotIn("frame #", message)
        self.assertFalse(out.exists())
        return message

    def test_op_in_no_list(self):
        model = edited_copy(FIXTURES / "sdpa_causal_script.pt", self.path("m.pt"), SDPA_CALL,
                            "torch.pt2onnx_op_of_no_release(q, k, v)")
        out = self.path("m.onnx")
        message = self.assert_newer_torch_refusal(run(model, out, *SHAPES), out,
                                                  "aten::pt2onnx_op_of_no_release")
        if DECLARES_NEWER_OPS:
            self.assertRegex(message, r"is not among the \d+ aten:: ops of torch 2\.6")

    @unittest.skipUnless(DECLARES_NEWER_OPS, "LibTorch 2.x has torch 2.6's signatures")
    def test_changed_signature(self):
        # torch 2.6's pad_sequence takes padding_side; 1.13's has three arguments.
        model = edited_copy(FIXTURES / "sdpa_causal_script.pt", self.path("m.pt"), SDPA_CALL,
                            'torch.pad_sequence([q, k, v], True, 0., "left")')
        out = self.path("m.onnx")
        message = self.assert_newer_torch_refusal(run(model, out, *SHAPES), out,
                                                  "aten::pad_sequence")
        self.assertIn("changed its signature", message)
        self.assertIn('str padding_side="right"', message)

    @unittest.skipUnless(DECLARES_NEWER_OPS, "LibTorch 2.x knows the op")
    def test_declarations_off(self):
        out = self.path("m.onnx")
        proc = run(FIXTURES / "sdpa_causal_script.pt", out, *SHAPES, declarations=False)
        message = self.assert_newer_torch_refusal(proc, out, "aten::scaled_dot_product_attention")
        self.assertIn("PT2ONNX_DECLARE_NEWER_OPS=0", message)


class OverloadUser(torch.nn.Module):
    """Calls ops torch 2.6 added overloads to (squeeze.dims, any.dims, mean.dtype_out, ...): the
    declarations must not change which overload its code resolves to."""

    def forward(self, x):
        y = x.squeeze(1).mean(0, dtype=torch.float32) + torch.linspace(0.0, 1.0, 4)
        m = torch.max(x, 2)[0].min() + x.all().float() + x.any(1).sum()
        return y * m + torch.floor_divide(x, 2).sum()


class DeclarationsChangeNothingTest(ConverterTest):
    def test_same_bytes(self):
        models = [(ROOT / "examples" / "tiny_cnn.pt",
                   ["--shape", "image:1x3x32x32", "--dynamic", "image:0=batch"])]
        for mode in ("script", "trace"):
            pt = save_torchscript(OverloadUser(), self.path(f"overloads_{mode}.pt"), mode,
                                  (torch.randn(3, 1, 4),))
            models.append((pt, ["--shape", "x:3x1x4"]))
        models.append((FIXTURES / "cnn_script.pt", ["--shape", "image:1x3x16x16"]))
        for model, args in models:
            with self.subTest(str(model)):
                on, off = self.path("on.onnx"), self.path("off.onnx")
                convert(model, on, *args)
                proc = run(model, off, *args, declarations=False)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(on.read_bytes(), off.read_bytes())


if __name__ == "__main__":
    unittest.main()
