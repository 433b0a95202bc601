"""Shared helpers for pt2onnx's end-to-end tests.

A test builds a small torch module, saves it as TorchScript (scripted or traced), converts it with
the built `pt2onnx`, runs the ONNX file in ONNX Runtime (tests/tools/ort_run) and compares the
outputs with LibTorch's. Run through ctest, which sets PT2ONNX (the binary) and ORT_RUN (the
runner script); they default to build/pt2onnx and tests/tools/ort_run/ort_run.mjs.
"""
import functools
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import numpy as np
import onnx
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
PT2ONNX = os.environ.get("PT2ONNX", str(ROOT / "build" / "pt2onnx"))
ORT_RUN = os.environ.get("ORT_RUN", str(ROOT / "tests" / "tools" / "ort_run" / "ort_run.mjs"))

torch.manual_seed(0)


def save_torchscript(module, path, mode="script", example=None):
    """Saves `module` in eval mode as TorchScript; `example` (a tuple) is needed for tracing."""
    module = module.eval()
    with torch.no_grad():
        if mode == "script":
            ts = torch.jit.script(module)
        else:
            ts = torch.jit.trace(module, example, check_trace=False)
    torch.jit.save(ts, str(path))
    return str(path)


def torch_outputs(pt_path, inputs, tuple_input=False):
    """Outputs of the saved TorchScript file, as LibTorch computes them, flattened to arrays.

    With tuple_input, the inputs are passed as one tuple argument (the ONNX graph has them as
    separate inputs)."""
    module = torch.jit.load(str(pt_path)).eval()
    # Copies: a model may write into its inputs (x.add_(y)), which ONNX Runtime must see as given.
    args = [torch.from_numpy(np.array(x)) for x in inputs]
    with torch.no_grad():
        out = module(tuple(args)) if tuple_input else module(*args)
    flat = []

    def walk(v):
        if isinstance(v, torch.Tensor) and v.is_quantized:
            # As torch.onnx writes a quantized output (docs/quantization.md): its integers,
            # its scale as float32 and its zero point in the integers' type.
            ints = v.int_repr().numpy()
            flat.extend([ints, np.array(v.q_scale(), np.float32),
                         np.array(v.q_zero_point(), ints.dtype)])
        elif isinstance(v, torch.Tensor):
            flat.append(v.numpy())
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        else:
            flat.append(np.asarray(v))

    walk(out)
    return flat


@functools.lru_cache(maxsize=None)
def max_opset():
    """The highest opset the binary writes: its tables' limit, or its linked ONNX's when lower
    (ONNX 1.12, Debian 12's, stops at 17). Asked of the binary, which refuses the others."""
    best = 9
    for opset in range(10, 31):
        if subprocess.run([PT2ONNX, "--list-ops", "--opset", str(opset)],
                          capture_output=True).returncode != 0:
            break
        best = opset
    return best


def convert(pt_path, onnx_path, *args, check=True, env=None):
    """Runs pt2onnx; returns the CompletedProcess. With check, a non-zero exit fails the test.
    `env` adds variables to the environment."""
    proc = subprocess.run([PT2ONNX, str(pt_path), "-o", str(onnx_path), *map(str, args)],
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **env) if env else None)
    if check and proc.returncode != 0:
        raise AssertionError(f"pt2onnx failed ({proc.returncode}): {proc.stderr}")
    return proc


def run_ort(jobs, workdir):
    """Runs [(onnx_path, {name: array})] in one ONNX Runtime process.

    Returns, per job, a list of output arrays or an error string."""
    workdir = pathlib.Path(workdir)
    spec = []
    for i, (model, feeds) in enumerate(jobs):
        inputs = {}
        for name, value in feeds.items():
            f = workdir / f"job{i}_{name}.npy"
            np.save(f, np.asarray(value))
            inputs[name] = str(f)
        spec.append({"model": str(model), "inputs": inputs, "out_dir": str(workdir / f"job{i}_out")})
    jobs_file = workdir / "jobs.json"
    jobs_file.write_text(json.dumps(spec))
    proc = subprocess.run(["node", ORT_RUN, str(jobs_file)], capture_output=True, text=True,
                          timeout=600)
    lines = [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]
    if len(lines) != len(jobs):
        raise AssertionError(f"ort_run gave {len(lines)} results for {len(jobs)} jobs: {proc.stderr}")
    results = []
    for i, line in enumerate(lines):
        if "error" in line:
            results.append(line["error"])
        else:
            results.append([np.load(workdir / f"job{i}_out" / f"{k}.npy")
                            for k in range(len(line["outputs"]))])
    return results


