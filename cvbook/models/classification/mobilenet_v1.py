"""MobileNet v1: a 3x3 stem and 13 depthwise separable convolutions."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct
from cvbook.nn.conv.separable import DepthwiseSeparableConv2d

__all__ = ["MobileNetV1", "mobilenet_v1", "MOBILENET_V1_CFG"]

# (output channels, stride) of the 13 depthwise separable layers, Table 1 of the paper
MOBILENET_V1_CFG = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
    [(1024, 2), (1024, 1)]


class MobileNetV1(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``: 28 layers counting depthwise and pointwise separately.

    ``width_mult`` is the paper's alpha (channels scaled, not rounded to multiples of 8 here); the
    resolution multiplier rho is just the input size.

    Reference: Howard et al., "MobileNets: Efficient CNNs for Mobile Vision Applications",
    arXiv:1704.04861, Table 1.
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """

    def __init__(self, num_classes: int = 1000, width_mult: float = 1.0) -> None:
        super().__init__()
        if width_mult <= 0:
            raise ValueError(f"width_mult must be positive, got {width_mult}")
        c = max(1, int(32 * width_mult))
        layers: list[nn.Module] = [ConvBNAct(3, c, 3, 2)]
        for out, s in MOBILENET_V1_CFG:
            out = max(1, int(out * width_mult))
            layers.append(DepthwiseSeparableConv2d(c, out, 3, s, norm_layer=nn.BatchNorm2d, activation=nn.ReLU))
            c = out
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


@register()
def mobilenet_v1(num_classes: int = 1000, **kw: Any) -> MobileNetV1:
    """MobileNet v1 1.0 (4.2M parameters, 569M mult-adds at 224x224 in the paper)."""
    return MobileNetV1(num_classes, **kw)
