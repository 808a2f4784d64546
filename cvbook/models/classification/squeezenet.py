"""SqueezeNet: Fire modules (1x1 squeeze, then 1x1 and 3x3 expand, concatenated)."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from cvbook.models.registry import register

__all__ = ["Fire", "SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


class Fire(nn.Module):
    """``cat[relu(e1x1(s)), relu(e3x3(s))]`` with ``s = relu(squeeze1x1(x))``.

    ``(B, in_channels, H, W) -> (B, e1 + e3, H, W)``. The squeeze layer cuts the input channels of the 3x3
    convs (strategy 2 of the paper), half of the expand filters are 1x1 (strategy 1).

    Reference: Iandola et al., "SqueezeNet", arXiv:1602.07360, Fig. 1 (notes 002 l.41-48).
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, in_channels: int, squeeze: int, e1: int, e3: int) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(in_channels, squeeze, 1)
        self.expand1x1 = nn.Conv2d(squeeze, e1, 1)
        self.expand3x3 = nn.Conv2d(squeeze, e3, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        s = self.relu(self.squeeze(x))
        return torch.cat([self.relu(self.expand1x1(s)), self.relu(self.expand3x3(s))], 1)


class SqueezeNet(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``; no fully connected layer: a 1x1 conv to the classes,
    then global average pooling. Version "1_1" moves the pools earlier (2.4x less compute).

    Reference: Iandola et al., "SqueezeNet", arXiv:1602.07360, Table 1.
    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """

    def __init__(self, version: str = "1_0", num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)  # noqa: E731
        if version == "1_0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 96, 7, 2), nn.ReLU(inplace=True), pool(),
                Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128), pool(),
                Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
                Fire(384, 64, 256, 256), pool(), Fire(512, 64, 256, 256))
        elif version == "1_1":
            self.features = nn.Sequential(
                nn.Conv2d(3, 64, 3, 2), nn.ReLU(inplace=True), pool(),
                Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
                Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
                Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
                Fire(512, 64, 256, 256))
        else:
            raise ValueError(f"version must be '1_0' or '1_1', got {version!r}")
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Conv2d(512, num_classes, 1),
                                        nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1))

    def forward(self, x: Tensor) -> Tensor:
        return torch.flatten(self.classifier(self.features(x)), 1)


@register()
def squeezenet1_0(num_classes: int = 1000, **kw: Any) -> SqueezeNet:
    """SqueezeNet 1.0 (1.25M parameters)."""
    return SqueezeNet("1_0", num_classes, **kw)


@register()
def squeezenet1_1(num_classes: int = 1000, **kw: Any) -> SqueezeNet:
    """SqueezeNet 1.1 (1.24M parameters)."""
    return SqueezeNet("1_1", num_classes, **kw)
