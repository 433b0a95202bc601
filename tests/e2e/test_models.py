"""Real convolutional classifiers (torchvision, random weights), traced and scripted, at opsets
11, 13 and 17 with a dynamic batch axis, compared with LibTorch in ONNX Runtime."""
import os
import unittest

import numpy as np
import torch
import torchvision.models as tvm

from harness import ConverterTest, convert, load_onnx, rand, run_ort, save_torchscript, torch_outputs

# name -> (constructor, absolute tolerance). Deep nets with random weights (and BN statistics
# at their defaults) amplify float rounding: those get 1e-3 absolute.
MODELS = {
    "resnet18": (tvm.resnet18, 1e-4),
    "mobilenet_v2": (tvm.mobilenet_v2, 1e-4),
    "mobilenet_v3_small": (tvm.mobilenet_v3_small, 1e-4),
    "squeezenet1_0": (tvm.squeezenet1_0, 1e-4),
    "shufflenet_v2_x0_5": (tvm.shufflenet_v2_x0_5, 1e-4),
    "efficientnet_b0": (tvm.efficientnet_b0, 1e-4),
    "densenet121": (tvm.densenet121, 1e-3),
    "regnet_y_400mf": (tvm.regnet_y_400mf, 1e-4),
    "convnext_tiny": (tvm.convnext_tiny, 1e-3),
}
OPSETS = (11, 13, 17)
SIZE = 64


def selected():
    only = os.environ.get("PT2ONNX_MODELS")
    return {k: v for k, v in MODELS.items() if not only or k in only.split(",")}


class ModelsTest(ConverterTest):
    def test_classifiers(self):
        x1 = rand(1, 3, SIZE, SIZE)
        x2 = rand(2, 3, SIZE, SIZE)
        for name, (ctor, atol) in selected().items():
            torch.manual_seed(0)
            model = ctor(weights=None).eval()
            for mode in ("trace", "script"):
                pt = save_torchscript(model, self.path(f"{name}_{mode}.pt"), mode, (torch.from_numpy(x1),))
                expected = [torch_outputs(pt, [x]) for x in (x1, x2)]
                jobs = []
                for opset in OPSETS:
                    out = self.path(f"{name}_{mode}_{opset}.onnx")
                    with self.subTest(model=name, mode=mode, opset=opset, step="convert"):
                        convert(pt, out, "--opset", opset, "--shape", f"x:1x3x{SIZE}x{SIZE}",
                                "--dynamic", "x:0", "--dynamic", "output:0")
                        load_onnx(out)
                        jobs += [(out, {"x": x1}), (out, {"x": x2})]
                results = run_ort(jobs, self.dir) if jobs else []
                for (out, feeds), got in zip(jobs, results):
                    batch = feeds["x"].shape[0]
                    with self.subTest(model=name, mode=mode, onnx=out.name, batch=batch):
                        self.assertIsInstance(got, list, got)
                        self.assert_close(got, expected[0 if batch == 1 else 1], atol=atol,
                                          what=out.name)
                for p in self.dir.glob(f"{name}_{mode}*"):
                    p.unlink()


if __name__ == "__main__":
    unittest.main()
