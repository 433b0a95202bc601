#!/usr/bin/python3
"""The model survey of issue 11: torchvision's detection models, statically quantized CNNs and
torchaudio's speech models, each saved as TorchScript (traced and scripted), converted by pt2onnx
and by torch.onnx.export, both results run in ONNX Runtime at two input sizes and compared with
LibTorch on the saved file.

    /usr/bin/python3 scripts/model_survey.py [--build build] [--work /tmp/pt2onnx-survey]
                                             [--opsets 11,13,17] [--only NAME] [--json F]

Prints a markdown table: per model, mode and opset, each converter's result (ok, or the error's
first line), the largest difference from LibTorch over both sizes and the conversion time.
Weights are random and seeded (detection_models.build for the detection models, as the tests
build them). The difference is in the outputs' own units, for quantized models in steps of the
output scale, and for the detection models whose detections move with float noise the share of
detections matched one to one (tests/e2e/test_detection.py says why). torch.onnx runs in this
process, pt2onnx as the command a user runs.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time
import traceback

import numpy as np
import torch
import torch.ao.quantization as tq
import torchaudio.models as am
import torchvision
from torchvision.models import detection
from torchvision.models import quantization as tvq

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
os.environ.setdefault("ORT_RUN", str(ROOT / "tests" / "tools" / "ort_run" / "ort_run.mjs"))
import detection_match  # noqa: E402
import detection_models  # noqa: E402
from harness import run_ort  # noqa: E402


class Entry:
    """One model file: how to make it, its inputs at two sizes, pt2onnx's options and
    torch.onnx's arguments."""

    def __init__(self, name, mode, make, inputs, names, dynamic, compare="max", method=None,
                 dtypes=None, list_input=False):
        self.name, self.mode, self.make, self.inputs = name, mode, make, inputs
        self.names, self.dynamic, self.compare, self.method = names, dynamic, compare, method
        self.dtypes = dtypes or {}
        self.list_input = list_input  # forward(images: List[Tensor])


def f32(*shape, seed=0):
    return np.random.RandomState(seed).rand(*shape).astype(np.float32)


def wave(b, n, seed=0):
    return np.random.RandomState(seed + n).randn(b, n).astype(np.float32)


# ----------------------------------------------------------------------------- the models


def detection_entries():
    out = []
    for name in detection_models.MODELS:
        noisy = name in ("fcos_resnet50_fpn", "maskrcnn_resnet50_fpn", "keypointrcnn_resnet50_fpn")
        images = [detection_models.image(240, 320, seed=5).numpy(),
                  detection_models.image(288, 224, seed=5).numpy()]
        out.append(Entry(name, "trace", lambda n=name: detection_models.build(n),
                         [[images[0]], [images[1]]], ["x"], {"x": [1, 2]},
                         compare="agreement" if noisy else "detections"))
        out.append(Entry(name, "script", lambda n=name: scripted_detection(n),
                         [[images[0]], [images[1]]], [], {}, list_input=True))
    return out


def scripted_detection(name):
    torch.manual_seed(0)
    return getattr(detection, name)(weights=None, weights_backbone=None,
                                    **detection_models.MODELS[name]).eval()


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.quant, self.dequant = tq.QuantStub(), tq.DeQuantStub()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.relu = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.add = torch.nn.quantized.FloatFunctional()
        self.fc = torch.nn.Linear(8, 4)

    def forward(self, x):
        x = self.quant(x)
        y = self.relu(self.conv(x))
        y = self.add.add(y, self.conv2(y))
        return self.dequant(self.fc(torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)))

    def fuse_model(self):
        tq.fuse_modules(self, [["conv", "relu"]], inplace=True)


