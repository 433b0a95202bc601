"""Every registered symbolic is exercised by some e2e test.

The registered keys are `pt2onnx --list-ops`. The exercised ones are the node kinds of every case
of every e2e test module that defines a CASES table (op_cases.Case or the plain tuples of
test_ops.py), in the graph pt2onnx's preparation leaves (op_cases.graph_of), looked up the way
dispatch does: `kind.overload` first, then `kind`, and an in-place `aten::foo_` as `aten::foo`.
A test module without case tables may list the keys it exercises in a module-level
`COVERS = ["aten::gru_cell", ...]`; a Case may list keys its graph does not show in `covers=`.

The test fails listing every registered key nothing exercises, except those in ALLOWED below, each
with the reason it cannot be tested end to end; an ALLOWED key that is exercised or no longer
registered fails too, so the list stays current.
"""
import ast
import importlib
import pathlib
import re
import subprocess
import unittest

import torch

from harness import PT2ONNX
from op_cases import Case, as_case, graph_of, scratch_dir

HERE = pathlib.Path(__file__).resolve().parent

# key -> why no test can exercise it
ALLOWED = {
    "aten::detach": "dropped before dispatch (lib/passes/drop_no_op_nodes.cpp)",
    "aten::contiguous": "dropped before dispatch (lib/passes/drop_no_op_nodes.cpp)",
    "aten::lift_fresh": "dropped before dispatch (lib/passes/drop_no_op_nodes.cpp)",
    "aten::clip": "an alias the TorchScript compiler rewrites to aten::clamp (NormalizeOps), when "
                  "scripting, tracing and loading",
    "aten::concat": "an alias rewritten to aten::cat (NormalizeOps)",
    "aten::det": "an alias rewritten to aten::linalg_det (NormalizeOps)",
    "aten::ger": "an alias rewritten to aten::outer (NormalizeOps)",
    "aten::moveaxis": "an alias rewritten to aten::movedim (NormalizeOps)",
    "aten::lift": "not callable from TorchScript; the tracer records aten::lift_fresh",
    "aten::__interpolate": "no TorchScript 1.13 code path emits it (F.interpolate compiles to "
                           "upsample_* calls); only archives of older torch versions hold it",
    "aten::is_inference_mode_enabled": "not a TorchScript builtin in LibTorch 1.13 (scripting "
                                       "torch.is_inference_mode_enabled() fails)",
    "prim::TupleConstruct": "LowerAllTuples (pipeline) removes every tuple or fails first",
    "prim::TupleUnpack": "LowerAllTuples (pipeline) removes every tuple or fails first",
}


# (key, opset of its registration) -> why no test runs that lowering
ALLOWED_VERSIONS = {
    (k, 9): "training mode needs opset 12 and fails below; at inference drop_no_op_nodes removes it"
    for k in ("aten::dropout", "aten::feature_dropout", "aten::alpha_dropout",
              "aten::feature_alpha_dropout")
}


# The tables' highest opset (kMaxOpset), where the last registration of a key stays in effect.
MAX_OPSET = int(re.search(r"kMaxOpset = (\d+);",
                          (HERE.parents[1] / "lib" / "include" / "pt2onnx" / "options.h").read_text())
                .group(1))


def registrations():
    """{key: {opsets whose table registers it}} from symbolics/tables/opset*.cpp (literal keys)."""
    out = {}
    for path in (HERE.parents[1] / "symbolics" / "tables").glob("opset*.cpp"):
        opset = int(re.search(r"opset(\d+)", path.name).group(1))
        for key in re.findall(r't\.add\(\s*"([^"]+)"', path.read_text()):
            out.setdefault(key, set()).add(opset)
    return out


def untested_versions(runs, covered_everywhere):
    """Registrations (key, opset) in effect at no opset a case holding the key runs at."""
    gaps = []
    for key, opsets in sorted(registrations().items()):
        if key not in runs or key in covered_everywhere:
            continue
        for v in sorted(opsets):
            until = min([o for o in opsets if o > v], default=MAX_OPSET + 1) - 1
            if not any(v <= o <= until for o in runs[key]) and (key, v) not in ALLOWED_VERSIONS:
                gaps.append(f"{key} v{v} (in effect at {v}-{until}; cases run at "
                            f"{sorted(runs[key])})")
    return gaps