def load_onnx(path):
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    return model


def op_types(model):
    """Every node's op_type, subgraphs included."""
    out = []

    def walk(graph):
        for node in graph.node:
            out.append(node.op_type)
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g)

    walk(model.graph)
    return out


class ConverterTest(unittest.TestCase):
    """A TestCase with a scratch directory and the compare-with-LibTorch assertion."""

    rtol = 1e-3
    atol = 1e-4

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="pt2onnx-test-")
        self.dir = pathlib.Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return self.dir / name

    def assert_close(self, actual, expected, rtol=None, atol=None, what="", int_atol=0):
        """Floats within rtol/atol; integers and bools exactly, or within int_atol where a caller
        states why (a requantization one step off)."""
        rtol = self.rtol if rtol is None else rtol
        atol = self.atol if atol is None else atol
        self.assertEqual(len(actual), len(expected), f"{what}: output count")
        for i, (a, e) in enumerate(zip(actual, expected)):
            self.assertEqual(tuple(a.shape), tuple(e.shape), f"{what}: output {i} shape")
            if e.dtype == np.bool_ or (np.issubdtype(e.dtype, np.integer) and not int_atol):
                np.testing.assert_array_equal(a.astype(e.dtype), e, err_msg=f"{what}: output {i}")
            elif np.issubdtype(e.dtype, np.integer):
                np.testing.assert_allclose(a.astype(np.int64), e.astype(np.int64), rtol=0,
                                           atol=int_atol, err_msg=f"{what}: output {i}")
            else:
                np.testing.assert_allclose(a.astype(np.float64), e.astype(np.float64), rtol=rtol,
                                           atol=atol, err_msg=f"{what}: output {i}")

    def check_cases(self, cases, reference_inputs=None, save=save_torchscript, tuple_input=None):
        """Each case (name, module, mode, flags, input sets, opsets) is saved as TorchScript
        (`save(module, path, mode, example)`), converted at each opset and run in ONNX Runtime on
        every input set (one batch for all), against LibTorch's outputs on
        `reference_inputs(name, input_sets)` (the same sets unless given); `tuple_input(name)`
        says the inputs are one tuple argument."""
        jobs, expected, labels = [], [], []
        for name, module, mode, flags, input_sets, opsets in cases:
            pt = self.path(f"{name}.pt")
            save(module, pt, mode, tuple(torch.from_numpy(x) for x in input_sets[0]))
            ref_sets = reference_inputs(name, input_sets) if reference_inputs else input_sets
            as_tuple = bool(tuple_input and tuple_input(name))
            refs = [torch_outputs(pt, inputs, tuple_input=as_tuple) for inputs in ref_sets]
            for opset in opsets:
                out = self.path(f"{name}_{opset}.onnx")
                with self.subTest(case=name, opset=opset, step="convert"):
                    convert(pt, out, "--opset", opset, *flags)
                    names = [i.name for i in load_onnx(out).graph.input]
                    for k, (inputs, ref) in enumerate(zip(input_sets, refs)):
                        jobs.append((out, dict(zip(names, inputs))))
                        expected.append(ref)
                        labels.append(f"{name} at opset {opset}, input set {k}")
        for label, ref, got in zip(labels, expected, run_ort(jobs, self.dir)):
            with self.subTest(case=label):
                self.assertIsInstance(got, list, got)
                self.assert_close(got, ref, what=label)

    def check_matches_torch(self, pt_path, onnx_path, input_names, input_sets, **tol):
        """Runs the ONNX file on each input set and compares with LibTorch's outputs."""
        jobs = [(onnx_path, dict(zip(input_names, inputs))) for inputs in input_sets]
        results = run_ort(jobs, self.dir)
        for inputs, got in zip(input_sets, results):
            shapes = [np.asarray(x).shape for x in inputs]
            self.assertIsInstance(got, list, f"ONNX Runtime refused inputs {shapes}: {got}")
            self.assert_close(got, torch_outputs(pt_path, inputs), what=f"inputs {shapes}", **tol)


def rand(*shape, dtype=np.float32):
    return np.random.RandomState(sum(shape) + len(shape)).randn(*shape).astype(dtype)
