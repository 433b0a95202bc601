"""The TorchScript language (issue 4): control flow, lists, tuples, scalars, optionals, recurrent
and attention layers, run in ONNX Runtime against LibTorch, each at two input sizes or loop counts.

Each case is a module, how to save it (script or trace), the converter flags (shapes and dynamic
axes) and two or more input sets; it is converted once per opset and every input set is compared
with LibTorch's outputs. The recurrent cells and dict outputs have their own files.
"""
import unittest
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torchvision

from harness import ConverterTest, convert, load_onnx, op_types, run_ort, save_torchscript

R = np.random.RandomState(4)


def f32(*shape):
    return R.randn(*shape).astype(np.float32)


def i64(value):
    return np.array(value, np.int64)


# ---- loops
class ForOverSize(nn.Module):
    def forward(self, x):
        acc = torch.zeros_like(x[0])
        for i in range(x.size(0)):
            acc = acc * 0.5 + x[i] * i
        return acc


class ForOverInt(nn.Module):
    def forward(self, x, n: int):
        y = x
        k = 0
        for _ in range(n):
            y = torch.tanh(y) + 1.0
            k += 2
        return y, k


class WhileDataDependent(nn.Module):
    def forward(self, x):
        steps = 0
        while bool(x.abs().sum() > 1.0) and steps < 100:
            x = x * 0.5
            steps += 1
        return x, steps


class NestedBreakContinue(nn.Module):
    def forward(self, x):
        total = torch.zeros_like(x[0, 0])
        for i in range(x.size(0)):
            for j in range(x.size(1)):
                if j == i:
                    continue
                if bool(x[i, j] > 1.5):
                    break
                total = total + x[i, j]
        return total


class GrowingCarry(nn.Module):
    def forward(self, x):
        y = x[:1]
        for i in range(1, x.size(0)):
            y = torch.cat([y, x[i:i + 1] * (i + 1)], 0)
        return y


class ScanOutputs(nn.Module):
    def forward(self, x):
        outs: List[torch.Tensor] = []
        h = torch.zeros_like(x[0])
        for i in range(x.size(0)):
            h = torch.tanh(h + x[i])
            outs.append(h)
        return torch.stack(outs, 0), torch.cat(outs, 0), len(outs)


class LoopOverContainers(nn.Module):
    def forward(self, x):
        parts = [x, x * 2.0, torch.relu(x)]
        acc = torch.zeros_like(x)
        for p in parts:
            acc = acc + p
        named: Dict[str, torch.Tensor] = {"a": x.sum(0), "b": x.amax(0)}
        for v in named.values():
            acc = acc * 0.5 + v
        for k in named.keys():
            acc = acc + named[k]
        return acc


# ---- branches
class BranchShapes(nn.Module):
    def forward(self, x):
        if x.size(0) > 2:
            y = x.sum(0, keepdim=True)
        else:
            y = torch.cat([x, x], 0)
        return y


class NestedIfInLoop(nn.Module):
    def forward(self, x):
        y = x
        for i in range(x.size(0)):
            if bool(x[i].sum() > 0):
                if i % 2 == 0:
                    y = y + 1.0
                else:
                    y = y * 2.0
            else:
                y = y - x[i]
        return y


class ConstantBranch(nn.Module):
    def __init__(self):
        super().__init__()
        self.use_relu = True

    def forward(self, x):
        if self.use_relu:
            return torch.relu(x)
        return torch.sigmoid(x)


# ---- lists, tuples, scalars, optionals
class ListsAndTuples(nn.Module):
    def forward(self, pair: Tuple[torch.Tensor, torch.Tensor]):
        a, b = pair
        parts = [a, b, a * b]
        first, second, third = parts
        return (first + second, [third, parts[-1] * 2.0]), len(parts)


class Scalars(nn.Module):
    def forward(self, x):
        n = x.size(0)
        m = x.size(1)
        scale = float(n) / float(m) + x.dim()
        peak = x.max().item()
        flag = n * m > 6
        y = x * scale + peak
        if flag:
            y = y + 1.0
        return y, torch.tensor(n * m), int(x.sum().item() > 0.0)


