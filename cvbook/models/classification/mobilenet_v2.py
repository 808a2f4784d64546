"""MobileNet v2: inverted residuals with linear bottlenecks."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct, InvertedResidual, make_divisible

__all__ = ["MobileNetV2", "mobilenet_v2", "MOBILENET_V2_CFG"]

# (expansion t, output channels c, repeats n, first stride s), Table 2 of the paper
MOBILENET_V2_CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                    (6, 160, 3, 2), (6, 320, 1, 1)]


class MobileNetV2(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``; stem 3x3/2 (32), 17 inverted residuals, 1x1 to 1280.

    Reference: Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", CVPR 2018.
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """

    def __init__(self, num_classes: int = 1000, width_mult: float = 1.0, dropout: float = 0.2) -> None:
        super().__init__()
        c = make_divisible(32 * width_mult)
        last = make_divisible(1280 * max(1.0, width_mult))  # the head is not thinned below 1280
        layers: list[nn.Module] = [ConvBNAct(3, c, 3, 2, activation=nn.ReLU6)]
        for t, ch, n, s in MOBILENET_V2_CFG:
            out = make_divisible(ch * width_mult)
            for i in range(n):
                layers.append(InvertedResidual(c, out, s if i == 0 else 1, int(round(c * t))))
                c = out
        layers.append(ConvBNAct(c, last, 1, activation=nn.ReLU6))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


@register()
def mobilenet_v2(num_classes: int = 1000, **kw: Any) -> MobileNetV2:
    """MobileNet v2 1.0 (3.5M parameters)."""
    return MobileNetV2(num_classes, **kw)
