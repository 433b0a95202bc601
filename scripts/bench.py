#!/usr/bin/python3
"""Benchmark: pt2onnx against torch.onnx.export on the same TorchScript files, in one run.

    /usr/bin/python3 scripts/bench.py [--build build] [--work /tmp/pt2onnx-bench] [--skip-large]
                                      [--repeat 3] [--only transformer]
    /usr/bin/python3 scripts/bench.py --batch [-j 2]     # the batch row only

--batch: 24 small models (torchvision CNN families, transformer encoders, GRU/LSTM/RNN, MLPs, an
embedding; traced and scripted; each with its own input shape) converted by one
`pt2onnx --manifest` run and by one `torch.onnx.export` process per model, in the same run: total
wall time of each, the ratio, the peak memory of the manifest run against that of converting its
largest model alone.

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


BATCH_EXPORT = r"""
import json, sys, torch
spec = json.loads(sys.argv[1])
model = torch.jit.load(spec["pt"]).eval()
args = tuple(torch.randn(*s) if d == "float32" else torch.randint(0, 8, s) for s, d in zip(spec["shapes"], spec["dtypes"]))
names = [f"in{i}" for i in range(len(args))]
torch.onnx.export(model, args, spec["onnx"], opset_version=17, input_names=names,
                  dynamic_axes={names[0]: {0: "batch"}})
