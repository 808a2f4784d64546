"""ShuffleNet v2: channel split, a balanced single branch, concat and shuffle."""
from __future__ import annotations

from typing import Any, Sequence

import torch
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct, channel_shuffle

__all__ = ["ShuffleV2Unit", "ShuffleNetV2", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
           "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


class ShuffleV2Unit(nn.Module):
    """ShuffleNet v2 unit, ``(B, in_channels, H, W) -> (B, out_channels, H/stride, W/stride)``.

    stride 1: split channels in halves; one half passes untouched (G3: no fragmentation, and
    feature reuse), the other goes 1x1 -> 3x3 dw -> 1x1 with equal widths (G1); concat instead of
    add (G4); then shuffle. stride 2: no split, both branches see the input, output width doubles.

    Reference: Ma et al., "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture
    Design", ECCV 2018, Fig. 3(c, d).
    Taught in: notebooks/04_architectures/04_flops_not_speed.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        if stride not in (1, 2) or out_channels % 2 or (stride == 1 and in_channels != out_channels):
            raise ValueError(f"need stride 1 (in_channels == out_channels) or 2 and even out_channels; got {in_channels}, {out_channels}, {stride}")
        self.stride = stride
        bf = out_channels // 2
        self.branch1 = nn.Sequential(ConvBNAct(in_channels, in_channels, 3, stride, groups=in_channels, activation=None),
                                     ConvBNAct(in_channels, bf, 1)) if stride == 2 else nn.Identity()
        self.branch2 = nn.Sequential(
            ConvBNAct(in_channels if stride == 2 else bf, bf, 1),
            ConvBNAct(bf, bf, 3, stride, groups=bf, activation=None),  # no ReLU after depthwise
            ConvBNAct(bf, bf, 1),
        )

    def forward(self, x: Tensor) -> Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), 1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), 1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``: conv 3x3/2 (24), max-pool, stages of 4/8/4 units, 1x1 conv.

    Reference: Ma et al., ECCV 2018, Table 5.
    Taught in: notebooks/04_architectures/04_flops_not_speed.ipynb
    """

    def __init__(self, stage_channels: Sequence[int], repeats: Sequence[int] = (4, 8, 4),
                 num_classes: int = 1000) -> None:
        super().__init__()
        if len(stage_channels) != 5:
            raise ValueError(f"stage_channels needs 5 entries (stem, 3 stages, last conv), got {stage_channels}")
        c = stage_channels[0]
        self.stem = nn.Sequential(ConvBNAct(3, c, 3, 2), nn.MaxPool2d(3, 2, 1))
        stages = []
        for n, out in zip(repeats, stage_channels[1:4]):
            stages.append(nn.Sequential(ShuffleV2Unit(c, out, 2),
                                        *[ShuffleV2Unit(out, out, 1) for _ in range(n - 1)]))
            c = out
        self.stages = nn.Sequential(*stages)
        self.conv5 = ConvBNAct(c, stage_channels[4], 1)
        self.fc = nn.Linear(stage_channels[4], num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv5(self.stages(self.stem(x)))
        return self.fc(x.mean((2, 3)))


_WIDTHS = {"x0_5": (24, 48, 96, 192, 1024), "x1_0": (24, 116, 232, 464, 1024),
           "x1_5": (24, 176, 352, 704, 1024), "x2_0": (24, 244, 488, 976, 2048)}


@register()
def shufflenet_v2_x0_5(num_classes: int = 1000, **kw: Any) -> ShuffleNetV2:
    """ShuffleNet v2 0.5x (41 MFLOPs in the paper)."""
    return ShuffleNetV2(_WIDTHS["x0_5"], num_classes=num_classes, **kw)


@register()
def shufflenet_v2_x1_0(num_classes: int = 1000, **kw: Any) -> ShuffleNetV2:
    """ShuffleNet v2 1x (146 MFLOPs in the paper)."""
    return ShuffleNetV2(_WIDTHS["x1_0"], num_classes=num_classes, **kw)


@register()
def shufflenet_v2_x1_5(num_classes: int = 1000, **kw: Any) -> ShuffleNetV2:
    """ShuffleNet v2 1.5x."""
    return ShuffleNetV2(_WIDTHS["x1_5"], num_classes=num_classes, **kw)


@register()
def shufflenet_v2_x2_0(num_classes: int = 1000, **kw: Any) -> ShuffleNetV2:
    """ShuffleNet v2 2x."""
    return ShuffleNetV2(_WIDTHS["x2_0"], num_classes=num_classes, **kw)
