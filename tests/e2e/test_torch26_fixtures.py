"""Models saved by torch 2.6 (tests/fixtures/torch26, made by scripts/gen_torch26_fixtures.py):
converted and run in ONNX Runtime against the outputs torch 2.6 computed when it saved them, at
the saved size and, with the fixture's varying axes dynamic, at a second, larger one.

Every fixture must load on every build. On a LibTorch 1.x build the attention fixtures call
aten::scaled_dot_product_attention, which 1.13 lacks: they load because pt2onnx declares the ops
torch 2.6 added (lib/loader/newer_aten_ops.h), and with the declarations off they are refused
(exit 3, newer-torch), which shows that the declarations are what makes them load.
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
DTYPES = {np.dtype(np.bool_): "bool", np.dtype(np.float32): "float32", np.dtype(np.int64): "int64"}
# The harness's torch is the release of the LibTorch pt2onnx links (both Debian's).
DECLARES_NEWER_OPS = int(torch.__version__.split(".")[0]) < 2
# The keys these fixtures exercise that no case table shows (test_symbolic_coverage): they run
# on both builds.
COVERS = ["aten::scaled_dot_product_attention"]
# The fixtures whose code calls an op LibTorch 1.13 lacks.
NEEDS_NEWER_OPS = {"sdpa_causal_script", "sdpa_causal_trace", "sdpa_masked_script",
                   "sdpa_masked_trace", "mha_script", "transformer_encoder_script"}


def load_set(spec):
    inputs = {k: np.load(FIXTURES / v) for k, v in spec["inputs"].items()}
    return inputs, [np.load(FIXTURES / o) for o in spec["outputs"]]


def convert_args(fixture, inputs):
    args = []
    for name, value in inputs.items():
        args += ["--shape", f"{name}:" + "x".join(map(str, value.shape))]
        args += ["--dtype", f"{name}:{DTYPES[value.dtype]}"]
        axes = fixture.get("dynamic", {}).get(name)
        if axes:
            args += ["--dynamic", f"{name}:" + ",".join(f"{a}={n}" for a, n in axes.items())]
    return args


class Torch26FixturesTest(ConverterTest):
    def test_fixtures(self):
        self.assertEqual(len(MANIFEST["fixtures"]), 12)
        jobs, expected, what = [], [], []
        for f in MANIFEST["fixtures"]:
            with self.subTest(f["name"]):
                inputs, outputs = load_set(f)
                out = self.path(f["name"] + ".onnx")
                convert(FIXTURES / f["model"], out, *convert_args(f, inputs))
                sets = [(inputs, outputs)]
                if "second" in f:
                    sets.append(load_set(f["second"]))
                for feeds, outs in sets:
                    jobs.append((out, feeds))
                    expected.append(outs)
                    shapes = [v.shape for v in feeds.values()]
                    what.append(f"{f['name']} at {shapes}")
        # Each fixture with varying axes runs at two sizes.
        self.assertEqual(len(jobs), 24)
        for got, exp, name in zip(run_ort(jobs, self.dir), expected, what):
            with self.subTest(name + " in ONNX Runtime"):
                self.assertIsInstance(got, list, f"ONNX Runtime refused {name}: {got}")
                self.assert_close(got, exp, what=name)

    @unittest.skipUnless(DECLARES_NEWER_OPS, "LibTorch 2.x knows torch 2.6's ops")
    def test_declarations_are_what_loads_them(self):
        for f in MANIFEST["fixtures"]:
            with self.subTest(f["name"]):
                inputs, _ = load_set(f)
                out = self.path(f["name"] + ".onnx")
                proc = convert(FIXTURES / f["model"], out, *convert_args(f, inputs),
                               check=False, env={"PT2ONNX_DECLARE_NEWER_OPS": "0"})
                if f["name"] not in NEEDS_NEWER_OPS:
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    continue
                self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
                self.assertIn("[newer-torch]", proc.stderr)
                self.assertIn("aten::scaled_dot_product_attention", proc.stderr)
                self.assertIn("PT2ONNX_DECLARE_NEWER_OPS=0", proc.stderr)
                self.assertFalse(out.exists())


if __name__ == "__main__":
    unittest.main()
