"""Xception: Inception taken to the extreme, i.e. depthwise separable convolutions with residuals."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.conv.separable import DepthwiseSeparableConv2d


__all__ = ["XceptionBlock", "Xception", "xception"]


class XceptionBlock(nn.Module):
    """``[ReLU -> SepConv -> BN] x reps`` (+ 3x3/2 max-pool when ``stride == 2``) plus a shortcut.

    ``(B, in_channels, H, W) -> (B, out_channels, H/stride, W/stride)``; the shortcut is a 1x1/stride conv + BN
    when the shape changes, the identity otherwise. ``widths`` gives each SepConv's output.

    Reference: Chollet, "Xception", CVPR 2017, Fig. 5.
    """

    def __init__(self, in_channels: int, widths: list[int], stride: int = 1, first_relu: bool = True) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c = in_channels
        for i, w in enumerate(widths):
            if i > 0 or first_relu:
                layers.append(nn.ReLU(inplace=False))
            layers += [DepthwiseSeparableConv2d(c, w), nn.BatchNorm2d(w)]
            c = w
        if stride == 2:
            layers.append(nn.MaxPool2d(3, 2, 1))
        self.body = nn.Sequential(*layers)
        self.skip = None
        if stride != 1 or in_channels != c:
            self.skip = nn.Sequential(nn.Conv2d(in_channels, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x) + (x if self.skip is None else self.skip(x))


class Xception(nn.Module):
    """Entry flow (2 convs + 3 blocks), middle flow (8 blocks at 728), exit flow: ``(B, 3, 299, 299)
    -> (B, num_classes)``. Layout and padding follow the Keras reference implementation, whose
    trainable-parameter count is the paper's 22,855,952.

    Reference: Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.stem = nn.Sequential(  # 'valid' padding as in Keras: 299 -> 149 -> 147
            nn.Conv2d(3, 32, 3, 2, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
            nn.Conv2d(32, 64, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.entry = nn.Sequential(XceptionBlock(64, [128, 128], 2, first_relu=False),
                                   XceptionBlock(128, [256, 256], 2), XceptionBlock(256, [728, 728], 2))
        self.middle = nn.Sequential(*[XceptionBlock(728, [728] * 3) for _ in range(8)])
        self.exit = nn.Sequential(
            XceptionBlock(728, [728, 1024], 2),
            DepthwiseSeparableConv2d(1024, 1536), nn.BatchNorm2d(1536), nn.ReLU(inplace=True),
            DepthwiseSeparableConv2d(1536, 2048), nn.BatchNorm2d(2048), nn.ReLU(inplace=True))
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.exit(self.middle(self.entry(self.stem(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


@register()
def xception(num_classes: int = 1000, **kw: Any) -> Xception:
    """Xception (22.9M parameters, 299x299 inputs)."""
    return Xception(num_classes, **kw)