def quantized(name, engine):
    torch.backends.quantized.engine = engine
    torch.manual_seed(0)
    model = SmallCnn() if name == "small_cnn" else getattr(tvq, name)(weights=None,
                                                                       quantize=False)
    model = model.eval()
    model.fuse_model()
    # onednn's default 8-bit activations need VNNI; docs/quantization.md says why 7 here.
    model.qconfig = (tq.QConfig(activation=tq.HistogramObserver.with_args(reduce_range=True),
                                weight=tq.default_per_channel_weight_observer)
                     if engine == "onednn" else tq.get_default_qconfig(engine))
    tq.prepare(model, inplace=True)
    for _ in range(3):
        model(torch.randn(2, 3, 64, 64))
    tq.convert(model, inplace=True)
    last = {"small_cnn": "fc", "resnet18": "fc", "mobilenet_v2": "classifier.1"}[name]
    model.survey_scale = model.get_submodule(last).scale
    return model


def quantized_entries():
    out = []
    for name in ("small_cnn", "resnet18", "mobilenet_v2"):
        for engine in ("qnnpack", "onednn"):
            for mode in ("trace", "script"):
                out.append(Entry(f"{name} ({engine})", mode,
                                 lambda n=name, e=engine: quantized(n, e),
                                 [[f32(2, 3, 64, 64, seed=1)], [f32(5, 3, 64, 64, seed=2)]], ["x"],
                                 {"x": [0]}, compare="steps"))
    return out


class Features(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, waveforms):
        features, _ = self.model(waveforms)
        return features


def speech_entries():
    def seeded(make):
        def build():
            torch.manual_seed(0)
            return make().eval()
        return build

    waves = [[wave(1, 16000)], [wave(2, 12000)]]
    out = []
    for name, make in (("wav2vec2_base (features)", lambda: Features(am.wav2vec2_base())),
                       ("hubert_base (features)", lambda: Features(am.hubert_base()))):
        for mode in ("script", "trace"):
            out.append(Entry(name, mode, seeded(make), waves, ["waveforms"],
                             {"waveforms": [0, 1]}))
    out.append(Entry("Wav2Vec2Model with lengths", "script", seeded(am.wav2vec2_base),
                     [[wave(1, 16000), np.array([16000])], [wave(2, 12000), np.array([12000, 9000])]],
                     ["waveforms", "lengths"], {"waveforms": [0, 1], "lengths": [0]},
                     dtypes={"lengths": "int64"}))
    for mode in ("script", "trace"):
        out.append(Entry("ConvTasNet", mode, seeded(am.conv_tasnet_base),
                         [[wave(1, 8000)[:, None]], [wave(2, 12000)[:, None]]], ["input"],
                         {"input": [0, 2]}))
    emformer = seeded(lambda: am.Emformer(input_dim=80, num_heads=4, ffn_dim=256, num_layers=4,
                                          segment_length=16, right_context_length=4))
    # A trace keeps the segment count of its input: LibTorch's traced module, like the ONNX
    # file, takes other batch sizes, not other lengths.
    feats = [[f32(2, 36, 80), np.array([36, 30])], [f32(3, 52, 80), np.array([52, 40, 20])]]
    out.append(Entry("Emformer", "script", emformer, feats, ["input", "lengths"],
                     {"input": [0, 1], "lengths": [0]}, dtypes={"lengths": "int64"}))
    feats = [[f32(2, 36, 80), np.array([36, 30])], [f32(3, 36, 80), np.array([36, 30, 20])]]
    out.append(Entry("Emformer", "trace", emformer, feats, ["input", "lengths"],
                     {"input": [0], "lengths": [0]}, dtypes={"lengths": "int64"}))
    tokens = [[np.random.RandomState(0).randint(0, 100, (1, 12))],
              [np.random.RandomState(1).randint(0, 100, (1, 20))]]
    out.append(Entry("Tacotron2.infer", "script",
                     seeded(lambda: am.Tacotron2(decoder_max_step=50)), tokens, ["tokens"],
                     {"tokens": [1]}, method="infer", dtypes={"tokens": "int64"}))
    spec = [[f32(1, 128, 6), np.array([6])], [f32(2, 128, 9, seed=1), np.array([9, 7])]]
    out.append(Entry("WaveRNN.infer", "script", seeded(deterministic_wavernn),
                     spec, ["specgram", "lengths"], {"specgram": [0, 2], "lengths": [0]},
                     method="infer", dtypes={"lengths": "int64"}))
    return out


