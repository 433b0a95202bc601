"""The case-table machinery of the op tests (test_ops.py, test_ops_*.py).

A case is a TorchScript function body over tensor inputs (scripted, so the graph holds the op as a
model's code would), or a small module where one is needed (nn.LSTM). It is exported at each opset
of {lowest, 11, 13, 17} (those at or above `lowest`), each export is run in ONNX Runtime and the
outputs are compared with LibTorch's. All exports of one test run in one ONNX Runtime process.

    Case("flip_roll", "x", "return torch.flip(x, [0]), torch.roll(x, 1, 1)", [F32(3, 4)], 10)

Options (keywords):
    module  -- a function returning an nn.Module to use instead of a scripted body
    trace   -- trace the module (with the inputs) instead of scripting it
    check   -- check(testcase, got, expected, label) replaces the value comparison (random ops)
    rtol, atol -- tolerances (default 1e-3 / 1e-4)
    highest -- the highest opset to export at (default 17)
    opsets  -- the exact opsets to export at, instead of the above
    Opsets above what the binary writes (17 when linked with ONNX 1.12) are skipped, each saying so.
    covers  -- op keys the case exercises that do not appear in its graph (the coverage test reads
               it; e.g. an op only reached through another op's lowering)

test_symbolic_coverage.py imports every CASES table and checks that every registered op appears in
some case's prepared graph (graph_of below).
"""
import concurrent.futures
import importlib.util
import pathlib
import tempfile

import numpy as np
import torch

from harness import convert, load_onnx, max_opset, run_ort, torch_outputs

R = np.random.RandomState(0)


def F32(*s):
    return R.randn(*s).astype(np.float32)


def F64(*s):
    return R.randn(*s).astype(np.float64)


def POS(*s):
    return (np.abs(R.randn(*s)) + 0.5).astype(np.float32)


def I64(*s, lo=-5, hi=6):
    return R.randint(lo, hi, size=s).astype(np.int64)


def I32(*s, lo=-5, hi=6):
    return R.randint(lo, hi, size=s).astype(np.int32)


def BOOL(*s):
    return R.rand(*s) > 0.5


def DISTINCT(*s):
    """Float32 values without ties (a permutation of spread-out values): sort/topk/argmax-safe."""
    n = int(np.prod(s))
    return (R.permutation(n).astype(np.float32) * 0.37 - n * 0.15).reshape(s)


DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64",
          np.dtype(np.float16): "float16", np.dtype(np.int64): "int64",
          np.dtype(np.int32): "int32", np.dtype(np.int8): "int8", np.dtype(np.int16): "int16",
          np.dtype(np.uint8): "uint8",
          np.dtype(np.bool_): "bool"}


class Case:
    def __init__(self, name, signature, body, inputs, lowest, *, module=None, trace=False,
                 check=None, rtol=None, atol=None, highest=17, covers=(), opsets=None):
        self.name, self.signature, self.body = name, signature, body
        self.inputs, self.lowest, self.highest = inputs, lowest, highest
        self.module, self.trace, self.check = module, trace, check
        self.tol = {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}
        self.covers = list(covers)
        self._opsets = opsets

    @property
    def args(self):
        return [a.strip() for a in self.signature.split(",")]

    def opsets(self):
        if self._opsets is not None:
            return sorted(self._opsets)
        return sorted(o for o in {self.lowest, 11, 13, 17, self.highest}
                      if self.lowest <= o <= self.highest)


def as_case(c):
    """test_ops.py keeps plain tuples (name, signature, body, inputs, lowest)."""
    return c if isinstance(c, Case) else Case(*c)


