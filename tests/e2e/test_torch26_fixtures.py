"""Models saved by torch 2.6 (tests/fixtures/torch26, made by scripts/gen_torch26_fixtures.py):
converted and run in ONNX Runtime against the outputs torch 2.6 computed when it saved them.

A build whose LibTorch is older cannot load the files that hold ops it lacks
(scaled_dot_product_attention, which torch 2.x's attention modules call): for those the test
checks that pt2onnx refuses them cleanly (exit 3, no stack trace) and skips the comparison,
saying why.
"""
import json
import pathlib
import unittest

import numpy as np
import torch

from harness import ConverterTest, convert, run_ort

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "torch26"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())
BAD_INPUT = 3
# torch 1.13 has no scaled_dot_product_attention: only these fixtures exercise it, and only on a
# build whose LibTorch loads them (Debian 13's).
COVERS = ["aten::scaled_dot_product_attention"]
DTYPES = {np.dtype(np.bool_): "bool", np.dtype(np.float32): "float32", np.dtype(np.int64): "int64"}


def loads_here(model):
    """None when this torch (the same release as the LibTorch pt2onnx links) loads the file,
    else the first line of its complaint."""
    try:
        torch.jit.load(str(model))
        return None
    except Exception as e:  # noqa: BLE001 - torch raises RuntimeError or its own subclasses
        lines = [l for l in str(e).splitlines() if l.strip()]
        return lines[0] if lines else type(e).__name__


class Torch26FixturesTest(ConverterTest):
    def test_fixtures(self):
        loadable = []
        for f in MANIFEST["fixtures"]:
            with self.subTest(f["name"]):
                model = FIXTURES / f["model"]
                inputs = {k: np.load(FIXTURES / v) for k, v in f["inputs"].items()}
                args = []
                for name, value in inputs.items():
                    args += ["--shape", f"{name}:" + "x".join(map(str, value.shape))]
                    args += ["--dtype", f"{name}:{DTYPES[value.dtype]}"]
                out = self.path(f["name"] + ".onnx")
                refusal = loads_here(model)
                if refusal is not None:
                    proc = convert(model, out, *args, check=False)
                    self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
                    self.assertNotIn("frame #", proc.stderr)
                    self.assertFalse(out.exists())
                    self.skipTest(f"torch {torch.__version__} cannot load {f['model']} (saved by "
                                  f"torch {MANIFEST['torch']}): {refusal[:120]}")
                convert(model, out, *args)
                loadable.append((f, out, inputs))
        if not loadable:
            return
        results = run_ort([(out, inputs) for _, out, inputs in loadable], self.dir)
        for (f, _, _), got in zip(loadable, results):
            with self.subTest(f["name"] + " in ONNX Runtime"):
                self.assertIsInstance(got, list, f"ONNX Runtime refused {f['name']}: {got}")
                expected = [np.load(FIXTURES / o) for o in f["outputs"]]
                self.assert_close(got, expected, what=f["name"])


if __name__ == "__main__":
    unittest.main()
