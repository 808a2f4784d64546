"""VGG: stacks of 3x3 convolutions and 2x2 max-pools, then three fully connected layers."""
from __future__ import annotations

from typing import Sequence, Union

import torch
from torch import Tensor, nn

from cvbook.models.registry import register

__all__ = ["VGG", "VGG_CONFIGS", "make_vgg_features", "vgg11", "vgg13", "vgg16", "vgg19",
           "vgg11_bn", "vgg16_bn"]

# Table 1 of the paper: numbers are 3x3 conv widths, "M" is a 2x2 max-pool.
VGG_CONFIGS: dict[str, list[Union[int, str]]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],  # VGG-11
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],  # VGG-13
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}


def make_vgg_features(config: Sequence[Union[int, str]], batch_norm: bool = False,
                      in_channels: int = 3) -> nn.Sequential:
    """The convolutional part: ``(B, 3, H, W) -> (B, 512, H/32, W/32)`` for the standard configs.

    Reference: Simonyan & Zisserman, "Very Deep Convolutional Networks", ICLR 2015, Table 1.
    Taught in: notebooks/04_architectures/02_vgg.ipynb
    """
    layers: list[nn.Module] = []
    c = in_channels
    for v in config:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        elif isinstance(v, int) and v > 0:
            layers.append(nn.Conv2d(c, v, 3, padding=1))
            if batch_norm:  # departure: BN did not exist in 2014; torchvision's *_bn variants add it
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            c = v
        else:
            raise ValueError(f"VGG config entries must be positive ints or 'M', got {v!r}")
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """``features -> adaptive 7x7 pool -> 4096 -> 4096 -> num_classes``; ``(B, 3, H, W) -> (B, K)``.

    Departure: the adaptive pool (torchvision) lets inputs other than 224x224 reach the 7x7x512
    classifier input; the paper evaluates larger images "fully convolutionally" instead.

    Reference: Simonyan & Zisserman, "Very Deep Convolutional Networks", ICLR 2015.
    Taught in: notebooks/04_architectures/02_vgg.ipynb
    """

    def __init__(self, features: nn.Sequential, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(7)
        self.classifier = nn.Sequential(
            nn.Linear(512 * 49, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def _vgg(cfg: str, bn: bool, num_classes: int, **kw) -> VGG:
    return VGG(make_vgg_features(VGG_CONFIGS[cfg], bn), num_classes, **kw)


@register()
def vgg11(num_classes: int = 1000, **kw) -> VGG:
    """VGG-11 (config A): 8 conv + 3 FC weight layers."""
    return _vgg("A", False, num_classes, **kw)


@register()
def vgg13(num_classes: int = 1000, **kw) -> VGG:
    """VGG-13 (config B)."""
    return _vgg("B", False, num_classes, **kw)


@register()
def vgg16(num_classes: int = 1000, **kw) -> VGG:
    """VGG-16 (config D): 13 conv + 3 FC weight layers, 138M parameters."""
    return _vgg("D", False, num_classes, **kw)


@register()
def vgg19(num_classes: int = 1000, **kw) -> VGG:
    """VGG-19 (config E): 16 conv + 3 FC weight layers."""
    return _vgg("E", False, num_classes, **kw)


@register()
def vgg11_bn(num_classes: int = 1000, **kw) -> VGG:
    """VGG-11 with BatchNorm after every conv (not in the paper)."""
    return _vgg("A", True, num_classes, **kw)


@register()
def vgg16_bn(num_classes: int = 1000, **kw) -> VGG:
    """VGG-16 with BatchNorm after every conv (not in the paper)."""
    return _vgg("D", True, num_classes, **kw)
