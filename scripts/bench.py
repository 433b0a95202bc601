#!/usr/bin/python3
"""Benchmark: pt2onnx against torch.onnx.export on the same TorchScript files, in one run.

    /usr/bin/python3 scripts/bench.py [--build build] [--work /tmp/pt2onnx-bench] [--skip-large]

For each model (a CNN, a transformer encoder, MLPs of ~0.1, ~1 and ~2.5 GB of weights) it saves a
traced TorchScript file, converts it with `pt2onnx` and with `torch.onnx.export` (Debian's torch,
each in its own process), and prints a markdown table: wall time, peak resident memory, output
size, node count, and the ratio pt2onnx / torch. For the CNN and the transformer it also times both
exported files in ONNX Runtime. The 2.5 GB model is checked against LibTorch's output in ONNX
Runtime. Figures depend on the machine: docs/benchmarks.md says where they were measured.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

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


def ort_latency(onnx_path, shape, repeat, work):
    x = np.random.randn(*shape).astype(np.float32)
    np.save(work / "bench_x.npy", x)
    jobs = [{"model": str(onnx_path), "inputs": {"x": str(work / "bench_x.npy")},
             "out_dir": str(work / "bench_out"), "repeat": repeat}]
    (work / "bench_jobs.json").write_text(json.dumps(jobs))
    out = subprocess.run(["node", str(ORT_RUN), str(work / "bench_jobs.json")], capture_output=True, text=True)
    line = json.loads(out.stdout.strip().splitlines()[-1])
    return line.get("mean_ms"), np.load(work / "bench_out" / "0.npy") if "outputs" in line else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/pt2onnx-bench")
    ap.add_argument("--skip-large", action="store_true", help="leave out the 1 and 2.5 GB MLPs")
    args = ap.parse_args()
    pt2onnx = pathlib.Path(args.build) / "pt2onnx"
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    models = [("cnn (resnet50)", cnn), ("transformer (4 layers)", transformer),
              ("mlp 0.1 GB", lambda: mlp(0.1e9))]
    if not args.skip_large:
        models += [("mlp 1 GB", lambda: mlp(1.0e9)), ("mlp 2.5 GB", lambda: mlp(2.5e9))]
    rows = []
    for name, make in models:
        torch.manual_seed(0)
        model, shape = make()
        model.eval()
        weights = sum(p.numel() * p.element_size() for p in model.parameters())
        pt = work / "model.pt"
        example = torch.randn(*shape)
        traced = torch.jit.trace(model, (example,), check_trace=False)
        torch.jit.save(traced, str(pt))
        reference = traced(example).detach().numpy() if "2.5" in name else None
        del model, traced
        dims = "x".join(map(str, shape))
        result = {"name": name, "weights_mb": weights / 2**20}
        for tool in ("pt2onnx", "torch"):
            out_dir = work / tool
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.mkdir()
            out = out_dir / "model.onnx"
            if tool == "pt2onnx":
                cmd = [pt2onnx, pt, "-o", out, "--opset", "17", "--input-names", "x", "--shape", f"x:{dims}",
                       "--dynamic", "x:0=batch", "--dynamic", "output:0=batch", "-q"]
            else:
                cmd = [sys.executable, "-c", TORCH_EXPORT, pt, out, dims]
            m = measure(cmd)
            if m["rc"] != 0:
                result[tool] = {"error": m["err"].strip().splitlines()[-1] if m["err"].strip() else "failed"}
                continue
            nodes, size = file_stats(out)
            result[tool] = {"wall": m["wall"], "rss_mb": m["rss_mb"], "nodes": nodes, "size_mb": size / 2**20}
            if name.startswith(("cnn", "transformer")):
                result[tool]["ort_ms"], _ = ort_latency(out, shape, 20, work)
            if reference is not None and tool == "pt2onnx":
                _, got = ort_latency(out, shape, 1, work)
                result["pt2onnx"]["matches_libtorch"] = bool(
                    got is not None and np.allclose(got, reference, rtol=1e-3, atol=1e-4))
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


if __name__ == "__main__":
    main()
