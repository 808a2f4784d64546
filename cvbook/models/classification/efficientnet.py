"""EfficientNet: MBConv blocks (inverted residual + SE + SiLU) and compound scaling."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct, InvertedResidual, make_divisible

__all__ = ["EfficientNet", "compound_scaling", "EFFICIENTNET_PARAMS", "efficientnet_b0",
           "efficientnet_b1", "efficientnet_b2"]

# (expand ratio, kernel, stride, in, out, repeats): the B0 baseline found by search, Table 1
_B0 = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
       (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]

# (width, depth, resolution, dropout) used by the released B0-B7 models
EFFICIENTNET_PARAMS = {
    "b0": (1.0, 1.0, 224, 0.2), "b1": (1.0, 1.1, 240, 0.2), "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3), "b4": (1.4, 1.8, 380, 0.4), "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5), "b7": (2.0, 3.1, 600, 0.5),
}


def compound_scaling(phi: float, alpha: float = 1.2, beta: float = 1.1,
                     gamma: float = 1.15) -> tuple[float, float, float]:
    """Depth, width and resolution multipliers ``(alpha^phi, beta^phi, gamma^phi)``.

    The paper fixes ``alpha * beta^2 * gamma^2 ~= 2`` so that FLOPs grow by about ``2^phi``
    (FLOPs scale with depth, width squared and resolution squared). The released B1-B7 use
    rounded, hand-adjusted values (:data:`EFFICIENTNET_PARAMS`), not exactly these.

    Reference: Tan & Le, "EfficientNet", ICML 2019, eq. (3).
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """
    if phi < 0:
        raise ValueError(f"phi must be >= 0, got {phi}")
    return alpha**phi, beta**phi, gamma**phi


class EfficientNet(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``: stem 3x3/2 (32), 16 MBConv blocks at B0, 1x1 to 1280.

    Channels are ``make_divisible(c * width_mult, 8)``, repeats ``ceil(n * depth_mult)``. SE
    squeezes to a quarter of the block's *input* channels. Departure: no stochastic depth.

    Reference: Tan & Le, "EfficientNet: Rethinking Model Scaling for CNNs", ICML 2019.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, width_mult: float = 1.0, depth_mult: float = 1.0, num_classes: int = 1000,
                 dropout: float = 0.2) -> None:
        super().__init__()
        if width_mult <= 0 or depth_mult <= 0:
            raise ValueError(f"multipliers must be positive, got {width_mult}, {depth_mult}")
        c = make_divisible(32 * width_mult)
        layers: list[nn.Module] = [ConvBNAct(3, c, 3, 2, activation=nn.SiLU)]
        for t, k, s, _, out, n in _B0:
            out = make_divisible(out * width_mult)
            for i in range(int(math.ceil(n * depth_mult))):
                layers.append(InvertedResidual(c, out, s if i == 0 else 1, make_divisible(c * t), k,
                                               nn.SiLU, se_channels=max(1, c // 4),
                                               se_activation=nn.SiLU))
                c = out
        head = 4 * c
        layers.append(ConvBNAct(c, head, 1, activation=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(head, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(torch.flatten(x, 1))


def _effnet(key: str, num_classes: int, **kw: Any) -> EfficientNet:
    w, d, _, p = EFFICIENTNET_PARAMS[key]
    kw.setdefault("dropout", p)
    return EfficientNet(w, d, num_classes, **kw)


@register()
def efficientnet_b0(num_classes: int = 1000, **kw: Any) -> EfficientNet:
    """EfficientNet-B0 (5.3M parameters, 224x224)."""
    return _effnet("b0", num_classes, **kw)


@register()
def efficientnet_b1(num_classes: int = 1000, **kw: Any) -> EfficientNet:
    """EfficientNet-B1 (depth x1.1, 240x240)."""
    return _effnet("b1", num_classes, **kw)


@register()
def efficientnet_b2(num_classes: int = 1000, **kw: Any) -> EfficientNet:
    """EfficientNet-B2 (width x1.1, depth x1.2, 260x260)."""
    return _effnet("b2", num_classes, **kw)