def deterministic_wavernn():
    """infer samples with torch.multinomial; the last layer scaled so that each posterior is one
    class to within float precision makes that the argmax in both runtimes (as test_speech)."""
    model = am.WaveRNN(upsample_scales=[5, 5, 11], n_classes=256, hop_length=275)
    with torch.no_grad():
        model.fc3.weight.mul_(1e6)
        model.fc3.bias.mul_(1e6)
    return model


# ----------------------------------------------------------------------------- running


def example_of(entry):
    tensors = [torch.from_numpy(np.array(x)) for x in entry.inputs[0]]
    return (tensors,) if entry.list_input else tuple(tensors)


def without_weight_norm(module):
    """torch 1.13's tracer cannot stub weight_norm's forward pre-hook (an object without a
    __name__); folding it into the weight first computes the same values."""
    for m in module.modules():
        for hook in list(m._forward_pre_hooks.values()):
            if type(hook).__name__ == "WeightNorm":
                torch.nn.utils.remove_weight_norm(m, hook.name)
    return module


def save(entry, module, path):
    example = example_of(entry)
    if entry.mode == "trace":
        module = without_weight_norm(module)
    with torch.no_grad():
        ts = torch.jit.trace(module, example, check_trace=False) if entry.mode == "trace" \
            else torch.jit.script(module)
    ts.save(str(path))


def libtorch(entry, pt):
    if entry.list_input:
        return None  # (losses, detections) of a scripted detection model: nothing to compare
    module = torch.jit.load(str(pt)).eval()
    fn = getattr(module, entry.method) if entry.method else module
    out = []
    with torch.no_grad(), torch.jit.optimized_execution(False):
        for inputs in entry.inputs:
            r = fn(*[torch.from_numpy(np.array(x)) for x in inputs])
            r = r if isinstance(r, (tuple, list)) else (r,)
            out.append([t.numpy() for t in r])
    return out


def pt2onnx_args(entry):
    args = []
    for name, x in zip(entry.names, entry.inputs[0]):
        args += ["--shape", f"{name}:" + "x".join(map(str, np.shape(x)))]
        if name in entry.dtypes:
            args += ["--dtype", f"{name}:{entry.dtypes[name]}"]
    if entry.dynamic:
        args += ["--dynamic"] + [f"{n}:{','.join(map(str, a))}" for n, a in entry.dynamic.items()]
    if entry.method:
        args += ["--method", entry.method]
    return args


def torch_onnx(entry, module, out, opset):
    example = example_of(entry)
    target = torch.jit.script(module) if entry.mode == "script" else module
    if entry.method:
        raise RuntimeError(f"torch.onnx exports forward only, not `{entry.method}`")
    axes = {n: {a: f"{n}_{a}" for a in axes} for n, axes in entry.dynamic.items()}
    torch.onnx.export(target, example, str(out), opset_version=opset, input_names=entry.names,
                      dynamic_axes=axes)


def difference(entry, module, expected, got):
    if not isinstance(got, list):
        return f"ONNX Runtime: {str(got).splitlines()[0][:80]}"
    if entry.compare == "agreement":
        parts = [detection_match.agreement(e, g) for e, g in zip(expected, got)]
        return f"{min(p[0] for p in parts):.0%} matched, boxes {max(p[1] for p in parts):.2g} px"
    if entry.compare == "detections":
        try:
            return f"{max(detection_match.max_error(e, g, score_rel=3e-3) for e, g in zip(expected, got)):.2g}"
        except AssertionError as e:
            return f"differs: {e}"[:90]
    worst = 0.0
    for e_set, g_set in zip(expected, got):
        if len(e_set) != len(g_set):
            return f"{len(g_set)} outputs, LibTorch {len(e_set)}"
        for e, g in zip(e_set, g_set):
            if e.shape != g.shape:
                return f"shape {g.shape}, LibTorch {e.shape}"
            worst = max(worst, float(np.abs(e.astype(np.float64) - g).max()) if e.size else 0.0)
    if entry.compare == "steps":
        return f"{worst / module.survey_scale:.3g} steps"
    return f"{worst:.2g}"


