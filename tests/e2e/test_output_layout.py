"""External data (one side file or one file per tensor) and batch mode."""
import subprocess
import unittest

import numpy as np
import onnx
import torch.nn as nn

from harness import PT2ONNX, ConverterTest, convert, rand, run_ort, save_torchscript


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(64, 256)
        self.l2 = nn.Linear(256, 10)

    def forward(self, x):
        return self.l2(self.l1(x).relu())


class OutputLayoutTest(ConverterTest):
    def setUp(self):
        super().setUp()
        self.pt = save_torchscript(Mlp(), self.path("mlp.pt"))
        self.x = rand(3, 64)

    def test_external_data_single_file(self):
        out_dir = self.path("single")
        out_dir.mkdir()
        out = out_dir / "mlp.onnx"
        convert(self.pt, out, "--external-data", "--shape", "x:3x64")
        self.assertEqual(sorted(p.name for p in out_dir.iterdir()), ["mlp.onnx", "mlp.onnx.data"])
        onnx.checker.check_model(str(out))  # the path-based check finds the data file
        model = onnx.load(str(out), load_external_data=False)
        big = [t for t in model.graph.initializer if t.name == "l1.weight"][0]
        self.assertEqual(big.data_location, onnx.TensorProto.EXTERNAL)
        info = {e.key: e.value for e in big.external_data}
        self.assertEqual(info["location"], "mlp.onnx.data")  # relative to the model
        self.assertEqual(int(info["offset"]) % 4096, 0)
        self.assertEqual(int(info["length"]), 64 * 256 * 4)
        self.assertLess(out.stat().st_size, 8192)
        self.check_matches_torch(self.pt, out, ["x"], [[self.x]])

    def test_external_data_per_tensor(self):
        out_dir = self.path("per_tensor")
        out_dir.mkdir()
        out = out_dir / "mlp.onnx"
        convert(self.pt, out, "--external-data-per-tensor", "--shape", "x:3x64")
        names = sorted(p.name for p in out_dir.iterdir())
        self.assertIn("l1.weight", names)
        self.assertIn("l2.weight", names)
        self.check_matches_torch(self.pt, out, ["x"], [[self.x]])

    def test_model_can_move_with_its_data(self):
        out_dir = self.path("a")
        out_dir.mkdir()
        convert(self.pt, out_dir / "m.onnx", "--external-data", "--shape", "x:3x64")
        moved = self.path("b")
        out_dir.rename(moved)
        self.check_matches_torch(self.pt, moved / "m.onnx", ["x"], [[self.x]])

    def test_batch_mode_converts_all_and_reports_failures(self):
        bad = self.path("broken.pt")
        bad.write_bytes(b"not a model")
        other = save_torchscript(nn.Sequential(nn.Linear(64, 4)), self.path("seq.pt"))
        out_dir = self.path("batch")
        proc = subprocess.run([PT2ONNX, self.pt, str(bad), other, "-o", str(out_dir) + "/", "-j", "2",
                               "--shape", "0:3x64"], capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 3, proc.stdout + proc.stderr)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(len(lines), 4, proc.stdout)
        self.assertTrue(lines[0].startswith("ok") and "mlp.pt" in lines[0])
        self.assertTrue(lines[1].startswith("FAIL") and "broken.pt" in lines[1])
        self.assertTrue(lines[2].startswith("ok") and "seq.pt" in lines[2])
        self.assertEqual(lines[3], "2 converted, 1 failed")
        self.assertEqual(sorted(p.name for p in out_dir.iterdir()), ["mlp.onnx", "seq.onnx"])
        results = run_ort([(out_dir / "mlp.onnx", {"x": self.x}), (out_dir / "seq.onnx", {"input": self.x})],
                          self.dir)
        self.assertTrue(all(isinstance(r, list) for r in results), results)


if __name__ == "__main__":
    unittest.main()