def make_module(case, directory):
    """The case's nn.Module: its `module` factory, or its body written out as a module file
    (TorchScript compiles from source) and imported."""
    if case.module is not None:
        return case.module()
    typed = ", ".join(f"{a}: torch.Tensor" for a in case.args)
    lines = case.body.split("\n")  # the first line unindented, later ones at 4 spaces
    src = ("import warnings\n\nimport torch\nfrom typing import List, Optional, Tuple\n\n\n"
           "class Case(torch.nn.Module):\n"
           f"    def forward(self, {typed}):\n        " + lines[0]
           + "".join("\n    " + line for line in lines[1:]) + "\n")
    path = pathlib.Path(directory) / f"case_{case.name}.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(f"case_{case.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Case()


def to_torchscript(case, directory):
    module = make_module(case, directory).eval()
    with torch.no_grad():
        if case.trace:
            # Copies: a model may write into its inputs (x.add_(y)), which must stay as given.
            example = tuple(torch.from_numpy(np.array(x)) for x in case.inputs)
            return torch.jit.trace(module, example, check_trace=False)
        return torch.jit.script(module)


def graph_of(case, directory):
    """The case's graph as pt2onnx's preparation leaves it (lib/passes/pipeline.cpp), as far as
    Python reaches LibTorch's passes: frozen, inlined, tuples lowered, constants propagated,
    mutation removed, inference no-ops (eval dropout, detach, contiguous) dropped."""
    ts = to_torchscript(case, directory)
    frozen = torch.jit.freeze(ts.eval())
    graph = frozen.graph
    torch._C._jit_pass_inline(graph)
    torch._C._jit_pass_lower_all_tuples(graph)
    torch._C._jit_pass_constant_propagation(graph)
    torch._C._jit_pass_constant_loop_unrolling(graph)
    torch._C._jit_pass_remove_mutation(graph)
    torch._C._jit_pass_constant_propagation(graph)
    drop_no_op_nodes(graph)
    torch._C._jit_pass_dce(graph)
    return graph


IDENTITIES = {"aten::detach", "aten::contiguous", "aten::alias", "aten::lift_fresh"}
DROPOUTS = {"aten::dropout", "aten::feature_dropout", "aten::alpha_dropout",
            "aten::feature_alpha_dropout"}


def drop_no_op_nodes(block):
    """As lib/passes/drop_no_op_nodes.cpp: identities at inference, and dropout with train=False."""
    doomed = []
    for node in block.nodes():
        for sub in node.blocks():
            drop_no_op_nodes(sub)
        kind, inputs = node.kind(), list(node.inputs())
        eval_dropout = (kind in DROPOUTS and len(inputs) == 3
                        and inputs[2].node().kind() == "prim::Constant"
                        and inputs[2].toIValue() is False)
        if len(list(node.outputs())) == 1 and (kind in IDENTITIES or eval_dropout):
            doomed.append(node)
    for node in doomed:
        node.output().replaceAllUsesWith(next(node.inputs()))
        node.destroy()


def run_cases(test, cases, workers=2):
    """Exports every case at each of its opsets, runs all exports in one ONNX Runtime process and
    compares with LibTorch. `test` is a harness.ConverterTest; each (case, opset) is a subTest.
    Conversions run `workers` at a time: each is mostly process start-up."""
    exports = []  # (case, reference outputs, pt path, onnx path, opset, converter arguments)
    for case in map(as_case, cases):
        with test.subTest(case=case.name, step="script"):
            pt = test.path(f"{case.name}.pt")
            torch.jit.save(to_torchscript(case, test.dir), str(pt))
            ref = torch_outputs(pt, case.inputs)
            shapes = [f"--shape={a}:" + ("x".join(map(str, np.shape(x))) or "scalar")
                      for a, x in zip(case.args, case.inputs)]
            dtypes = [f"--dtype={a}:{DTYPES[np.asarray(x).dtype]}"
                      for a, x in zip(case.args, case.inputs)]
            for opset in case.opsets():
                if opset > max_opset():
                    with test.subTest(case=case.name, opset=opset, step="convert"):
                        test.skipTest(f"this build writes opsets up to {max_opset()}")
                    continue
                out = test.path(f"{case.name}_{opset}.onnx")
                exports.append((case, ref, pt, out, opset, ["--opset", opset, *shapes, *dtypes]))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        procs = list(pool.map(lambda e: convert(e[2], e[3], *e[5], check=False), exports))
    jobs, meta = [], []
    for (case, ref, _, out, opset, _), proc in zip(exports, procs):
        with test.subTest(case=case.name, opset=opset, step="convert"):
            test.assertEqual(proc.returncode, 0, f"pt2onnx failed: {proc.stderr}")
            load_onnx(out)
            jobs.append((out, dict(zip(case.args, case.inputs))))
            meta.append((case, ref, f"{case.name} at opset {opset}"))
    for (case, ref, label), got in zip(meta, run_ort(jobs, test.dir)):
        with test.subTest(case=label):
            test.assertIsInstance(got, list, got)
            if case.check is not None:
                case.check(test, got, ref, label)
            else:
                test.assert_close(got, ref, what=label, **case.tol)


def scratch_dir():
    return tempfile.TemporaryDirectory(prefix="pt2onnx-cases-")
