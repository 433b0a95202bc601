"""Conversion pipelines (issue 14): manifests, --report, progress on a terminal, --verify."""
import hashlib
import json
import os
import pathlib
import pty
import select
import subprocess
import unittest

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from harness import PT2ONNX, ConverterTest, run_ort, save_torchscript, torch_outputs

USAGE, BAD_INPUT, UNSUPPORTED, WRITE_FAILED, VERIFY_FAILED, INTERNAL = 2, 3, 4, 6, 7, 70


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 2)

    def forward(self, image):
        return self.fc(F.adaptive_avg_pool2d(torch.relu(self.conv(image)), 1).flatten(1))


class Mlp(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.a = nn.Linear(width, 16)
        self.b = nn.Linear(16, 3)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


class Embed(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)

    def forward(self, ids):
        return self.emb(ids).sum(1)


class Raising(nn.Module):
    """Raises on a path that depends on the data: the check is dropped with a warning."""

    def forward(self, x):
        if bool(x.sum() > 1e6):
            raise ValueError("too large")
        return x * 2


class Bicubic(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, mode="bicubic", align_corners=False)


def run(args, cwd=None, env=None, timeout=600):
    return subprocess.run([PT2ONNX, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env)


def write_manifest(path, entries):
    """`entries` are dicts (one JSON line each) or raw strings (written as they are)."""
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in entries))
    return path


def has_ort_build():
    proc = run(["--verify", "x.pt", "-o", "x.onnx"])
    return "verify-unavailable" not in proc.stderr


class PipelineTest(ConverterTest):
    def models(self):
        """Three small models, each needing its own options."""
        torch.manual_seed(0)
        d = self.dir / "models"
        d.mkdir(exist_ok=True)
        save_torchscript(Cnn(), d / "cnn.pt")
        save_torchscript(Mlp(), d / "mlp.pt", "trace", (torch.randn(2, 8),))
        save_torchscript(Embed(), d / "embed.pt")
        return d

    def report(self, path):
        doc = json.loads(pathlib.Path(path).read_text())
        self.assertEqual(doc["schema"], "pt2onnx-report")
        self.assertEqual(doc["version"], 1)
        return doc

    def leftovers(self, folder):
        return sorted(str(p) for p in pathlib.Path(folder).rglob("*pt2onnx-tmp*"))


