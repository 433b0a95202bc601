#!/usr/bin/python3
"""Writes tests/fixtures/torch26/: small TorchScript files saved by torch 2.6 (Debian 13's), with
reference inputs and outputs as .npy, for the test that converts models saved by a newer torch
than the one pt2onnx may be built against. Run it in the Debian 13 root:

    scripts/debian13.sh run -- /usr/bin/python3 scripts/gen_torch26_fixtures.py

manifest.json lists each fixture: its file, how it was saved, its input names and files, its
output files, and the torch that saved it; where inputs have axes that may vary (`dynamic`:
input -> {axis: name}), a `second` input set, larger along each of them, with the outputs the
saved module computes for it (the test converts with those axes dynamic and runs both sizes).
"""
import json
import pathlib
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "torch26"


class SdpaCausal(nn.Module):
    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)


class SdpaMasked(nn.Module):
    def forward(self, q, k, v, mask):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(16, 2, batch_first=True)

    def forward(self, x):
        # need_weights=False is the path torch 2.x sends through scaled_dot_product_attention.
        return self.mha(x, x, x, need_weights=False)[0]


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 4)

    def forward(self, image):
        x = F.max_pool2d(F.relu(self.bn(self.conv(image))), 2)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class GeluTanh(nn.Module):
    def forward(self, x):
        return F.gelu(x, approximate="tanh")


def randn(*shape):
    return torch.randn(*shape)


def cases():
    q, k, v = randn(1, 2, 5, 8), randn(1, 2, 5, 8), randn(1, 2, 5, 8)
    mask = torch.tril(torch.ones(5, 5, dtype=torch.bool))
    mask[4, 0] = False
    return [
        ("sdpa_causal", SdpaCausal(), {"q": q, "k": k, "v": v}),
        ("sdpa_masked", SdpaMasked(), {"q": q, "k": k, "v": v, "mask": mask}),
        ("mha", SelfAttention(), {"x": randn(2, 5, 16)}),
        ("transformer_encoder", Encoder(), {"x": randn(2, 5, 16)}),
        ("cnn", SmallCnn(), {"image": randn(1, 3, 16, 16)}),
        ("gelu_tanh", GeluTanh(), {"x": randn(3, 7)}),
    ]


# Per case, the axes of each input that may vary, and the second input set, larger along each of
# them. Made after every case's first set, from a generator of its own, so that adding them left
# the first sets (and the saved files) as they were.
def dynamic_axes():
    seq = {"0": "batch", "2": "seq"}
    return {
        "sdpa_causal": {"q": seq, "k": seq, "v": seq},
        "sdpa_masked": {"q": seq, "k": seq, "v": seq, "mask": {"0": "seq", "1": "seq"}},
        "mha": {"x": {"0": "batch", "1": "seq"}},
        "transformer_encoder": {"x": {"0": "batch", "1": "seq"}},
        "cnn": {"image": {"0": "batch", "2": "height", "3": "width"}},
        "gelu_tanh": {"x": {"0": "rows", "1": "cols"}},
    }


def second_inputs():
    g = torch.Generator().manual_seed(1)

    def rnd(*shape):
        return torch.randn(*shape, generator=g)

    mask = torch.tril(torch.ones(7, 7, dtype=torch.bool))
    mask[6, 1] = False
    return {
        "sdpa_causal": {"q": rnd(2, 2, 7, 8), "k": rnd(2, 2, 7, 8), "v": rnd(2, 2, 7, 8)},
        "sdpa_masked": {"q": rnd(2, 2, 7, 8), "k": rnd(2, 2, 7, 8), "v": rnd(2, 2, 7, 8),
                        "mask": mask},
        "mha": {"x": rnd(3, 7, 16)},
        "transformer_encoder": {"x": rnd(3, 7, 16)},
        "cnn": {"image": rnd(2, 3, 20, 24)},
        "gelu_tanh": {"x": rnd(4, 9)},
    }


def save_set(stem, inputs, outputs, entry):
    for input_name, value in inputs.items():
        np.save(OUT / f"{stem}.{input_name}.npy", value.numpy())
        entry["inputs"][input_name] = f"{stem}.{input_name}.npy"
    for i, value in enumerate(outputs):
        np.save(OUT / f"{stem}.out{i}.npy", value.numpy())
        entry["outputs"].append(f"{stem}.out{i}.npy")


def main():
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    manifest = {"torch": torch.__version__, "fixtures": []}
    saved = []
    for name, module, inputs in cases():
        module = module.eval()
        args = tuple(inputs.values())
        for mode in ("script", "trace"):
            with torch.no_grad():
                ts = torch.jit.script(module) if mode == "script" else torch.jit.trace(module, args)
                outputs = ts(*args)
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            stem = f"{name}_{mode}"
            torch.jit.save(ts, str(OUT / f"{stem}.pt"))
            entry = {"name": stem, "model": f"{stem}.pt", "mode": mode, "inputs": {}, "outputs": []}
            save_set(stem, inputs, outputs, entry)
            manifest["fixtures"].append(entry)
            saved.append((name, ts, entry))
    axes, seconds = dynamic_axes(), second_inputs()
    for name, ts, entry in saved:
        with torch.no_grad():
            outputs = ts(*seconds[name].values())
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        entry["dynamic"] = axes[name]
        entry["second"] = {"inputs": {}, "outputs": []}
        save_set(entry["name"] + ".second", seconds[name], outputs, entry["second"])
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{OUT}: {len(manifest['fixtures'])} fixtures, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    sys.exit(main())
