"""Dicts: returned by `forward` (one graph output per entry, named after the keys) and built and
read inside the graph (resolved at conversion time: the keys must be known then, the values may
be run-time tensors). Each exported model runs in ONNX Runtime against LibTorch.
"""
import importlib.util
import pathlib
import unittest
from typing import Dict

import onnx
import torch
from torch import nn

from harness import ConverterTest, convert, load_onnx, rand, save_torchscript

KEY_TYPES = ("str", "int", "float")
DICT_OPS = ["aten::__getitem__.Dict_{k}", "aten::_set_item.{k}", "aten::pop.Dict_{k}",
            "aten::pop.Dict_default_{k}", "aten::Delete.Dict_{k}", "aten::clear.{k}",
            "aten::copy.Dict_{k}", "aten::len.Dict_{k}", "aten::__contains__.{k}"]
COVERS = ["prim::DictConstruct", "aten::get", "aten::setdefault", "aten::update", "aten::keys",
          "aten::values", "aten::dict"] + [op.format(k=k) for op in DICT_OPS for k in KEY_TYPES]


class ReturnsDict(nn.Module):
    def forward(self, x) -> Dict[str, torch.Tensor]:
        return {"logits": x * 2.0, "probs": torch.softmax(x, -1), "size": x.size(0) + x}


class SegmentationLike(nn.Module):
    """torchvision's _SimpleSegmentationModel: an OrderedDict filled with `result[k] = v`."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.aux = nn.Conv2d(3, 4, 1)
        self.return_layers = {"conv": "out", "aux": "aux"}

    def forward(self, x) -> Dict[str, torch.Tensor]:
        features: Dict[str, torch.Tensor] = {}
        features[self.return_layers["conv"]] = self.conv(x)
        if "aux" in self.return_layers:
            features[self.return_layers["aux"]] = self.aux(x)
        result: Dict[str, torch.Tensor] = {}
        result["out"] = torch.relu(features["out"])
        result["aux"] = features["aux"].sigmoid()
        return result


# Every dict op, on a dict with str keys and on one with int keys ({a}, {b}, {c} are keys).
DICT_BODY = """
def f(x, y):
    d: Dict[{t}, Tensor] = {{{a}: x, {b}: y}}
    d[{c}] = x * y
    d[{a}] = d[{a}] + 1.0
    n = len(d)
    e = d.copy()
    e[{b}] = e[{b}] * 10.0
    g = dict(e)
    keys = d.keys()
    vals = d.values()
    total = vals[0] + vals[1] + vals[2] + float(len(keys))
    has = {c} in d
    missing = {d} in d
    got = d.get({a})
    other = d.get({d}, y)
    p = g.pop({b})
    q = g.pop({d}, x)
    del g[{c}]
    s = g.setdefault({d}, y * 3.0)
    s2 = g.setdefault({a}, y)
    g.update(d)
    h = d.copy()
    h.clear()
    h[{d}] = x - y
    out = total + p + q + s + s2 + g[{c}] + h[{d}] + float(len(g)) + float(n)
    if has and not missing:
        out = out + 100.0
    if got is not None:
        out = out + got
    return out, other, d[{c}], g[{d}]