def first_line(text):
    """The error's first line, and the first problem's when that line only introduces a list."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    if line.endswith(":") and len(lines) > 1:
        line += " " + lines[1]
    for prefix in ("pt2onnx: error ", "pt2onnx: "):
        line = line.replace(prefix, "")
    return line[:160]


def survey(entry, opsets, args, rows):
    work = pathlib.Path(args.work) / entry.name.replace(" ", "_").replace("(", "").replace(")", "")
    work.mkdir(parents=True, exist_ok=True)
    pt = work / f"{entry.mode}.pt"
    module = entry.make()
    save(entry, module, pt)
    try:
        expected = libtorch(entry, pt)
    except Exception as e:  # a scripted model LibTorch itself cannot run at these sizes
        expected = None
        print(f"  LibTorch: {e}", file=sys.stderr)
    for opset in opsets:
        row = {"model": entry.name, "mode": entry.mode, "opset": opset}
        out = work / f"{entry.mode}_{opset}_pt2onnx.onnx"
        start = time.time()
        proc = subprocess.run([args.pt2onnx, str(pt), "-o", str(out), "--opset", str(opset),
                               *pt2onnx_args(entry)], capture_output=True, text=True)
        row["pt2onnx_time"] = time.time() - start
        row["pt2onnx"] = "ok" if proc.returncode == 0 else first_line(proc.stderr)
        if proc.returncode == 0 and expected is not None:
            got = run_ort([(out, dict(zip(entry.names, x))) for x in entry.inputs], work)
            row["pt2onnx_error"] = difference(entry, module, expected, got)
        out = work / f"{entry.mode}_{opset}_torch.onnx"
        start = time.time()
        try:
            torch_onnx(entry, module, out, opset)
            row["torch"] = "ok"
        except Exception as e:  # every way torch.onnx fails is a result here
            row["torch"] = f"{type(e).__name__}: {first_line(str(e))}"
        row["torch_time"] = time.time() - start
        if row["torch"] == "ok" and expected is not None:
            got = run_ort([(out, dict(zip(entry.names, x))) for x in entry.inputs], work)
            row["torch_error"] = difference(entry, module, expected, got)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    for f in work.glob("*.onnx*"):
        f.unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--work", default="/tmp/pt2onnx-survey")
    ap.add_argument("--opsets", default="11,13,17")
    ap.add_argument("--only", help="only the models whose name contains this")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()
    args.pt2onnx = str(pathlib.Path(args.build) / "pt2onnx")
    opsets = [int(o) for o in args.opsets.split(",")]
    rows = []
    for entry in detection_entries() + quantized_entries() + speech_entries():
        if args.only and args.only not in entry.name:
            continue
        print(f"== {entry.name} ({entry.mode})", file=sys.stderr, flush=True)
        try:
            survey(entry, opsets, args, rows)
        except Exception:
            traceback.print_exc()
            rows.append({"model": entry.name, "mode": entry.mode, "opset": "-",
                         "pt2onnx": "survey failed to build or save the model"})
        finally:
            torch.backends.quantized.engine = "qnnpack"
        if args.json:
            pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))
    print("| model | mode | opset | pt2onnx | max difference | time | torch.onnx | max difference | time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        def t(key):
            return f"{r[key]:.1f} s" if key in r else ""
        print(f"| {r['model']} | {r['mode']} | {r['opset']} | {r.get('pt2onnx', '')} | "
              f"{r.get('pt2onnx_error', '')} | {t('pt2onnx_time')} | {r.get('torch', '')} | "
              f"{r.get('torch_error', '')} | {t('torch_time')} |")


if __name__ == "__main__":
    main()