class Optionals(nn.Module):
    def __init__(self):
        super().__init__()
        self.bias: Optional[torch.Tensor] = None
        self.scale: Optional[float] = 2.0

    def forward(self, x, y: Optional[torch.Tensor] = None):
        out = x
        if y is not None:
            out = out + y
        if self.bias is not None:
            out = out + self.bias
        scale = self.scale
        if scale is not None:
            out = out * scale
        return out


class EnvironmentQueries(nn.Module):
    def forward(self, x):
        if x.is_cuda or torch.is_autocast_enabled():
            return x + 100.0
        if torch.jit.is_scripting() and 'cpu' in str(x.device):
            return x * 3.0
        return x


# ---- recurrent and attention layers
class Recurrent(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(12, 5)
        self.rnn = nn.RNN(5, 3, nonlinearity="relu")

    def forward(self, x, h0, c0):
        a, (h, c) = self.lstm(x, (h0, c0))
        b, hb = self.gru(a.transpose(0, 1))
        d, hd = self.rnn(b)
        return a, h, c, hb, d, hd


def seq_pair(batch, seq):
    return [f32(batch, seq, 4), f32(4, batch, 6), f32(4, batch, 6)]


class ListsAppendedInALoop(nn.Module):
    """Lists of numbers grown by append in a loop of a count the input's static shape fixes: the
    appends, not the empty list they start from, are the value (int, float and bool)."""

    def forward(self, x):
        ints = torch.tensor([2 for _ in range(x.size(0))], dtype=torch.int)
        floats = torch.tensor([1.1 for _ in range(x.size(0))], dtype=torch.float)
        bools = torch.tensor([True for _ in range(x.size(1))])
        return x + floats.unsqueeze(1), ints, bools


class ListIndexedAtRunTime(nn.Module):
    """Items of different shapes, an index from an input (negative too)."""

    def forward(self, x, y, z, ind: int):
        arr = [x, y, z]
        return arr[ind]


class LoopListIndexedAtRunTime(nn.Module):
    def forward(self, x, y):
        indices = torch.arange(x.size(0))
        res = []
        for i in range(x.size(0)):
            res.append(x[i])
        return res[torch.sum(indices[:y])] + x.size(0), x.size()[y - 3]


class ShapeSlicedAtRunTime(nn.Module):
    """The sliced shape's length, and so the rank of the ones, is known only at run time; the
    full sum is 0-d whatever it is."""

    def forward(self, x):
        return x.new_ones(x.shape[1 : x.size(2)]).sum() * x.sum()


class WriteInABranchLeftOut(nn.Module):
    """The rank decides at conversion time which branch runs; the write in the other one never
    happens, so it is not a write the conversion would drop."""

    def forward(self, x):
        out = x + 1
        if out.dim() > 2:
            if out.dim() > 3:
                out += 3
        return out


class IntRowsListedInAnIf(nn.Module):
    """An empty list that a loop fills with int32 rows (list(x)), inside an if of a run-time
    condition whose other branch leaves it unset: its ONNX sequence takes the rows' type, and the
    unset branch an empty sequence of it."""

    def forward(self, x):
        rows = x.to(torch.int32)
        if rows.size(1) < 5:
            if rows.size(0) == 1:
                rows = rows + 4
            else:
                listed = list(rows)
                listed.append(rows[0] * 2)
                return torch.stack(listed)
        return torch.cat([rows, rows])


# Optional[Tensor] values that an if or loop makes None or a tensor at run time (ONNX optional,
# opset 16). onnxruntime-node returns an optional output only when it holds a tensor, so the
# models that return one are run at sizes where it does; the others check for None themselves.
class IfNoneOutput(nn.Module):
    def forward(self, x) -> Optional[torch.Tensor]:
        y: Optional[torch.Tensor] = x
        if x.size(0) > 1:
            y = None
        return y


class IfNoneInput(nn.Module):
    def forward(self, x) -> Optional[torch.Tensor]:
        y: Optional[torch.Tensor] = None
        if x.size(0) > 1:
            y = x * 2
        return y


class IfNoneChecked(nn.Module):
    def forward(self, x):
        y: Optional[torch.Tensor] = None
        if x.size(0) > 1:
            y = x * 3
        if y is None:
            return x - 1
        return y + 1


class LoopNoneOutput(nn.Module):
    def forward(self, x) -> Optional[torch.Tensor]:
        y: Optional[torch.Tensor] = x
        for _ in range(x.size(0) - 3):
            y = None
        return y


class LoopNoneInput(nn.Module):
    def forward(self, x) -> Optional[torch.Tensor]:
        y: Optional[torch.Tensor] = None
        for _ in range(x.size(0)):
            y = x
        return y


class LoopNoneInputChecked(nn.Module):
    def forward(self, x):
        y: Optional[torch.Tensor] = None
        for _ in range(x.size(0)):
            y = x
        if y is None:
            return x - 1
        return y * 2


class LoopNoneChecked(nn.Module):
    def forward(self, x):
        y: Optional[torch.Tensor] = x
        for i in range(x.size(0)):
            if i == 2:
                y = None
            elif y is not None:
                y = y * 2
        if y is not None:
            return y
        return x - 5


def encoder(batch_first):
    return nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, batch_first=batch_first), 2)