def registered_keys():
    out = subprocess.run([PT2ONNX, "--list-ops"], capture_output=True, text=True, check=True)
    return {line.split()[0] for line in out.stdout.splitlines() if line.strip()}


def node_keys(graph, registered):
    """The registry keys dispatch would look up for the graph's nodes, nested blocks included."""
    keys = set()

    def key_of(node):
        kind = node.kind()
        schema = node.schema() if hasattr(node, "schema") else "(no schema)"
        m = re.match(r"[\w:]+\.(\w+)\(", schema)
        overload = m.group(1) if m else ""
        candidates = [kind]
        if kind.endswith("_") and not kind.endswith("__"):
            candidates.append(kind[:-1])
        for k in candidates:
            if overload and f"{k}.{overload}" in registered:
                return f"{k}.{overload}"
            if k in registered:
                return k
        return None

    def walk(block):
        for node in block.nodes():
            key = key_of(node)
            if key:
                keys.add(key)
            for sub in node.blocks():
                walk(sub)

    walk(graph)
    return keys


def cases_of(module):
    """The module's CASES as op_cases.Case: Case objects, test_ops.py's (name, signature, body,
    inputs, lowest) tuples, and test_script_language.py's (name, module, mode, flags, input sets,
    opsets) tuples. Entries of other shapes are skipped: their module lists its ops in COVERS."""
    out = []
    for c in getattr(module, "CASES", []):
        if isinstance(c, Case) or (isinstance(c, tuple) and len(c) == 5 and isinstance(c[2], str)):
            out.append(as_case(c))
        elif isinstance(c, tuple) and len(c) >= 5 and isinstance(c[1], torch.nn.Module):
            name, nn_module, mode, _, input_sets = c[:5]
            opsets = c[5] if len(c) > 5 else None
            out.append(Case(name, "x", "", input_sets[0], 9, module=lambda m=nn_module: m,
                            trace=mode == "trace", opsets=opsets))
    return out


def test_modules():
    """Names of the e2e test modules that define CASES or COVERS at module level."""
    names = []
    for path in sorted(HERE.glob("test_*.py")):
        if path.stem == pathlib.Path(__file__).stem:
            continue
        tree = ast.parse(path.read_text())
        defined = {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                   for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                   if isinstance(t, ast.Name)}
        if defined & {"CASES", "COVERS"}:
            names.append(path.stem)
    return names


class SymbolicCoverageTest(unittest.TestCase):
    def test_every_symbolic_is_exercised(self):
        registered = registered_keys()
        exercised, failures, covers = set(), [], set()
        runs = {}  # key -> opsets cases holding it are exported at
        with scratch_dir() as tmp:
            for name in test_modules():
                module = importlib.import_module(name)
                covers |= set(getattr(module, "COVERS", []))
                for case in cases_of(module):
                    covers |= set(case.covers)
                    try:
                        for key in node_keys(graph_of(case, tmp), registered):
                            runs.setdefault(key, set()).update(case.opsets())
                    except Exception as e:  # noqa: BLE001 - report every broken case at once
                        failures.append(f"{name}.{case.name}: {type(e).__name__}: {e}")
        exercised = covers | set(runs)
        if failures:
            self.fail("cases that do not script:\n" + "\n".join(failures))
        missing = sorted(registered - exercised - set(ALLOWED))
        if missing:
            self.fail(f"{len(missing)} of {len(registered)} registered ops no test exercises:\n  "
                      + "\n  ".join(missing))
        stale = sorted(k for k in ALLOWED if k in exercised or k not in registered)
        self.assertEqual(stale, [], "ALLOWED entries that are exercised or no longer registered")
        gaps = untested_versions(runs, covers)
        if gaps:
            self.fail(f"{len(gaps)} lowerings are in effect at no opset their ops' cases run at "
                      "(add a case with that lowest opset, or `highest=`):\n  " + "\n  ".join(gaps))


if __name__ == "__main__":
    unittest.main()