class ManifestTest(PipelineTest):
    def test_per_model_options(self):
        d = self.models()
        manifest = write_manifest(d / "models.jsonl", [
            {"model": "cnn.pt", "opset": 11, "shape": ["image:1x3x8x8"],
             "dynamic": ["image:0=batch,2=h,3=w"]},
            {"model": "mlp.pt", "output": "renamed/mlp_out.onnx", "input-names": ["features"],
             "output-names": "scores", "shape": "features:2x8", "dynamic": ["features:0"]},
            {"model": "embed.pt", "dtype": "ids:int64", "shape": "ids:2x5", "no-fold": True,
             "opset": 13},
        ])
        out = self.dir / "out"
        # From another folder: paths are the manifest's, not the working directory's.
        proc = run(["--manifest", manifest, "-o", out, "-j", "2"], cwd="/")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(len(lines), 4, proc.stdout)
        self.assertTrue(lines[0].startswith("ok    cnn.pt (line 1) -> "), lines[0])
        self.assertTrue(lines[1].startswith("ok    mlp.pt (line 2) -> "), lines[1])
        self.assertEqual(lines[3], "3 converted, 0 failed")

        cnn = onnx.load(str(out / "cnn.onnx"))
        self.assertEqual(cnn.opset_import[0].version, 11)
        dims = [d.dim_param or d.dim_value for d in cnn.graph.input[0].type.tensor_type.shape.dim]
        self.assertEqual(dims, ["batch", 3, "h", "w"])
        mlp_path = d / "renamed" / "mlp_out.onnx"
        mlp = onnx.load(str(mlp_path))
        self.assertEqual([i.name for i in mlp.graph.input], ["features"])
        self.assertEqual([o.name for o in mlp.graph.output], ["scores"])
        embed = onnx.load(str(out / "embed.onnx"))
        self.assertEqual(embed.opset_import[0].version, 13)
        self.assertEqual(embed.graph.input[0].type.tensor_type.elem_type, onnx.TensorProto.INT64)

        # Each file computes what its module computes, at two sizes of each dynamic axis.
        image_small = np.random.rand(1, 3, 8, 8).astype(np.float32)
        image_big = np.random.rand(2, 3, 12, 10).astype(np.float32)
        x_small, x_big = np.random.rand(2, 8).astype(np.float32), np.random.rand(5, 8).astype(np.float32)
        ids = np.random.randint(0, 10, (2, 5)).astype(np.int64)
        jobs = [(out / "cnn.onnx", {"image": image_small}), (out / "cnn.onnx", {"image": image_big}),
                (mlp_path, {"features": x_small}), (mlp_path, {"features": x_big}),
                (out / "embed.onnx", {"ids": ids})]
        results = run_ort(jobs, self.dir)
        expected = [torch_outputs(d / "cnn.pt", [image_small]), torch_outputs(d / "cnn.pt", [image_big]),
                    torch_outputs(d / "mlp.pt", [x_small]), torch_outputs(d / "mlp.pt", [x_big]),
                    torch_outputs(d / "embed.pt", [ids])]
        for got, want in zip(results, expected):
            self.assertIsInstance(got, list, got)
            self.assert_close(got, want)

    def test_bad_entries_are_reported_with_their_line_and_the_others_convert(self):
        d = self.models()
        manifest = write_manifest(d / "m.jsonl", [
            {"model": "cnn.pt", "shape": "image:1x3x8x8"},
            '{"model": "mlp.pt", "shape": ',                       # line 2: not JSON
            {"model": "mlp.pt", "opsett": 11},                     # line 3: unknown key
            "",                                                    # line 4: blank, skipped
            {"model": "missing.pt"},                               # line 5: no such file
            {"model": "embed.pt", "shape": "ids:-1x5"},            # line 6: bad value
            {"model": "mlp.pt", "shape": "x:2x8", "no-fold": "yes"},  # line 7: a flag's type
            {"model": "mlp.pt", "shape": "x:2x8"},                 # line 8: fine
        ])
        out = self.dir / "out"
        proc = run(["--manifest", manifest, "-o", out, "-j", "2", "--report", self.dir / "r.json"])
        lines = proc.stdout.strip().splitlines()
        self.assertEqual(lines[-1], "2 converted, 5 failed", proc.stdout + proc.stderr)
        # The exit code is the first failed entry's: line 2's bad JSON is a usage error.
        self.assertEqual(proc.returncode, USAGE)
        self.assertRegex(lines[1], r"^FAIL  .*m\.jsonl:2 \(line 2\): bad-manifest: .*m\.jsonl:2: not JSON")
        self.assertRegex(lines[2], r"^FAIL  mlp\.pt \(line 3\): bad-manifest: .*unknown key \"opsett\"")
        self.assertRegex(lines[3], r"^FAIL  missing\.pt \(line 5\): model-unreadable: ")
        self.assertRegex(lines[4], r"^FAIL  embed\.pt \(line 6\): bad-option: .*sizes must be 0 or more")
        self.assertRegex(lines[5], r"^FAIL  mlp\.pt \(line 7\): bad-manifest: .*\"no-fold\" is a flag")
        self.assertTrue(lines[6].startswith("ok    mlp.pt (line 8)"), lines[6])
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["cnn.onnx", "mlp.onnx"])
        doc = self.report(self.dir / "r.json")
        self.assertEqual([m["line"] for m in doc["models"]], [1, 2, 3, 5, 6, 7, 8])
        self.assertEqual([m["exit_code"] for m in doc["models"]], [0, 2, 2, 3, 2, 2, 0])

    def test_colliding_outputs_fail_the_later_entry(self):
        d = self.models()
        (d / "sub").mkdir()
        save_torchscript(Mlp(), d / "sub" / "mlp.pt")
        manifest = write_manifest(d / "m.jsonl", [
            {"model": "mlp.pt", "shape": "x:2x8"},
            {"model": "sub/mlp.pt", "shape": "x:2x8"},
            {"model": "cnn.pt", "output": "out/mlp.onnx"},
            {"model": "sub/mlp.pt", "shape": "x:2x8", "output": "out/mlp2.onnx"},
        ])
        proc = run(["--manifest", manifest, "-o", d / "out"])
        self.assertEqual(proc.returncode, USAGE, proc.stdout + proc.stderr)
        lines = proc.stdout.strip().splitlines()
        self.assertTrue(lines[0].startswith("ok    mlp.pt (line 1)"), lines[0])
        self.assertRegex(lines[1], r"^FAIL  sub/mlp\.pt \(line 2\): output-collision: .*also the output of line 1")
        self.assertRegex(lines[2], r"^FAIL  cnn\.pt \(line 3\): output-collision: .*line 1")
        self.assertTrue(lines[3].startswith("ok    sub/mlp.pt (line 4)"), lines[3])
        self.assertEqual(lines[4], "2 converted, 2 failed")

    def test_output_is_byte_identical_for_any_jobs(self):
        d = self.models()
        entries = []
        for i in range(6):
            save_torchscript(Mlp(4 + i), d / f"m{i}.pt")
            entries.append({"model": f"m{i}.pt", "shape": f"x:2x{4 + i}", "dynamic": "x:0"})
        save_torchscript(Mlp(256), d / "wide.pt")
        entries.append({"model": "wide.pt", "shape": "x:2x256", "external-data": True})
        manifest = write_manifest(d / "m.jsonl", entries)
        outputs = {}
        for jobs in (1, 2, 3):
            out = self.dir / f"out{jobs}"
            proc = run(["--manifest", manifest, "-o", out, "-j", jobs])
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
            outputs[jobs] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
            # The summary differs only in the timings.
            outputs[jobs]["summary"] = "\n".join(
                l.rsplit(",", 1)[0] for l in proc.stdout.replace(str(out), "OUT").splitlines()).encode()
        self.assertEqual(len(outputs[1]), 9)  # 7 models, wide's side file, the summary
        self.assertEqual(outputs[1], outputs[2])
        self.assertEqual(outputs[1], outputs[3])

    def test_per_model_options_on_the_command_line_are_refused_with_a_manifest(self):
        d = self.models()
        manifest = write_manifest(d / "m.jsonl", [{"model": "mlp.pt"}])
        proc = run(["--manifest", manifest, "-o", self.dir / "out", "--opset", "11"])
        self.assertEqual(proc.returncode, USAGE)
        self.assertIn("option-conflict", proc.stderr)
        self.assertIn('"opset"', proc.stderr)
        proc = run(["--manifest", manifest, d / "cnn.pt", "-o", self.dir / "out"])
        self.assertEqual(proc.returncode, USAGE)
        proc = run(["--manifest", self.dir / "none.jsonl", "-o", self.dir / "out"])
        self.assertEqual(proc.returncode, USAGE)
        self.assertIn("bad-manifest", proc.stderr)