DYN3 = ["--shape", "0:2x5x16", "--dynamic", "0:0=batch,1=seq"]

# (name, module, mode, flags, input sets, opsets)
CASES = [
    ("write_in_a_branch_left_out", WriteInABranchLeftOut(), "script",
     ["--shape", "x:1x2x3", "--dynamic", "x:0"], [[f32(1, 2, 3)], [f32(4, 2, 3)]], (11, 17)),
    ("write_in_a_branch_taken", WriteInABranchLeftOut(), "script",
     ["--shape", "x:1x2x3x2", "--dynamic", "x:0"], [[f32(1, 2, 3, 2)], [f32(3, 2, 3, 2)]], (11, 17)),
    ("shape_sliced_at_run_time", ShapeSlicedAtRunTime(), "script",
     ["--shape", "x:1x2x3x4", "--dynamic", "x:0,1,2,3"], [[f32(1, 2, 3, 4)], [f32(2, 5, 2, 3)]],
     (10, 11, 17)),
    ("list_indexed_at_run_time", ListIndexedAtRunTime(), "script",
     ["--shape", "x:3x4", "--shape", "y:1x4", "--shape", "z:2x4", "--dynamic", "x:0"],
     [[f32(3, 4), f32(1, 4), f32(2, 4), i64(1)], [f32(5, 4), f32(1, 4), f32(2, 4), i64(-3)]],
     (11, 17)),
    ("loop_list_indexed_at_run_time", LoopListIndexedAtRunTime(), "script",
     ["--shape", "x:6x4", "--shape", "y:scalar", "--dtype", "y:int64"],
     [[f32(6, 4), i64(2)], [f32(6, 4), i64(3)], [f32(6, 4), i64(1)]], (11, 13, 17)),
    ("lists_appended_in_a_loop", ListsAppendedInALoop(), "script", ["--shape", "x:10x5"],
     [[f32(10, 5)]], (11, 13, 17)),
    ("int_rows_listed_in_an_if", IntRowsListedInAnIf(), "script",
     ["--shape", "x:3x4", "--dynamic", "x:0,1"], [[f32(3, 4) * 9], [f32(6, 2) * 9]], (13, 17)),
    ("for_over_size", ForOverSize(), "script", ["--shape", "x:3x4", "--dynamic", "x:0=n"],
     [[f32(3, 4)], [f32(5, 4)]], (11, 13, 17)),
    ("for_over_size_traced", ForOverSize(), "trace", ["--shape", "0:3x4"], [[f32(3, 4)]], (9, 17)),
    ("for_over_int", ForOverInt(), "script", ["--shape", "x:2x3"], [[f32(2, 3), i64(2)], [f32(2, 3), i64(5)]],
     (11, 13, 17)),
    ("while_data_dependent", WhileDataDependent(), "script", ["--shape", "x:4", "--dynamic", "x:0"],
     [[f32(4) * 3], [f32(7) * 0.1]], (11, 13, 17)),
    ("nested_break_continue", NestedBreakContinue(), "script", ["--shape", "x:3x4", "--dynamic", "x:0,1"],
     [[f32(3, 4)], [f32(5, 2)]], (11, 13, 17)),
    ("growing_carry", GrowingCarry(), "script", ["--shape", "x:3x2", "--dynamic", "x:0"],
     [[f32(3, 2)], [f32(6, 2)]], (11, 13, 17)),
    ("scan_outputs", ScanOutputs(), "script", ["--shape", "x:3x2", "--dynamic", "x:0"],
     [[f32(3, 2)], [f32(5, 2)]], (13, 17)),
    ("loop_over_containers", LoopOverContainers(), "script", ["--shape", "x:3x2", "--dynamic", "x:0"],
     [[f32(3, 2)], [f32(6, 2)]], (9, 13, 17)),
    ("branch_shapes", BranchShapes(), "script", ["--shape", "x:3x2", "--dynamic", "x:0"],
     [[f32(3, 2)], [f32(2, 2)]], (11, 13, 17)),
    ("nested_if_in_loop", NestedIfInLoop(), "script", ["--shape", "x:4x3", "--dynamic", "x:0"],
     [[f32(4, 3)], [f32(7, 3)]], (11, 13, 17)),
    ("lists_and_tuple_input", ListsAndTuples(), "script",
     ["--shape", "pair.0:2x3", "--shape", "pair.1:2x3", "--dynamic", "pair.0:0", "--dynamic", "pair.1:0"],
     [[f32(2, 3), f32(2, 3)], [f32(5, 3), f32(5, 3)]], (9, 13, 17)),
    ("scalars", Scalars(), "script", ["--shape", "x:2x3", "--dynamic", "x:0,1"],
     [[f32(2, 3)], [f32(4, 5)]], (11, 13, 17)),
    ("optionals", Optionals(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(4, 3)]], (9, 17)),
    ("optional_given", Optionals(), "script", ["--shape", "x:2x3", "--shape", "y:2x3", "--dynamic", "x:0", "--dynamic", "y:0"],
     [[f32(2, 3), f32(2, 3)], [f32(4, 3), f32(4, 3)]], (9, 17)),
    ("if_none_output", IfNoneOutput(), "script", ["--shape", "x:1x3", "--dynamic", "x:0"],
     [[f32(1, 3)], [f32(0, 3)]], (16, 17)),
    ("if_none_input", IfNoneInput(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(4, 3)]], (16, 17)),
    ("if_none_checked", IfNoneChecked(), "script", ["--shape", "x:1x3", "--dynamic", "x:0"],
     [[f32(1, 3)], [f32(4, 3)]], (16, 17)),
    ("loop_none_output", LoopNoneOutput(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(3, 3)]], (16, 17)),
    ("loop_none_input", LoopNoneInput(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(1, 3)], [f32(3, 3)]], (16, 17)),
    ("loop_none_input_checked", LoopNoneInputChecked(), "script",
     ["--shape", "x:2x3", "--dynamic", "x:0"], [[f32(0, 3)], [f32(3, 3)]], (16, 17)),
    ("loop_none_checked", LoopNoneChecked(), "script", ["--shape", "x:2x3", "--dynamic", "x:0"],
     [[f32(2, 3)], [f32(5, 3)]], (16, 17)),
    ("environment_queries", EnvironmentQueries(), "script", ["--shape", "x:2", "--dynamic", "x:0"],
     [[f32(2)], [f32(5)]], (9, 17)),
    ("recurrent_scripted", Recurrent(), "script",
     ["--shape", "x:2x5x4", "--shape", "h0:4x2x6", "--shape", "c0:4x2x6",
      "--dynamic", "x:0=batch,1=seq", "--dynamic", "h0:1=batch", "--dynamic", "c0:1=batch"],
     [seq_pair(2, 5), seq_pair(3, 7)], (11, 13, 17)),
    ("recurrent_traced", Recurrent(), "trace",
     ["--shape", "0:2x5x4", "--shape", "1:4x2x6", "--shape", "2:4x2x6",
      "--dynamic", "0:0=batch,1=seq", "--dynamic", "1:1=batch", "--dynamic", "2:1=batch"],
     [seq_pair(2, 5), seq_pair(3, 7)], (11, 17)),
    ("mha_scripted", nn.MultiheadAttention(16, 4), "script",
     ["--shape", "query:5x2x16", "--shape", "key:6x2x16", "--shape", "value:6x2x16",
      "--dynamic", "query:0=L,1=B", "--dynamic", "key:0=S,1=B", "--dynamic", "value:0=S,1=B"],
     [[f32(5, 2, 16), f32(6, 2, 16), f32(6, 2, 16)], [f32(3, 4, 16), f32(7, 4, 16), f32(7, 4, 16)]], (11, 13, 17)),
    ("mha_traced_fast_path", nn.MultiheadAttention(16, 4, batch_first=True), "trace",
     ["--shape", "0:2x5x16", "--shape", "1:2x5x16", "--shape", "2:2x5x16",
      "--dynamic", "0:0=B,1=L", "--dynamic", "1:0=B,1=L", "--dynamic", "2:0=B,1=L"],
     [[f32(2, 5, 16)] * 3, [f32(3, 7, 16)] * 3], (11, 17)),
    ("encoder_scripted", encoder(False), "script", ["--shape", "src:5x2x16", "--dynamic", "src:0=seq,1=batch"],
     [[f32(5, 2, 16)], [f32(8, 3, 16)]], (11, 13, 17)),
    ("encoder_scripted_fast_path", encoder(True), "script", ["--shape", "src:2x5x16", "--dynamic", "src:0=batch,1=seq"],
     [[f32(2, 5, 16)], [f32(3, 8, 16)]], (11, 17)),
    ("encoder_traced_fast_path", encoder(True), "trace", DYN3,
     [[f32(2, 5, 16)], [f32(3, 8, 16)]], (11, 17)),
    ("decoder_scripted", nn.TransformerDecoder(nn.TransformerDecoderLayer(16, 4, 32), 2), "script",
     ["--shape", "tgt:5x2x16", "--shape", "memory:6x2x16", "--dynamic", "tgt:0=T,1=B", "--dynamic", "memory:0=S,1=B"],
     [[f32(5, 2, 16), f32(6, 2, 16)], [f32(3, 4, 16), f32(9, 4, 16)]], (11, 13, 17)),
]


