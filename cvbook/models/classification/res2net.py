"""Res2Net: hierarchical residual-like connections inside one bottleneck (multi-scale features)."""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.models.classification.resnet import ResNet

__all__ = ["Res2NetBottleneck", "res2net50_26w_4s"]


class Res2NetBottleneck(nn.Module):
    """1x1 -> split into ``scale`` groups x_1..x_s of width w -> 3x3 cascade -> concat -> 1x1, + shortcut.

    ``y_1 = x_1``, ``y_i = K_i(x_i + y_{i-1})`` for i >= 2 (``y_2 = K_2(x_2)``): each K_i sees a
    larger receptive field than the one before, so one block mixes scales (notes 002 l.281-285).
    In a block that changes the shape ("stage" block) the groups are not chained, and the first
    group is average-pooled instead of passed through, as in the authors' code.
    ``(B, in_channels, H, W) -> (B, 4*channels, H/stride, W/stride)``.

    Reference: Gao et al., "Res2Net: A New Multi-scale Backbone Architecture", TPAMI 2021, Fig. 2.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, base_width: int = 26, scale: int = 4,
                 **unused: Any) -> None:
        super().__init__()
        if scale < 2:
            raise ValueError(f"scale must be >= 2, got {scale}")
        w = int(channels * base_width / 64.0)
        self.w, self.scale = w, scale
        self.stage = stride != 1 or downsample is not None
        self.conv1 = nn.Conv2d(in_channels, w * scale, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w * scale)
        self.convs = nn.ModuleList([nn.Conv2d(w, w, 3, stride, 1, bias=False) for _ in range(scale - 1)])
        self.bns = nn.ModuleList([nn.BatchNorm2d(w) for _ in range(scale - 1)])
        self.pool = nn.AvgPool2d(3, stride, 1) if self.stage else None
        self.conv3 = nn.Conv2d(w * scale, channels * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(channels * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        xs = torch.split(self.relu(self.bn1(self.conv1(x))), self.w, 1)
        # departure in ordering only: the authors pass the *last* group through; we keep x_1
        # first, as in the paper's figure (the sets of operations are the same)
        ys = [xs[0] if self.pool is None else self.pool(xs[0])]
        prev: Tensor | None = None
        for i, (conv, bn) in enumerate(zip(self.convs, self.bns)):
            inp = xs[i + 1] if (prev is None or self.stage) else xs[i + 1] + prev
            prev = self.relu(bn(conv(inp)))
            ys.append(prev)
        out = self.bn3(self.conv3(torch.cat(ys, 1)))
        return self.relu(out + identity)


@register()
def res2net50_26w_4s(num_classes: int = 1000, **kw: Any) -> ResNet:
    """Res2Net-50 with width 26 and scale 4 (about 25.7M parameters, like ResNet-50's 25.6M)."""
    return ResNet(Res2NetBottleneck, [3, 4, 6, 3], num_classes, base_width=26, scale=4, **kw)
