"""GoogLeNet (Inception v1): parallel 1x1, 3x3, 5x5 and pool branches, concatenated."""
from __future__ import annotations

from typing import Any, Union

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct

__all__ = ["Inception", "InceptionAux", "GoogLeNet", "googlenet"]


def _conv(in_channels: int, out_channels: int, k: int = 1, stride: int = 1) -> ConvBNAct:
    # departure: BN (eps 1e-3) after every conv, as in torchvision; the 2014 paper had no BN
    return ConvBNAct(in_channels, out_channels, k, stride, bn_eps=1e-3)


class Inception(nn.Module):
    """``cat[1x1, 1x1->3x3, 1x1->5x5, maxpool->1x1]`` on channels: ``(B, C, H, W) -> (B, sum, H, W)``.

    The 1x1 "reduce" convs in front of the 3x3 and 5x5 keep the cost down (the 1x1 bottleneck).
    ``kernel_5x5=3`` reproduces torchvision's layout, which uses a 3x3 in the "5x5" branch (a
    known discrepancy kept for weight compatibility); ``kernel_5x5=5`` is the paper.

    Reference: Szegedy et al., "Going Deeper with Convolutions", CVPR 2015, Fig. 2(b).
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, in_channels: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool_proj: int,
                 kernel_5x5: int = 3) -> None:
        super().__init__()
        self.branch1 = _conv(in_channels, c1)
        self.branch2 = nn.Sequential(_conv(in_channels, c3r), _conv(c3r, c3, 3))
        self.branch3 = nn.Sequential(_conv(in_channels, c5r), _conv(c5r, c5, kernel_5x5))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), _conv(in_channels, pool_proj))
        self.out_channels = c1 + c3 + c5 + pool_proj

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    """Auxiliary classifier: 4x4 avg-pool, 1x1 conv (128), FC 1024, dropout 0.7, FC.

    Reference: Szegedy et al., CVPR 2015, Sec. 5.
    """

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.conv = _conv(in_channels, 128)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(0.7)

    def forward(self, x: Tensor) -> Tensor:
        x = torch.flatten(self.conv(self.pool(x)), 1)
        return self.fc2(self.dropout(torch.relu(self.fc1(x))))


# (c1, c3r, c3, c5r, c5, pool_proj) per Inception module, Table 1 of the paper
_CFG: list[Union[str, tuple[int, ...]]] = [
    (64, 96, 128, 16, 32, 32), (128, 128, 192, 32, 96, 64), "M",
    (192, 96, 208, 16, 48, 64), (160, 112, 224, 24, 64, 64), (128, 128, 256, 24, 64, 64),
    (112, 144, 288, 32, 64, 64), (256, 160, 320, 32, 128, 128), "M",
    (256, 160, 320, 32, 128, 128), (384, 192, 384, 48, 128, 128),
]


class GoogLeNet(nn.Module):
    """22-layer Inception network: ``(B, 3, H, W) -> (B, num_classes)`` (plus two auxiliary logits
    from inception 4a and 4d in training mode when ``aux_logits=True``).

    Reference: Szegedy et al., "Going Deeper with Convolutions", CVPR 2015, Table 1.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = False, kernel_5x5: int = 3,
                 dropout: float = 0.2) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            _conv(3, 64, 7, 2), nn.MaxPool2d(3, 2, ceil_mode=True),
            _conv(64, 64), _conv(64, 192, 3), nn.MaxPool2d(3, 2, ceil_mode=True),
        )
        c, blocks = 192, []
        for spec in _CFG:
            if spec == "M":
                blocks.append(nn.MaxPool2d(3 if len(blocks) < 3 else 2, 2, ceil_mode=True))
            else:
                blocks.append(Inception(c, *spec, kernel_5x5=kernel_5x5))
                c = blocks[-1].out_channels
        self.blocks = nn.Sequential(*blocks)
        self.aux = nn.ModuleList([InceptionAux(512, num_classes), InceptionAux(528, num_classes)]) \
            if aux_logits else None
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Union[Tensor, tuple[Tensor, Tensor, Tensor]]:
        x = self.stem(x)
        aux = []
        for i, block in enumerate(self.blocks):
            x = block(x)
            if self.aux is not None and self.training and i in (3, 6):  # after 4a and 4d
                aux.append(self.aux[len(aux)](x))
        out = self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))
        return (out, aux[0], aux[1]) if aux else out


@register()
def googlenet(num_classes: int = 1000, **kw: Any) -> GoogLeNet:
    """GoogLeNet / Inception v1 (torchvision layout, no auxiliary heads by default)."""
    return GoogLeNet(num_classes, **kw)