def fast_path_inputs(case):
    """Traced modules need example inputs; the first input set serves."""
    return tuple(torch.from_numpy(x) for x in case[4][0])


class ScriptLanguageTest(ConverterTest):
    atol = 1e-3

    def run_cases(self, cases):
        def save(module, pt, mode, example):
            if mode == "trace" and "fast_path" in pt.name:
                # inference mode makes tracing record the fused fast path, as users' exports do
                with torch.inference_mode():
                    return save_torchscript(module, pt, "trace", example)
            return save_torchscript(module, pt, mode, example)

        self.check_cases(cases, save=save, tuple_input=lambda name: "tuple" in name)

    def test_cases(self):
        self.run_cases(CASES)

    def test_constant_branch_is_folded(self):
        pt = save_torchscript(ConstantBranch(), self.path("const.pt"))
        out = self.path("const.onnx")
        convert(pt, out, "--shape", "x:3")
        self.assertEqual(op_types(load_onnx(out)), ["Relu"])

    def test_loops_stay_loops(self):
        pt = save_torchscript(ForOverInt(), self.path("loop.pt"))
        out = self.path("loop.onnx")
        convert(pt, out, "--shape", "x:2x3")
        self.assertIn("Loop", op_types(load_onnx(out)))

    def test_torchvision_transformers(self):
        cases = []
        for name, model in [("vit", torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2,
                                                                        num_heads=4, hidden_dim=32, mlp_dim=64)),
                            ("swin", torchvision.models.swin_t())]:
            shape = "1x3x32x32" if name == "vit" else "1x3x64x64"
            size = [int(s) for s in shape.split("x")]
            inputs = [[f32(*size)], [f32(*([2] + size[1:]))]]
            cases.append((name, model, "script", ["--shape", f"x:{shape}", "--dynamic", "x:0"], inputs, (11, 17)))
        self.run_cases(cases)


