"""SIGTERM, SIGINT and SIGHUP in the middle of writing a large model: exit 128 + the signal, no
temporary file left, and the previous output as it was."""
import pathlib
import signal
import subprocess
import tempfile
import time
import unittest

import torch
import torch.nn as nn

from harness import PT2ONNX, ConverterTest, save_torchscript

WIDTH = 2048
LAYERS = 25  # ~420 MB of weights: writing them takes a moment


def temporaries(folder):
    return [p for p in pathlib.Path(folder).iterdir() if "pt2onnx-tmp" in p.name]


def writing_has_begun(folder):
    """True once a staged file in the output folder has bytes in it."""
    for tmp in temporaries(folder):
        try:
            if any(f.stat().st_size > (1 << 20) for f in tmp.iterdir()):
                return True
        except OSError:
            pass
    return False


class SignalTest(ConverterTest):
    @classmethod
    def setUpClass(cls):
        cls._shared = tempfile.TemporaryDirectory(prefix="pt2onnx-signals-")
        torch.manual_seed(0)
        model = nn.Sequential(*[nn.Linear(WIDTH, WIDTH) for _ in range(LAYERS)])
        cls.big = save_torchscript(model, pathlib.Path(cls._shared.name) / "big.pt",
                                   mode="trace", example=(torch.randn(1, WIDTH),))

    @classmethod
    def tearDownClass(cls):
        cls._shared.cleanup()

    def interrupt_while_writing(self, args, sig, out_dir):
        proc = subprocess.Popen([PT2ONNX, *map(str, args)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while not writing_has_begun(out_dir):
            if proc.poll() is not None:
                self.fail(f"pt2onnx ended ({proc.returncode}) before it could be interrupted")
            self.assertLess(time.monotonic(), deadline, "writing never began")
            time.sleep(0.002)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 128 + sig, err)
        self.assertEqual(temporaries(out_dir), [])
        return err

    def check_single(self, sig, *extra):
        out = self.path("big.onnx")
        out.write_bytes(b"previous output")
        self.interrupt_while_writing([self.big, "-o", out, "--shape", f"input:1x{WIDTH}", *extra],
                                     sig, self.dir)
        self.assertEqual(out.read_bytes(), b"previous output")
        self.assertFalse(self.path("big.onnx.data").exists())

    def test_sigterm(self):
        self.check_single(signal.SIGTERM)

    def test_sigint(self):
        self.check_single(signal.SIGINT)

    def test_sighup_with_external_data(self):
        self.check_single(signal.SIGHUP, "--external-data")

    def test_sigterm_to_a_batch(self):
        out = self.path("out")
        out.mkdir()
        small = save_torchscript(nn.Linear(3, 2), self.path("small.pt"))
        self.interrupt_while_writing([self.big, small, "-o", f"{out}/", "-j", "2",
                                      "--shape", f"input:1x{WIDTH}"],
                                     signal.SIGTERM, out)
        self.assertFalse((out / "big.onnx").exists())


if __name__ == "__main__":
    unittest.main()