class ShardTest(PipelineTest):
    def test_shards_and_one_line_merges(self):
        """The scale-out recipe of docs/pipelines.md on 52 entries in 4 shards."""
        d = self.dir / "zoo"
        d.mkdir()
        entries = []
        for i in range(52):
            width = 4 + i % 13
            torch.manual_seed(i)
            save_torchscript(Mlp(width), d / f"m{i:02d}.pt", "script" if i % 2 else "trace",
                             (torch.randn(2, width),))
            entries.append({"model": f"m{i:02d}.pt", "shape": f"x:{1 + i % 3}x{width}", "dynamic": "x:0"})
        write_manifest(d / "models.jsonl", entries)
        subprocess.run(["split", "-n", "l/4", "-d", "--additional-suffix=.jsonl", "models.jsonl", "shard-"],
                       cwd=d, check=True)
        shards = sorted(d.glob("shard-*.jsonl"))
        self.assertEqual(len(shards), 4)
        # GNU parallel's role, with xargs (always installed): 2 shards at a time.
        proc = subprocess.run(
            f"ls shard-*.jsonl | xargs -P 2 -I{{}} sh -c '{PT2ONNX} --manifest {{}} -o out/ -q "
            f"--report $(basename {{}} .jsonl).report.json'", shell=True, cwd=d, capture_output=True,
            text=True, timeout=1200)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        reports = sorted(str(p) for p in d.glob("shard-*.report.json"))
        merged = subprocess.run(["/usr/bin/python3", str(pathlib.Path(__file__).parents[2] / "scripts" /
                                                       "merge_reports.py"), *reports],
                                capture_output=True, text=True, check=True).stdout
        doc = json.loads(merged)
        self.assertEqual(doc["totals"]["models"], 52)
        self.assertEqual(doc["totals"]["converted"], 52)
        self.assertEqual(sorted(m["model"] for m in doc["models"]), [e["model"] for e in entries])
        for m in doc["models"]:
            data = (d / m["files"][0]["path"]).read_bytes()  # as written: relative to the run
            self.assertEqual(m["files"][0]["sha256"], hashlib.sha256(data).hexdigest())
        jq = subprocess.run(
            "jq -s '{schema: \"pt2onnx-report\", version: 1, mode: \"merged\", totals: {models: "
            "(map(.totals.models) | add), converted: (map(.totals.converted) | add), failed: "
            "(map(.totals.failed) | add)}, models: (map(.models) | add)}' " + " ".join(reports),
            shell=True, capture_output=True, text=True)
        if jq.returncode == 127:
            self.skipTest("no jq")
        self.assertEqual(jq.returncode, 0, jq.stderr)
        via_jq = json.loads(jq.stdout)
        self.assertEqual(via_jq["totals"], {"models": 52, "converted": 52, "failed": 0})
        self.assertEqual([m["model"] for m in via_jq["models"]], [m["model"] for m in doc["models"]])