class RefusalsTest(ConverterTest):
    def test_optional_set_to_none_at_run_time_needs_opset_16(self):
        for module in (IfNoneOutput(), IfNoneChecked(), LoopNoneOutput()):
            with self.subTest(module=type(module).__name__):
                pt = save_torchscript(module, self.path("optional.pt"))
                out = self.path("optional.onnx")
                proc = convert(pt, out, "--opset", 15, "--shape", "x:2x3", "--dynamic", "x:0",
                               check=False)
                self.assertEqual(proc.returncode, 4, proc.stderr)
                self.assertIn("[needs-opset]", proc.stderr)
                self.assertIn("--opset 16", proc.stderr)
                self.assertFalse(out.exists())

    def test_exception_on_data_path_is_dropped_with_a_warning(self):
        pt = save_torchscript(RaisesOnData(), self.path("raise.pt"))
        out = self.path("raise.onnx")
        proc = convert(pt, out, "--shape", "x:3", "--dynamic", "x:0")
        self.assertIn("dropped-run-time-check", proc.stderr)
        self.assertIn("too large", proc.stderr)
        self.assertIn("test_script_language.py", proc.stderr)
        # The exported path is the one that does not raise, at every size.
        self.check_matches_torch(pt, out, ["x"], [[f32(3)], [f32(7)]])

    def test_exception_on_data_path_is_refused_on_request(self):
        pt = save_torchscript(RaisesOnData(), self.path("raise.pt"))
        proc = convert(pt, self.path("raise.onnx"), "--shape", "x:3", "--fail-on-runtime-checks",
                       check=False)
        self.assertEqual(proc.returncode, 4)
        self.assertIn("raises an exception", proc.stderr)
        self.assertIn("test_script_language.py", proc.stderr)
        self.assertFalse(self.path("raise.onnx").exists())

    def test_exception_on_unreachable_path_is_removed(self):
        pt = save_torchscript(RaisesOnRank(), self.path("rank.pt"))
        out = self.path("rank.onnx")
        convert(pt, out, "--shape", "x:3x2", "--dynamic", "x:0")
        results = run_ort([(out, {"x": f32(3, 2)}), (out, {"x": f32(6, 2)})], self.dir)
        for res, n in zip(results, (3, 6)):
            self.assertIsInstance(res, list, res)
            self.assertEqual(res[0].shape, (n, 2))

    def test_string_branch_is_refused(self):
        pt = save_torchscript(StringState(), self.path("str.pt"))
        proc = convert(pt, self.path("str.onnx"), "--shape", "x:3", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("give a str value", proc.stderr)
        self.assertIn("test_script_language.py", proc.stderr)

    def test_list_of_tuples_is_refused_at_its_line(self):
        pt = save_torchscript(ListOfTuples(), self.path("pairs.pt"))
        proc = convert(pt, self.path("pairs.onnx"), "--shape", "x:6x2", check=False)
        self.assertEqual(proc.returncode, 4, proc.stderr)
        self.assertIn("[unsupported-construct]", proc.stderr)
        self.assertIn("List[Tuple[int, int]]", proc.stderr)
        self.assertIn("test_script_language.py", proc.stderr)
        self.assertIn("pairs.append((i, i + 2))", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertFalse(self.path("pairs.onnx").exists())


class ListOfTuples(nn.Module):
    def forward(self, x):
        pairs: List[Tuple[int, int]] = []
        for i in range(x.size(0) // 2):
            pairs.append((i, i + 2))
        out = x
        for a, b in pairs:
            out = out + x[a:b].sum()
        return out


class RaisesOnData(nn.Module):
    def forward(self, x):
        if bool(x.sum() > 100.0):
            raise ValueError("too large")
        return x + 1


class RaisesOnRank(nn.Module):
    def forward(self, x):
        if x.dim() != 2:
            raise ValueError(f"expected a matrix, got {x.shape}")
        return x * 2


class StringState(nn.Module):
    def forward(self, x):
        mode = "up" if bool(x.sum() > 0) else "down"
        if mode == "up":
            return x + 1
        return x - 1


if __name__ == "__main__":
    unittest.main()