"""

KEYS = {"str": ("'a'", "'b'", "'c'", "'z'"), "int": ("1", "2", "3", "7"),
        "float": ("0.5", "1.5", "2.5", "9.5")}


def dict_module(key_type, directory):
    """DICT_BODY as the forward of a module, written to a file so that scripting can read it."""
    a, b, c, d = KEYS[key_type]
    body = DICT_BODY.format(t=key_type, a=a, b=b, c=c, d=d).replace("def f(x, y):",
                                                                 "def forward(self, x, y):")
    source = "from typing import Dict\nimport torch\nfrom torch import Tensor\n\n\n" \
        "class DictOps(torch.nn.Module):" + body.replace("\n", "\n    ") + "\n"
    path = pathlib.Path(directory) / f"dict_ops_{key_type}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(f"dict_ops_{key_type}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DictOps()


class ConstantDict(nn.Module):
    """A dict attribute known at conversion time, read with constant keys, and a dict of run-time
    numbers."""

    def __init__(self):
        super().__init__()
        self.scale: Dict[str, float] = {"x": 2.0, "y": -1.0}
        self.axes: Dict[str, int] = {"rows": 0, "cols": 1}
        self.table: Dict[str, torch.Tensor] = {"w": torch.randn(3), "b": torch.randn(3)}

    def forward(self, x):
        sizes: Dict[str, int] = {"rows": x.size(0), "cols": x.size(1)}
        y = x * self.scale["x"] + sizes["cols"] - x.sum(self.axes["cols"], keepdim=True) * \
            self.scale["y"] + sizes["rows"]
        # A constant dict of tensors read with a run-time default.
        return y, x[:, :3] * self.table["w"] + self.table.get("b", x[:, :3])


class MutatedUnderRuntimeIf(nn.Module):
    def forward(self, x):
        d: Dict[str, torch.Tensor] = {"a": x}
        if bool(x.sum() > 0):
            d["a"] = x * 2.0
        return d["a"]


class MutatedInRuntimeLoop(nn.Module):
    def forward(self, x, n: int):
        d: Dict[str, torch.Tensor] = {"a": x}
        for _ in range(n):
            d["a"] = d["a"] * 2.0
        return d["a"]


class DictOutputs(ConverterTest):
    def test_returned_dict_named_by_keys(self):
        pt = save_torchscript(ReturnsDict(), self.path("ret.pt"))
        inputs = [[rand(2, 5)], [rand(4, 5)]]
        for opset in (9, 13, 17):
            with self.subTest(opset=opset):
                onnx_path = self.path(f"ret_{opset}.onnx")
                convert(pt, onnx_path, "--opset", opset, "--shape", "x:2x5", "--dynamic",
                        "x:0=batch", "--dynamic", "probs:0=batch")
                model = load_onnx(onnx_path)
                self.assertEqual([o.name for o in model.graph.output], ["logits", "probs", "size"])
                probs = model.graph.output[1].type.tensor_type.shape.dim
                self.assertEqual(probs[0].dim_param, "batch")
                self.check_matches_torch(pt, onnx_path, ["x"], inputs)

    def test_output_names_override_keys(self):
        pt = save_torchscript(ReturnsDict(), self.path("ret.pt"))
        onnx_path = self.path("ret_named.onnx")
        convert(pt, onnx_path, "--shape", "x:2x5", "--output-names", "p,q,r")
        model = load_onnx(onnx_path)
        self.assertEqual([o.name for o in model.graph.output], ["p", "q", "r"])
        self.check_matches_torch(pt, onnx_path, ["x"], [[rand(2, 5)]])
        # A key that is also an input name falls back to the generic names.
        proc = convert(pt, self.path("ret_bad.onnx"), "--shape", "x:2x5", "--input-names",
                       "logits")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        names = [o.name for o in onnx.load(str(self.path("ret_bad.onnx"))).graph.output]
        self.assertEqual(names, ["output_0", "output_1", "output_2"])

    def test_segmentation_like_dict(self):
        pt = save_torchscript(SegmentationLike(), self.path("seg.pt"))
        for opset in (9, 17):
            with self.subTest(opset=opset):
                onnx_path = self.path(f"seg_{opset}.onnx")
                convert(pt, onnx_path, "--opset", opset, "--shape", "x:1x3x8x8")
                model = load_onnx(onnx_path)
                self.assertEqual([o.name for o in model.graph.output], ["out", "aux"])
                self.check_matches_torch(pt, onnx_path, ["x"], [[rand(1, 3, 8, 8)]])


class DictsInsideTheGraph(ConverterTest):
    def test_dict_ops(self):
        for key_type in KEY_TYPES:
            pt = save_torchscript(dict_module(key_type, self.dir), self.path(f"ops_{key_type}.pt"))
            for opset in (9, 17):
                with self.subTest(key_type=key_type, opset=opset):
                    onnx_path = self.path(f"ops_{key_type}_{opset}.onnx")
                    convert(pt, onnx_path, "--opset", opset, "--shape", "x:2x3", "--shape",
                            "y:2x3", "--dynamic", "x:0", "--dynamic", "y:0")
                    self.check_matches_torch(pt, onnx_path, ["x", "y"],
                                             [[rand(2, 3), rand(2, 3) + 1], [rand(4, 3), rand(4, 3)]])

    def test_known_dicts_and_numbers(self):
        pt = save_torchscript(ConstantDict(), self.path("const.pt"))
        onnx_path = self.path("const.onnx")
        convert(pt, onnx_path, "--shape", "x:2x3", "--dynamic", "x:0,1")
        self.check_matches_torch(pt, onnx_path, ["x"], [[rand(2, 3)], [rand(5, 4)]])

    def test_mutation_under_runtime_control_flow_is_refused(self):
        for module in (MutatedUnderRuntimeIf(), MutatedInRuntimeLoop()):
            name = type(module).__name__
            with self.subTest(name):
                pt = save_torchscript(module, self.path(f"{name}.pt"))
                proc = convert(pt, self.path(f"{name}.onnx"), "--shape", "x:3", check=False)
                self.assertEqual(proc.returncode, 4, proc.stderr)
                self.assertIn("aten::_set_item", proc.stderr)
                self.assertFalse(self.path(f"{name}.onnx").exists())


class TorchvisionSegmentation(ConverterTest):
    """fcn_resnet50 returns {"out": ..., "aux": ...} built by IntermediateLayerGetter and
    _SimpleSegmentationModel."""

    def test_fcn_resnet50(self):
        try:
            from torchvision.models.segmentation import fcn_resnet50
        except ImportError:
            self.skipTest("torchvision is not installed")
        torch.manual_seed(0)
        model = fcn_resnet50(weights=None, weights_backbone=None, num_classes=3, aux_loss=True)
        pt = save_torchscript(model, self.path("fcn.pt"))
        static = self.path("fcn_static.onnx")
        convert(pt, static, "--opset", 17, "--shape", "x:1x3x64x64")
        self.assertEqual([o.name for o in onnx.load(str(static), load_external_data=False)
                          .graph.output], ["out", "aux"])
        dynamic = self.path("fcn_dynamic.onnx")
        convert(pt, dynamic, "--opset", 11, "--shape", "x:1x3x64x64", "--dynamic",
                "x:0=batch,2=height,3=width", "--dynamic", "out:0=batch,2=height,3=width")
        x1 = rand(1, 3, 64, 64)
        x2 = rand(2, 3, 48, 80)
        self.check_matches_torch(pt, static, ["x"], [[x1]], rtol=1e-3, atol=1e-3)
        self.check_matches_torch(pt, dynamic, ["x"], [[x1], [x2]], rtol=1e-3, atol=1e-3)


if __name__ == "__main__":
    unittest.main()
