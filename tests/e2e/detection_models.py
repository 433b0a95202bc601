"""torchvision's detection models as the tests (and the measurements of issue 11) build them:
random weights, seeded, traced through a wrapper that takes one image [3, H, W] and returns the
detection dict's entries in key order.

Random weights alone make a useless detector: with BatchNorm's initial statistics the signal
fades to a constant and every box gets the same score, so which of the tied boxes are kept is
arbitrary. Two seeded steps make the scores differ: BatchNorm statistics measured on a few random
images, and the classifying layers redrawn wider.
"""
import torch
import torchvision  # noqa: F401 - registers torchvision's ops for tracing and LibTorch
from torchvision.models import detection

# Smaller images than the default 800 keep the ResNet-50 models fast enough for a test.
SMALL = dict(min_size=320, max_size=416)
MODELS = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": {},
    "ssdlite320_mobilenet_v3_large": {},
    "retinanet_resnet50_fpn": SMALL,
    "fcos_resnet50_fpn": SMALL,
    "maskrcnn_resnet50_fpn": SMALL,
    "keypointrcnn_resnet50_fpn": SMALL,
}
HEADS = ("cls_logits", "cls_score", "bbox_ctrness")


class FirstImage(torch.nn.Module):
    """model([x])[0] as a tuple, the dict's entries in key order (scores last)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        out = self.model([x])[0]
        return tuple(out[k] for k in sorted(out))


def calibrate(model):
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    model.eval()
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # a plain average over the calibration batches
        bn.train()
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for hw in [(240, 320), (320, 240)]:  # two images a batch: BatchNorm needs two values
            model([torch.rand(3, *hw, generator=g), torch.rand(3, *hw, generator=g)])
    return model.eval()


def spread_heads(model):
    g = torch.Generator().manual_seed(2)
    for name, mod in model.named_modules():
        if not isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
            continue
        ssd_classifier = ".classification_head.module_list." in name and getattr(mod, "groups", 1) == 1
        if name.split(".")[-1] in HEADS or ssd_classifier:
            fan_in = mod.weight[0].numel()
            with torch.no_grad():
                mod.weight.copy_(torch.randn(mod.weight.shape, generator=g) * (3.0 / fan_in**0.5))
                if mod.bias is not None:
                    mod.bias.copy_(torch.randn(mod.bias.shape, generator=g))
    return model


def build(name):
    torch.manual_seed(0)
    model = getattr(detection, name)(weights=None, weights_backbone=None, **MODELS[name])
    return FirstImage(spread_heads(calibrate(model))).eval()


def image(h, w, seed=1):
    return torch.rand(3, h, w, generator=torch.Generator().manual_seed(seed))


def trace(name, path, h=240, w=320):
    """Builds the model, traces it at one image size and saves it; returns the eager and the
    traced module."""
    model = build(name)
    with torch.no_grad():
        traced = torch.jit.trace(model, image(h, w), check_trace=False)
    traced.save(str(path))
    return model, traced
