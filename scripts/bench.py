#!/usr/bin/python3
"""Benchmark: pt2onnx against torch.onnx.export on the same TorchScript files, in one run.

    /usr/bin/python3 scripts/bench.py [--build build] [--work /tmp/pt2onnx-bench] [--skip-large]
                                      [--repeat 3] [--only transformer]

For each model (a CNN, a transformer encoder, MLPs of ~0.1, ~1 and ~2.5 GB of weights) it saves a
traced TorchScript file, converts it with `pt2onnx` and with `torch.onnx.export` (Debian's torch,
each in its own process), and prints a markdown table: wall time, peak resident memory, output
size, node count, and the ratio pt2onnx / torch. Models under 0.5 GB are converted --repeat times
per tool and the fastest run counts (wall times on a shared machine are noisy). For the CNN and the
transformer it also times both exported files in ONNX Runtime, taking turns in one process (the
median of 7 rounds of 20 runs each). The 2.5 GB model is checked against LibTorch's output in ONNX
Runtime. Figures depend on the machine: docs/benchmarks.md says where they were measured.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

ROOT = pathlib.Path(__file__).resolve().parent.parent
ORT_RUN = ROOT / "tests" / "tools" / "ort_run" / "ort_run.mjs"

TORCH_EXPORT = r"""
import sys, torch
model = torch.jit.load(sys.argv[1]).eval()
shape = [int(s) for s in sys.argv[3].split("x")]
torch.onnx.export(model, (torch.randn(*shape),), sys.argv[2], opset_version=17,
                  input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
"""

MEASURE = r"""
import resource, subprocess, sys, time, json
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": proc.returncode, "wall": wall, "rss_mb": rss_kb / 1024, "err": proc.stderr[-2000:]}))
"""


def mlp(total_bytes, width=2048):
    layers = max(1, round(total_bytes / (width * width * 4)))
    return nn.Sequential(*[nn.Sequential(nn.Linear(width, width), nn.ReLU()) for _ in range(layers)]), (8, width)


def transformer():
    layer = nn.TransformerEncoderLayer(d_model=256, nhead=8, dim_feedforward=1024, batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=4), (2, 32, 256)


def cnn():
    return torchvision.models.resnet50(weights=None), (1, 3, 224, 224)


def measure(cmd):
    out = subprocess.run([sys.executable, "-c", MEASURE, *map(str, cmd)], capture_output=True, text=True)
    return json.loads(out.stdout)


def file_stats(onnx_path):
    import onnx
    model = onnx.load(str(onnx_path), load_external_data=False)
    size = sum(p.stat().st_size for p in onnx_path.parent.iterdir())
    return len(model.graph.node), size


def ort_run(jobs, work):
    (work / "bench_jobs.json").write_text(json.dumps(jobs))
    out = subprocess.run(["node", str(ORT_RUN), str(work / "bench_jobs.json")], capture_output=True, text=True)
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    if len(lines) != len(jobs):
        raise RuntimeError(f"ort_run: {out.stderr[-2000:]}")
    return lines


def ort_latencies(onnx_paths, shape, work, rounds=7, repeat=20):
    """Median over rounds of the mean latency of `repeat` runs; the files take turns in one ONNX
    Runtime process, so that load on the machine affects them alike."""
    np.save(work / "bench_x.npy", np.random.randn(*shape).astype(np.float32))
    jobs = [{"model": str(p), "inputs": {"x": str(work / "bench_x.npy")}, "out_dir": str(work / "bench_out"),
             "repeat": repeat} for _ in range(rounds) for p in onnx_paths]
    lines = ort_run(jobs, work)
    return [float(np.median([l["mean_ms"] for l in lines[i::len(onnx_paths)]])) for i in range(len(onnx_paths))]


def ort_output(onnx_path, shape, work, x):
    np.save(work / "bench_x.npy", x)
    ort_run([{"model": str(onnx_path), "inputs": {"x": str(work / "bench_x.npy")}, "out_dir": str(work / "bench_out")}],
            work)
    return np.load(work / "bench_out" / "0.npy")


def fixed_costs(pt2onnx, repeat):
    """What every conversion pays before touching the model: starting pt2onnx (loading LibTorch),
    and starting Python with torch imported."""
    pt = min(measure([pt2onnx, "--version"])["wall"] for _ in range(repeat))
    py = min(measure([sys.executable, "-c", "import torch, torch.onnx"])["wall"] for _ in range(repeat))
    return pt, py


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/pt2onnx-bench")
    ap.add_argument("--skip-large", action="store_true", help="leave out the 1 and 2.5 GB MLPs")
    ap.add_argument("--repeat", type=int, default=3,
                    help="conversions per tool for models under 0.5 GB (the fastest one counts)")
    ap.add_argument("--only", help="run only the models whose name contains this")
    args = ap.parse_args()
    pt2onnx = pathlib.Path(args.build) / "pt2onnx"
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    models = [("cnn (resnet50)", cnn), ("transformer (4 layers)", transformer),
              ("mlp 0.1 GB", lambda: mlp(0.1e9))]
    if not args.skip_large:
        models += [("mlp 1 GB", lambda: mlp(1.0e9)), ("mlp 2.5 GB", lambda: mlp(2.5e9))]
    if args.only:
        models = [m for m in models if args.only in m[0]]
    rows = []
    for name, make in models:
        torch.manual_seed(0)
        model, shape = make()
        model.eval()
        weights = sum(p.numel() * p.element_size() for p in model.parameters())
        pt = work / "model.pt"
        example = torch.randn(*shape)
        # Traced with autograd on (no torch.no_grad()), so nn.TransformerEncoder takes its
        # unfused path (aten::linear, bmm, softmax...) as in the figures in docs/benchmarks.md.
        traced = torch.jit.trace(model, (example,), check_trace=False)
        torch.jit.save(traced, str(pt))
        reference = traced(example).detach().numpy() if "2.5" in name else None
        del model, traced
        dims = "x".join(map(str, shape))
        result = {"name": name, "weights_mb": weights / 2**20}
        repeat = args.repeat if weights < 0.5e9 else 1
        for tool in ("pt2onnx", "torch"):
            out_dir = work / tool
            out = out_dir / "model.onnx"
            if tool == "pt2onnx":
                cmd = [pt2onnx, pt, "-o", out, "--opset", "17", "--input-names", "x", "--shape", f"x:{dims}",
                       "--dynamic", "x:0=batch", "--dynamic", "output:0=batch", "-q"]
            else:
                cmd = [sys.executable, "-c", TORCH_EXPORT, pt, out, dims]
            runs = []
            for _ in range(repeat):
                shutil.rmtree(out_dir, ignore_errors=True)
                out_dir.mkdir()
                # Write back what the previous step left dirty (the saved model, the other
                # tool's output), so that its writeback does not land in this run's figures.
                os.sync()
                runs.append(measure(cmd))
                if runs[-1]["rc"] != 0:
                    break
            m = min(runs, key=lambda r: (r["rc"] != 0, r["wall"]))
            if m["rc"] != 0:
                result[tool] = {"error": m["err"].strip().splitlines()[-1] if m["err"].strip() else "failed"}
                continue
            nodes, size = file_stats(out)
            result[tool] = {"wall": m["wall"], "rss_mb": max(r["rss_mb"] for r in runs), "nodes": nodes,
                            "size_mb": size / 2**20}
            if reference is not None and tool == "pt2onnx":
                got = ort_output(out, shape, work, example.numpy())
                result["pt2onnx"]["matches_libtorch"] = bool(np.allclose(got, reference, rtol=1e-3, atol=1e-4))
        if name.startswith(("cnn", "transformer")) and all("wall" in result.get(t, {}) for t in ("pt2onnx", "torch")):
            ours, theirs = ort_latencies([work / "pt2onnx" / "model.onnx", work / "torch" / "model.onnx"], shape, work)
            result["pt2onnx"]["ort_ms"], result["torch"]["ort_ms"] = ours, theirs
        rows.append(result)
        print(json.dumps(result), file=sys.stderr, flush=True)
        shutil.rmtree(work / "pt2onnx", ignore_errors=True)
        shutil.rmtree(work / "torch", ignore_errors=True)

    print("| model | weights | tool | wall s | peak RSS MB | output MB | nodes | ORT ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        for tool in ("pt2onnx", "torch"):
            t = r.get(tool, {})
            if "error" in t:
                print(f"| {r['name']} | {r['weights_mb']:.0f} MB | {tool} | failed: {t['error'][:80]} | | | | |")
                continue
            ort = f"{t['ort_ms']:.2f}" if t.get("ort_ms") is not None else ""
            print(f"| {r['name']} | {r['weights_mb']:.0f} MB | {tool} | {t['wall']:.2f} | {t['rss_mb']:.0f} | "
                  f"{t['size_mb']:.1f} | {t['nodes']} | {ort} |")
        a, b = r.get("pt2onnx", {}), r.get("torch", {})
        if "wall" in a and "wall" in b:
            extra = f" (ORT latency {a['ort_ms'] / b['ort_ms']:.2f}x)" if a.get("ort_ms") and b.get("ort_ms") else ""
            print(f"| {r['name']} | | pt2onnx / torch | {a['wall'] / b['wall']:.2f}x | {a['rss_mb'] / b['rss_mb']:.2f}x | "
                  f"{a['size_mb'] / b['size_mb']:.2f}x | {a['nodes'] / b['nodes']:.2f}x |{extra} |")
        if "matches_libtorch" in a:
            print(f"| {r['name']} | | pt2onnx output equals LibTorch in ONNX Runtime: {a['matches_libtorch']} | | | | | |")
    pt_start, py_start = fixed_costs(pt2onnx, args.repeat)
    print(f"\nFixed costs: `pt2onnx --version` {pt_start:.2f} s (loading LibTorch); "
          f"`python3 -c 'import torch, torch.onnx'` {py_start:.2f} s.")


if __name__ == "__main__":
    main()
