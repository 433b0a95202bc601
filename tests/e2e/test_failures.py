"""Every failure ends clean (issue 13): one test per way a run used to end badly."""
import os
import pathlib
import random
import subprocess
import time
import unittest
import zipfile

import onnx
import torch
import torch.nn as nn

from harness import PT2ONNX, ConverterTest, convert, save_torchscript

USAGE, BAD_INPUT, INTERNAL = 2, 3, 70


class Mlp(nn.Module):
    """36 weights, as in the issue's bit-flip experiment."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(*[nn.Linear(16, 16) for _ in range(18)])

    def forward(self, x):
        return self.layers(x)


def run(args, env=None, timeout=300):
    return subprocess.run([PT2ONNX, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def rezip(src, dst, compression=zipfile.ZIP_STORED, edit=None, extra=None):
    """Copies a zip archive, optionally editing records (name -> bytes) and adding `extra`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if edit:
                data = edit(info.filename, data)
            zout.writestr(info.filename, data)
        if extra:
            extra(zout)


class FailureTest(ConverterTest):
    def leftovers(self, folder=None):
        folder = folder or self.dir
        return sorted(p.name for p in folder.iterdir() if "pt2onnx-tmp" in p.name)

    def test_a_crash_in_a_batch_is_one_failed_line(self):
        models = []
        for name in ("a", "b", "c"):
            models.append(save_torchscript(nn.Linear(3, 2), self.path(f"{name}.pt")))
        out = self.path("out")
        env = dict(os.environ, PT2ONNX_TEST_CRASH_MODEL="b.pt")
        proc = run([*models, "-o", f"{out}/", "-j", "2", "--shape", "input:1x3"], env=env)
        self.assertEqual(proc.returncode, INTERNAL, proc.stdout + proc.stderr)
        self.assertIn("2 converted, 1 failed", proc.stdout)
        self.assertRegex(proc.stdout, r"FAIL  .*b\.pt: crashed: .*signal 11")
        self.assertTrue((out / "a.onnx").exists())
        self.assertTrue((out / "c.onnx").exists())
        self.assertFalse((out / "b.onnx").exists())
        self.assertEqual(self.leftovers(out), [])

    def test_output_equal_to_input_is_refused(self):
        pt = save_torchscript(nn.Linear(3, 2), self.path("model.pt"))
        before = pathlib.Path(pt).read_bytes()
        link = self.path("link.onnx")
        link.symlink_to(pt)
        for output in (pt, self.path(".") / "model.pt", link):
            proc = run([pt, "-o", output, "--shape", "input:1x3"])
            self.assertEqual(proc.returncode, USAGE, proc.stderr)
            self.assertIn("is the input model", proc.stderr)
            self.assertEqual(pathlib.Path(pt).read_bytes(), before)
        # The external-data side file, OUT.onnx.data, may not be the input either.
        os.link(pt, self.path("side.onnx.data"))
        proc = run([pt, "-o", self.path("side.onnx"), "--external-data", "--shape", "input:1x3"])
        self.assertEqual(proc.returncode, USAGE, proc.stderr)
        self.assertEqual(pathlib.Path(pt).read_bytes(), before)
        self.assertFalse(self.path("side.onnx").exists())

    def test_two_runs_writing_one_output_do_not_share_a_temporary(self):
        pt = save_torchscript(Mlp(), self.path("m.pt"))
        out = self.path("m.onnx")
        procs = [subprocess.Popen([PT2ONNX, pt, "-o", out, "--shape", "x:2x16"],
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        for p in procs:
            _, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        onnx.checker.check_model(onnx.load(str(out)))
        self.assertEqual(self.leftovers(), [])

    def test_batch_inputs_with_one_file_name_collide(self):
        (self.dir / "x").mkdir()
        (self.dir / "y").mkdir()
        a = save_torchscript(nn.Linear(3, 2), self.dir / "x" / "m.pt")
        b = save_torchscript(nn.Linear(3, 2), self.dir / "y" / "m.pt")
        out = self.path("out")
        proc = run([a, b, "-o", f"{out}/"])
        self.assertEqual(proc.returncode, USAGE, proc.stdout + proc.stderr)
        self.assertIn(str(a), proc.stderr)
        self.assertIn(str(b), proc.stderr)
        self.assertFalse(out.exists() and any(out.iterdir()))

    def test_flipped_bytes_never_convert_to_other_weights(self):
        pt = save_torchscript(Mlp(), self.path("clean.pt"))
        clean_out = self.path("clean.onnx")
        convert(pt, clean_out, "--shape", "x:2x16")
        clean = {t.name: t.raw_data for t in onnx.load(str(clean_out)).graph.initializer}
        data = bytearray(pathlib.Path(pt).read_bytes())
        rng = random.Random(13)
        refused = 0
        for copy in range(20):
            damaged = bytearray(data)
            for _ in range(8):
                damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
            bad = self.path(f"flip{copy}.pt")
            bad.write_bytes(bytes(damaged))
            out = self.path(f"flip{copy}.onnx")
            proc = run([bad, "-o", out, "--shape", "x:2x16"])
            if proc.returncode == 0:
                got = {t.name: t.raw_data for t in onnx.load(str(out)).graph.initializer}
                self.assertEqual(got, clean, f"copy {copy} converted with other weights")
            else:
                refused += 1
                self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
                self.assertFalse(out.exists())
        self.assertGreater(refused, 10)

    def test_a_damaged_tensor_record_is_named(self):
        pt = save_torchscript(Mlp(), self.path("clean.pt"))
        with zipfile.ZipFile(pt) as z:
            info = next(i for i in z.infolist() if "/data/" in i.filename and i.file_size > 64)
        data = bytearray(pathlib.Path(pt).read_bytes())
        # The local header's extra field may differ from the central directory's.
        name_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little")
        extra_len = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
        start = info.header_offset + 30 + name_len + extra_len
        data[start + 5] ^= 0x10
        bad = self.path("bad.pt")
        bad.write_bytes(bytes(data))
        proc = run([bad, "-o", self.path("bad.onnx"), "--shape", "x:2x16"])
        self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
        self.assertIn(f"record '{info.filename}'", proc.stderr)
        self.assertIn("CRC-32", proc.stderr)

    def test_libtorch_messages_that_start_with_a_newline_are_kept(self):
        pt = save_torchscript(nn.Linear(3, 2), self.path("m.pt"))
        bad = self.path("unknown_op.pt")

        # A name the code does not define (an unknown op is a newer torch's: test_newer_torch_files).
        def edit(name, data):
            if name.endswith(".py") and b"torch.linear(" in data:
                return data.replace(b"torch.linear(", b"no_such_function(")
            return data

        rezip(pt, bad, edit=edit)
        proc = run([bad, "-o", self.path("o.onnx"), "--shape", "input:1x3"])
        self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
        header = f"LibTorch cannot load '{bad}':"
        self.assertIn(header, proc.stderr)
        after = proc.stderr.split(header, 1)[1]
        self.assertTrue(after.split("\n", 1)[0].strip(), proc.stderr)
        self.assertIn("no_such_function", proc.stderr)
        self.assertNotIn("frame #", proc.stderr)

    def test_a_record_inflating_beyond_its_archive_is_refused(self):
        pt = save_torchscript(nn.Linear(3, 2), self.path("m.pt"))
        bomb = self.path("bomb.pt")

        def add_bomb(zout):
            chunk = bytes(64 << 20)
            with zout.open("m/data/99", "w", force_zip64=True) as f:
                for _ in range(24):  # 1.5 GiB of zeros, about 1.5 MB deflated
                    f.write(chunk)

        rezip(pt, bomb, zipfile.ZIP_DEFLATED, extra=add_bomb)
        self.assertLess(bomb.stat().st_size, 3 << 20)
        start = time.monotonic()
        proc = run([bomb, "-o", self.path("o.onnx"), "--shape", "input:1x3"])
        self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
        self.assertIn("m/data/99", proc.stderr)
        self.assertLess(time.monotonic() - start, 20)

    def test_a_deflated_archive_still_converts(self):
        pt = save_torchscript(nn.Linear(3, 2), self.path("m.pt"))
        deflated = self.path("deflated.pt")
        rezip(pt, deflated, zipfile.ZIP_DEFLATED)
        convert(deflated, self.path("o.onnx"), "--shape", "input:1x3")

    def test_a_deflated_record_with_a_wrong_crc_is_refused(self):
        pt = save_torchscript(nn.Linear(3, 2), self.path("m.pt"))
        deflated = self.path("deflated.pt")
        rezip(pt, deflated, zipfile.ZIP_DEFLATED)
        data = bytearray(deflated.read_bytes())
        with zipfile.ZipFile(deflated) as z:
            info = next(i for i in z.infolist() if i.filename.endswith("data.pkl"))
        crc = info.CRC.to_bytes(4, "little")
        flipped = (info.CRC ^ 1).to_bytes(4, "little")
        data = data.replace(crc, flipped)  # in the local header and the central directory
        deflated.write_bytes(bytes(data))
        proc = run([deflated, "-o", self.path("o.onnx"), "--shape", "input:1x3"])
        self.assertEqual(proc.returncode, BAD_INPUT, proc.stderr)
        self.assertIn("data.pkl", proc.stderr)


if __name__ == "__main__":
    unittest.main()
