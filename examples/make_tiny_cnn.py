#!/usr/bin/python3
"""Writes examples/tiny_cnn.pt, the model scripts/setup.sh converts (a small scripted CNN)."""
import pathlib

import torch
import torch.nn as nn


class TinyCNN(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(16, classes)

    def forward(self, image):
        return self.classifier(torch.flatten(self.features(image), 1))


if __name__ == "__main__":
    torch.manual_seed(0)
    out = pathlib.Path(__file__).with_name("tiny_cnn.pt")
    torch.jit.save(torch.jit.script(TinyCNN().eval()), str(out))
    print(f"wrote {out}")
