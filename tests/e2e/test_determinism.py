"""Byte-identical output for the same input and options: the same model converted twice (in two
processes, and in batch mode with -j) gives the same .onnx and .data bytes."""
import pathlib
import subprocess
import unittest

import onnx
import torch
import torch.nn as nn

from harness import PT2ONNX, ConverterTest, convert, load_onnx, rand, save_torchscript

SHAPE = (2, 3, 8, 8)
OPTIONS = ["--external-data", "--shape", "0:2x3x8x8", "--dynamic", "0:0"]


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        return self.head(self.body(x).mean(dim=(2, 3)))


class Loops(nn.Module):
    """Scripted: a loop whose trip count is read from the input, and a data-dependent branch."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        for i in range(x.size(0)):
            x = torch.relu(self.conv(x)) + i
        if bool(x.sum() > 0):
            x = x * 2
        return x


class Mlp(nn.Module):
    """Weights well above the external-data threshold, two of them equal."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(192, 192)
        self.b = nn.Linear(192, 192)
        self.b.load_state_dict(self.a.state_dict())
        self.c = nn.Linear(192, 10)

    def forward(self, x):
        return self.c(torch.relu(self.b(torch.relu(self.a(x.flatten(1))))))


def files_of(directory):
    return {p.name: p.read_bytes() for p in sorted(pathlib.Path(directory).iterdir())}


class DeterminismTest(ConverterTest):
    def setUp(self):
        super().setUp()
        torch.manual_seed(0)
        x = torch.from_numpy(rand(*SHAPE))
        self.models = {
            "cnn": save_torchscript(Cnn(), self.path("cnn.pt"), "trace", (x,)),
            "loops": save_torchscript(Loops(), self.path("loops.pt")),
            "mlp": save_torchscript(Mlp(), self.path("mlp.pt"), "trace", (x,)),
        }

    def convert_each(self, directory):
        directory.mkdir()
        for name, pt in self.models.items():
            convert(pt, directory / f"{name}.onnx", *OPTIONS)
        return files_of(directory)

    def test_same_bytes_across_runs_and_in_batch_mode(self):
        first = self.convert_each(self.path("first"))
        second = self.convert_each(self.path("second"))
        batch_dir = self.path("batch")
        proc = subprocess.run([PT2ONNX, *self.models.values(), "-o", f"{batch_dir}/", "-j", "2",
                               *OPTIONS], capture_output=True, text=True, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        batch = files_of(batch_dir)
        # The external-data file exists (the test would prove little without it).
        self.assertIn("mlp.onnx.data", first)
        self.assertEqual(sorted(first), sorted(second))
        self.assertEqual(sorted(first), sorted(batch))
        for name in first:
            self.assertEqual(first[name], second[name], f"{name} differs between two runs")
            self.assertEqual(first[name], batch[name], f"{name} differs in batch mode")
        # And what is written is a working model.
        x = rand(*SHAPE)
        for name, pt in self.models.items():
            load_onnx(self.path("first") / f"{name}.onnx")
            out = self.path("first") / f"{name}.onnx"
            input_name = onnx.load(str(out), load_external_data=False).graph.input[0].name
            self.check_matches_torch(pt, out, [input_name], [[x]])


if __name__ == "__main__":
    unittest.main()
