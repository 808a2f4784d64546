"""MobileNet v3: searched inverted residuals with SE, h-swish, and a lighter head."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct, InvertedResidual, make_divisible

__all__ = ["MobileNetV3", "mobilenet_v3_large", "mobilenet_v3_small"]

# (kernel, expanded channels, output channels, SE, activation "RE"/"HS", stride), Tables 1-2
_LARGE = [(3, 16, 16, False, "RE", 1), (3, 64, 24, False, "RE", 2), (3, 72, 24, False, "RE", 1),
          (5, 72, 40, True, "RE", 2), (5, 120, 40, True, "RE", 1), (5, 120, 40, True, "RE", 1),
          (3, 240, 80, False, "HS", 2), (3, 200, 80, False, "HS", 1), (3, 184, 80, False, "HS", 1),
          (3, 184, 80, False, "HS", 1), (3, 480, 112, True, "HS", 1), (3, 672, 112, True, "HS", 1),
          (5, 672, 160, True, "HS", 2), (5, 960, 160, True, "HS", 1), (5, 960, 160, True, "HS", 1)]
_SMALL = [(3, 16, 16, True, "RE", 2), (3, 72, 24, False, "RE", 2), (3, 88, 24, False, "RE", 1),
          (5, 96, 40, True, "HS", 2), (5, 240, 40, True, "HS", 1), (5, 240, 40, True, "HS", 1),
          (5, 120, 48, True, "HS", 1), (5, 144, 48, True, "HS", 1), (5, 288, 96, True, "HS", 2),
          (5, 576, 96, True, "HS", 1), (5, 576, 96, True, "HS", 1)]


class MobileNetV3(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``. Differences from v2: SE in some blocks (squeeze to
    expanded/4, hard-sigmoid gate), h-swish in the deeper half, 5x5 depthwise kernels, a 16-channel
    stem, and a head that pools *before* the last 1x1 (as a fully connected layer).

    Departure: BN eps 1e-3 / momentum 0.01 as in torchvision (TF defaults); no effect on counts.

    Reference: Howard et al., "Searching for MobileNetV3", ICCV 2019.
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """

    def __init__(self, config: str = "large", num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        if config not in ("large", "small"):
            raise ValueError(f"config must be 'large' or 'small', got {config!r}")
        cfg, last = (_LARGE, 1280) if config == "large" else (_SMALL, 1024)
        acts = {"RE": nn.ReLU, "HS": nn.Hardswish}
        layers: list[nn.Module] = [ConvBNAct(3, 16, 3, 2, activation=nn.Hardswish, bn_eps=1e-3,
                                             bn_momentum=0.01)]
        c = 16
        for k, exp, out, se, act, s in cfg:
            layers.append(InvertedResidual(c, out, s, exp, k, acts[act],
                                           se_channels=make_divisible(exp // 4) if se else None,
                                           se_gate=nn.Hardsigmoid, bn_eps=1e-3))
            c = out
        layers.append(ConvBNAct(c, 6 * c, 1, activation=nn.Hardswish, bn_eps=1e-3, bn_momentum=0.01))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(6 * c, last), nn.Hardswish(), nn.Dropout(dropout),
                                        nn.Linear(last, num_classes))
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.01

    def forward(self, x: Tensor) -> Tensor:
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


@register()
def mobilenet_v3_large(num_classes: int = 1000, **kw: Any) -> MobileNetV3:
    """MobileNet v3-Large 1.0 (5.5M parameters)."""
    return MobileNetV3("large", num_classes, **kw)


@register()
def mobilenet_v3_small(num_classes: int = 1000, **kw: Any) -> MobileNetV3:
    """MobileNet v3-Small 1.0 (2.5M parameters)."""
    return MobileNetV3("small", num_classes, **kw)