class ReportTest(PipelineTest):
    ENTRY_KEYS = ["model", "line", "output", "status", "exit_code", "exit_class", "message",
                  "diagnostics", "failed_stage", "warnings", "summary", "onnx", "files", "verify",
                  "timings", "peak_rss_bytes"]

    def test_success_has_every_field(self):
        torch.manual_seed(0)
        pt = save_torchscript(nn.Sequential(Raising(), Cnn()), self.path("p.pt"))
        report = self.path("reports/r.json")
        report.parent.mkdir()
        report.write_text("previous")
        proc = run([pt, "-o", self.path("p.onnx"), "--shape", "0:1x3x8x8", "--dynamic", "0:0=batch",
                    "--report", report])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = self.report(report)
        self.assertEqual(self.leftovers(report.parent), [])
        self.assertEqual(doc["mode"], "single")
        self.assertEqual(doc["totals"]["models"], 1)
        self.assertEqual(doc["totals"]["exit_code"], 0)
        self.assertGreater(doc["totals"]["peak_rss_bytes"], 10 << 20)
        [m] = doc["models"]
        self.assertEqual(list(m), self.ENTRY_KEYS)
        self.assertEqual((m["status"], m["exit_code"], m["exit_class"]), ("ok", 0, "ok"))
        self.assertEqual(m["diagnostics"], [])
        self.assertIsNone(m["failed_stage"])
        self.assertEqual([w["code"] for w in m["warnings"]], ["dropped-run-time-check"])
        self.assertIn("too large", m["warnings"][0]["message"])
        self.assertEqual(m["warnings"][0]["severity"], "warning")
        model = onnx.load(str(self.path("p.onnx")))
        o = m["onnx"]
        self.assertEqual(o["ir_version"], model.ir_version)
        self.assertEqual(o["opset"], 17)
        self.assertEqual(o["inputs"], [{"name": "input", "dtype": "float32", "shape": ["batch", 3, 8, 8]}])
        self.assertEqual(o["outputs"][0]["dtype"], "float32")
        self.assertEqual(o["outputs"][0]["shape"][1], 2)
        self.assertEqual(o["node_count"], len(model.graph.node))
        self.assertEqual(o["initializer_count"], len(model.graph.initializer))
        hist = {}
        for n in model.graph.node:
            hist[n.op_type] = hist.get(n.op_type, 0) + 1
        self.assertEqual(o["op_histogram"], hist)
        self.assertEqual(m["summary"]["node_count"], len(model.graph.node))
        data = self.path("p.onnx").read_bytes()
        self.assertEqual(m["files"], [{"path": str(self.path("p.onnx")), "bytes": len(data),
                                       "sha256": hashlib.sha256(data).hexdigest()}])
        self.assertEqual(list(m["timings"]), ["load", "prepare", "convert", "write", "describe", "total"])
        self.assertTrue(all(v >= 0 for v in m["timings"].values()))
        self.assertGreater(m["peak_rss_bytes"], 10 << 20)
        self.assertIsNone(m["verify"])

    def test_external_data_files_are_listed(self):
        pt = save_torchscript(Mlp(256), self.path("m.pt"))
        proc = run([pt, "-o", self.path("m.onnx"), "--shape", "x:2x256", "--external-data-per-tensor",
                    "--report", self.path("r.json")])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        [m] = self.report(self.path("r.json"))["models"]
        self.assertGreater(len(m["files"]), 1)
        for f in m["files"]:
            data = pathlib.Path(f["path"]).read_bytes()
            self.assertEqual((f["bytes"], f["sha256"]), (len(data), hashlib.sha256(data).hexdigest()))

    def test_every_failure_class(self):
        d = self.models()
        save_torchscript(Bicubic(), d / "bicubic.pt")
        save_torchscript(Mlp(), d / "crash.pt")
        (d / "blocker").write_text("a file where a folder should be")
        manifest = write_manifest(d / "m.jsonl", [
            {"model": "mlp.pt", "shape": "x:2x8"},
            {"model": "mlp.pt", "shape": "y:2x8", "output": "o/usage.onnx"},
            {"model": "missing.pt"},
            {"model": "bicubic.pt", "opset": 10, "shape": "x:1x1x4x4"},
            {"model": "mlp.pt", "shape": "x:2x8", "output": "blocker/w.onnx"},
            {"model": "crash.pt", "shape": "x:2x8"},
        ])
        env = dict(os.environ, PT2ONNX_TEST_CRASH_MODEL="crash.pt")
        proc = run(["--manifest", manifest, "-o", d / "o", "-j", "2", "--report", self.dir / "r.json"],
                   env=env)
        self.assertEqual(proc.returncode, USAGE, proc.stdout + proc.stderr)
        doc = self.report(self.dir / "r.json")
        self.assertEqual(doc["mode"], "manifest")
        self.assertEqual(doc["manifest"], str(manifest))
        self.assertEqual(doc["totals"], {**doc["totals"], "models": 6, "converted": 1, "failed": 5,
                                         "exit_code": USAGE})
        expected = [  # exit code, class, first code, stage
            (0, "ok", None, None),
            (USAGE, "usage", "unknown-option-key", "prepare"),
            (BAD_INPUT, "bad input", "model-unreadable", "load"),
            (UNSUPPORTED, "unsupported", "no-lowering", "convert"),
            (WRITE_FAILED, "write failed", "write-failed", None),
            (INTERNAL, "internal error", "crashed", "start"),
        ]
        for m, (code, cls, diag, stage) in zip(doc["models"], expected):
            self.assertEqual(list(m), self.ENTRY_KEYS)
            what = f"{m['model']}: {m}"
            self.assertEqual((m["exit_code"], m["exit_class"]), (code, cls), what)
            if code == 0:
                self.assertEqual(m["status"], "ok")
                self.assertEqual(m["files"][0]["path"], str(d / "o" / "mlp.onnx"))
                continue
            self.assertEqual(m["status"], "failed", what)
            self.assertEqual(m["diagnostics"][0]["code"], diag, what)
            self.assertEqual(m["diagnostics"][0]["severity"], "error")
            self.assertTrue(m["message"], what)
            if stage:
                self.assertEqual(m["failed_stage"], stage, what)
            else:
                self.assertIn(m["failed_stage"], ("start", "load", "write"), what)
            self.assertIsNone(m["onnx"])
            self.assertEqual(m["files"], [])
            self.assertIsNone(m["summary"])
        unsupported = doc["models"][3]["diagnostics"][0]
        self.assertEqual(unsupported["node_kind"], "aten::upsample_bicubic2d")
        self.assertEqual((unsupported["opset"], unsupported["first_opset"]), (10, 11))
        self.assertEqual(self.leftovers(d), [])

    def test_report_that_cannot_be_written_is_a_write_failure(self):
        pt = save_torchscript(Mlp(), self.path("m.pt"))
        proc = run([pt, "-o", self.path("m.onnx"), "--shape", "x:2x8", "--report",
                    self.path("no/such/dir/r.json")])
        self.assertEqual(proc.returncode, WRITE_FAILED, proc.stderr)
        self.assertIn("cannot write the report", proc.stderr)