"""


def batch_models():
    """(name, module, mode, [(shape, dtype)]) for the batch row: small, varied, each its own shapes."""
    tv = torchvision.models

    class Rnn(nn.Module):
        def __init__(self, cell):
            super().__init__()
            self.rnn = cell(16, 32, batch_first=True)
            self.fc = nn.Linear(32, 4)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.fc(out)

    class Embed(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(100, 32)
            self.fc = nn.Linear(32, 5)

        def forward(self, ids):
            return self.fc(self.emb(ids).mean(1))

    def encoder(layers, d):
        return nn.TransformerEncoder(nn.TransformerEncoderLayer(d, 4, 2 * d, batch_first=True), layers)

    def mlp_of(width, depth):
        return nn.Sequential(*[m for _ in range(depth) for m in (nn.Linear(width, width), nn.GELU())])

    small_cnn = lambda: nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                      nn.Linear(16, 10))
    conv1d = lambda: nn.Sequential(nn.Conv1d(4, 16, 5), nn.ReLU(), nn.Conv1d(16, 8, 3), nn.Flatten(1))
    f = "float32"
    return [
        ("resnet18 traced", lambda: tv.resnet18(), "trace", [((1, 3, 64, 64), f)]),
        ("resnet18 scripted", lambda: tv.resnet18(), "script", [((2, 3, 48, 48), f)]),
        ("mobilenet_v3_small traced", lambda: tv.mobilenet_v3_small(), "trace", [((1, 3, 96, 96), f)]),
        ("mobilenet_v2 scripted", lambda: tv.mobilenet_v2(), "script", [((1, 3, 64, 64), f)]),
        ("squeezenet1_1 traced", lambda: tv.squeezenet1_1(), "trace", [((1, 3, 64, 64), f)]),
        ("shufflenet_v2_x0_5 traced", lambda: tv.shufflenet_v2_x0_5(), "trace", [((1, 3, 64, 64), f)]),
        ("mnasnet0_5 traced", lambda: tv.mnasnet0_5(), "trace", [((1, 3, 64, 64), f)]),
        ("efficientnet_b0 traced", lambda: tv.efficientnet_b0(), "trace", [((1, 3, 64, 64), f)]),
        ("regnet_x_400mf traced", lambda: tv.regnet_x_400mf(), "trace", [((1, 3, 64, 64), f)]),
        ("alexnet traced", lambda: tv.alexnet(), "trace", [((1, 3, 96, 96), f)]),
        ("small cnn scripted", small_cnn, "script", [((4, 3, 32, 32), f)]),
        ("conv1d traced", conv1d, "trace", [((2, 4, 40), f)]),
        ("encoder 2x64 traced", lambda: encoder(2, 64), "trace", [((2, 16, 64), f)]),
        ("encoder 1x128 traced", lambda: encoder(1, 128), "trace", [((1, 24, 128), f)]),
        ("gru traced", lambda: Rnn(nn.GRU), "trace", [((2, 10, 16), f)]),
        ("gru scripted", lambda: Rnn(nn.GRU), "script", [((3, 7, 16), f)]),
        ("lstm traced", lambda: Rnn(nn.LSTM), "trace", [((2, 12, 16), f)]),
        ("lstm scripted", lambda: Rnn(nn.LSTM), "script", [((1, 9, 16), f)]),
        ("rnn traced", lambda: Rnn(nn.RNN), "trace", [((2, 8, 16), f)]),
        ("mlp 256x4 traced", lambda: mlp_of(256, 4), "trace", [((8, 256), f)]),
        ("mlp 512x2 scripted", lambda: mlp_of(512, 2), "script", [((4, 512), f)]),
        ("mlp 1024x3 traced", lambda: mlp_of(1024, 3), "trace", [((2, 1024), f)]),
        ("embedding traced", Embed, "trace", [((2, 12), "int64")]),
        ("embedding scripted", Embed, "script", [((3, 6), "int64")]),
    ]


def batch_row(pt2onnx, work, jobs):
    """One pt2onnx manifest run against one torch.onnx.export process per model."""
    d = work / "batch"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    entries, specs, largest = [], [], (0, None)
    for i, (name, make, mode, inputs) in enumerate(batch_models()):
        torch.manual_seed(i)
        model = make().eval()
        example = tuple(torch.randn(*s) if t == "float32" else torch.randint(0, 8, s) for s, t in inputs)
        pt = d / f"m{i:02d}.pt"
        ts = torch.jit.script(model) if mode == "script" else torch.jit.trace(model, example, check_trace=False)
        torch.jit.save(ts, str(pt))
        weights = sum(p.numel() * p.element_size() for p in model.parameters())
        if weights > largest[0]:
            largest = (weights, i)
        args = ts.forward.schema.arguments[1:]
        entry = {"model": pt.name, "shape": [f"{a.name}:{'x'.join(map(str, s))}" for a, (s, _) in zip(args, inputs)],
                 "dtype": [f"{a.name}:{t}" for a, (_, t) in zip(args, inputs)], "dynamic": f"{args[0].name}:0"}
        entries.append(entry)
        specs.append({"name": name, "pt": str(pt), "onnx": str(d / "torch" / f"m{i:02d}.onnx"),
                      "shapes": [list(s) for s, _ in inputs], "dtypes": [t for _, t in inputs]})
    manifest = d / "models.jsonl"
    manifest.write_text("".join(json.dumps(e) + "\n" for e in entries))
    (d / "torch").mkdir()
    os.sync()
    ours = measure([pt2onnx, "--manifest", manifest, "-o", d / "pt2onnx", "-j", jobs, "-q",
                    "--report", d / "report.json"])
    report = json.loads((d / "report.json").read_text())
    failed_ours = [m["model"] for m in report["models"] if m["status"] != "ok"]
    os.sync()
    theirs, failed_theirs, torch_rss = 0.0, [], 0.0
    for spec in specs:
        m = measure([sys.executable, "-c", BATCH_EXPORT, json.dumps(spec)])
        theirs += m["wall"]
        torch_rss = max(torch_rss, m["rss_mb"])
        if m["rc"] != 0:
            failed_theirs.append(spec["name"])
    # The largest model (by weights) alone, as a single conversion, for the memory comparison.
    e = entries[largest[1]]
    single = [pt2onnx, d / e["model"], "-o", d / "single.onnx", "-q"]
    for key in ("shape", "dtype"):
        for v in e[key]:
            single += [f"--{key}", v]
    alone = measure(single)
    print(f"\n| batch ({len(entries)} small models) | pt2onnx --manifest -j {jobs} | torch.onnx.export, one process each | ratio |")
    print("| --- | --- | --- | --- |")
    print(f"| wall s | {ours['wall']:.2f} | {theirs:.2f} | {theirs / ours['wall']:.1f}x faster |")
    print(f"| peak RSS MB | {ours['rss_mb']:.0f} (largest model alone: {alone['rss_mb']:.0f}, "
          f"{ours['rss_mb'] / alone['rss_mb']:.2f}x) | {torch_rss:.0f} | |")
    print(f"| failed | {len(failed_ours)} {failed_ours or ''} | {len(failed_theirs)} {failed_theirs or ''} | |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/pt2onnx-bench")
    ap.add_argument("--skip-large", action="store_true", help="leave out the 1 and 2.5 GB MLPs")
    ap.add_argument("--repeat", type=int, default=3,
                    help="conversions per tool for models under 0.5 GB (the fastest one counts)")
    ap.add_argument("--only", help="run only the models whose name contains this")
    ap.add_argument("--batch", action="store_true", help="run only the batch row")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="pt2onnx -j for the batch row")
    args = ap.parse_args()
    pt2onnx = pathlib.Path(args.build) / "pt2onnx"
    work = pathlib.Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if args.batch:
        batch_row(pt2onnx, work, args.jobs)
        return

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
    if not args.only:
        batch_row(pt2onnx, work, args.jobs)


if __name__ == "__main__":
    main()