class ProgressTest(PipelineTest):
    def run_on_pty(self, args):
        """Runs pt2onnx with stderr on a pseudo-terminal; returns (exit code, stdout, stderr)."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([PT2ONNX, *map(str, args)], stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        err = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            err += chunk
        out = proc.stdout.read().decode()
        proc.wait(timeout=300)
        os.close(master)
        return proc.returncode, out, err.decode(errors="replace")

    def batch_args(self):
        d = self.models()
        return [d / "cnn.pt", d / "mlp.pt", d / "embed.pt", "-o", self.dir / "out", "-j", "2",
                "--shape", "0:2x8"]

    def test_progress_on_a_terminal(self):
        code, out, err = self.run_on_pty(self.batch_args())
        # cnn and embed do not take a 2x8 first input: two failures, shown as they happen.
        self.assertNotEqual(code, 0)
        self.assertIn("\r\x1b[K[0/3]", err)
        self.assertRegex(err, r"\[3/3\] 2 failed \d+:\d\d")
        self.assertRegex(err, r"\| [^\r]*(cnn|mlp|embed)\.pt")
        self.assertTrue(err.endswith("\r\x1b[K") or "\r\x1b[K" in err[-200:], repr(err[-200:]))
        self.assertTrue(out.strip().endswith("1 converted, 2 failed"), out)
        self.assertNotIn("\x1b", out)

    def test_no_progress_with_quiet_or_without_a_terminal(self):
        code, out, err = self.run_on_pty([*self.batch_args(), "-q"])
        self.assertNotIn("[0/3]", err)
        self.assertNotIn("\x1b[K", err)
        proc = run(self.batch_args())
        self.assertNotIn("[0/3]", proc.stderr)
        self.assertNotIn("\x1b[K", proc.stderr)
        self.assertIn("1 converted, 2 failed", proc.stdout)


class VerifyTest(PipelineTest):
    def test_verify_without_onnx_runtime_is_a_usage_error(self):
        if has_ort_build():
            self.skipTest("this build has ONNX Runtime")
        pt = save_torchscript(Mlp(), self.path("m.pt"))
        proc = run([pt, "-o", self.path("m.onnx"), "--verify"])
        self.assertEqual(proc.returncode, USAGE)
        self.assertIn("[verify-unavailable]", proc.stderr)
        self.assertIn("no ONNX Runtime", proc.stderr)
        self.assertFalse(self.path("m.onnx").exists())
        manifest = write_manifest(self.path("m.jsonl"), [{"model": "m.pt", "verify": True}])
        proc = run(["--manifest", manifest, "-o", self.dir / "out"])
        self.assertEqual(proc.returncode, USAGE)
        self.assertRegex(proc.stdout, r"FAIL  m\.pt \(line 1\): verify-unavailable: ")

    def test_correct_model_passes(self):
        if not has_ort_build():
            self.skipTest("this build has no ONNX Runtime (Debian 12); run on Debian 13")
        d = self.models()
        manifest = write_manifest(d / "m.jsonl", [
            {"model": "cnn.pt", "shape": "image:1x3x8x8", "dynamic": "image:0=batch,2=h", "verify": True},
            {"model": "embed.pt", "shape": "ids:2x5", "dtype": "ids:int64", "verify": True},
            {"model": "mlp.pt", "shape": "x:2x8", "dynamic": "x:0", "verify": True,
             "verify-rtol": 1e-5, "verify-atol": 1e-6},
        ])
        proc = run(["--manifest", manifest, "-o", self.dir / "out", "--report", self.dir / "r.json"])
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("verified", proc.stdout)
        doc = self.report(self.dir / "r.json")
        cnn, embed, mlp = doc["models"]
        self.assertTrue(cnn["verify"]["passed"])
        self.assertEqual([r["sizes"] for r in cnn["verify"]["runs"]], ["declared", "batch=2", "h=16"])
        self.assertEqual(cnn["verify"]["runs"][2]["inputs"]["image"], [1, 3, 16, 8])
        self.assertEqual([r["sizes"] for r in embed["verify"]["runs"]], ["declared"])
        self.assertEqual(mlp["verify"]["rtol"], 1e-5)
        self.assertIn("verify", cnn["timings"])

    def test_changed_weight_fails_with_the_mismatch_code_and_the_file_stays(self):
        if not has_ort_build():
            self.skipTest("this build has no ONNX Runtime (Debian 12); run on Debian 13")
        pt = save_torchscript(Mlp(), self.path("m.pt"))
        env = dict(os.environ, PT2ONNX_TEST_TAMPER_WEIGHT="1")
        proc = run([pt, "-o", self.path("m.onnx"), "--shape", "x:2x8", "--verify", "--report",
                    self.path("r.json")], env=env)
        self.assertEqual(proc.returncode, VERIFY_FAILED, proc.stderr)
        self.assertIn("[verify-mismatch]", proc.stderr)
        self.assertRegex(proc.stderr, r"output\[\d+, \d+\]: LibTorch .*, ONNX Runtime ")
        self.assertTrue(self.path("m.onnx").exists())
        [m] = self.report(self.path("r.json"))["models"]
        self.assertEqual((m["status"], m["exit_code"], m["failed_stage"]), ("failed", 7, "verify"))
        self.assertFalse(m["verify"]["passed"])
        self.assertTrue(m["verify"]["worst"].startswith("output["))
        self.assertEqual(m["files"][0]["path"], str(self.path("m.onnx")))


if __name__ == "__main__":
    unittest.main()
