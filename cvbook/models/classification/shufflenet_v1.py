"""ShuffleNet v1: grouped 1x1 convolutions made to talk to each other by a channel shuffle."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks import ConvBNAct, channel_shuffle

__all__ = ["ShuffleV1Unit", "ShuffleNetV1", "shufflenet_v1_g3"]

# output channels of stages 2-4 for each group count g (Table 1 of the paper, 1x)
_STAGE_OUT = {1: (144, 288, 576), 2: (200, 400, 800), 3: (240, 480, 960), 4: (272, 544, 1088),
              8: (384, 768, 1536)}


class ShuffleV1Unit(nn.Module):
    """1x1 GConv -> BN-ReLU -> shuffle -> 3x3 DWConv/stride -> BN -> 1x1 GConv -> BN, + shortcut.

    ``(B, in_channels, H, W) -> (B, out_channels, H/stride, W/stride)``. stride 2: the shortcut is a 3x3/2 average
    pool and the outputs are *concatenated* (the branch makes ``out_channels - in_channels`` channels). Bottleneck
    width is ``out_channels/4``. ``first_group=False`` drops the groups on the first 1x1 (stage 2's first
    unit, whose 24 input channels are too few to split).

    Reference: Zhang et al., "ShuffleNet", CVPR 2018, Fig. 2(b, c).
    Taught in: notebooks/04_architectures/04_flops_not_speed.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, groups: int, first_group: bool = True) -> None:
        super().__init__()
        self.stride, self.groups = stride, groups
        branch_out = out_channels - in_channels if stride == 2 else out_channels
        mid = out_channels // 4
        g1 = groups if first_group else 1
        self.gconv1 = ConvBNAct(in_channels, mid, 1, groups=g1)
        self.dwconv = ConvBNAct(mid, mid, 3, stride, groups=mid, activation=None)
        self.gconv2 = ConvBNAct(mid, branch_out, 1, groups=groups, activation=None)
        self.shuffle_groups = g1

    def forward(self, x: Tensor) -> Tensor:
        out = channel_shuffle(self.gconv1(x), self.shuffle_groups) if self.shuffle_groups > 1 \
            else self.gconv1(x)
        out = self.gconv2(self.dwconv(out))
        if self.stride == 2:
            return F.relu(torch.cat((F.avg_pool2d(x, 3, 2, 1), out), 1))
        return F.relu(x + out)


class ShuffleNetV1(nn.Module):
    """``(B, 3, H, W) -> (B, num_classes)``: conv 3x3/2 (24), max-pool, stages of 4/8/4 units.

    Reference: Zhang et al., "ShuffleNet", CVPR 2018, Table 1.
    Taught in: notebooks/04_architectures/04_flops_not_speed.ipynb
    """

    def __init__(self, groups: int = 3, num_classes: int = 1000) -> None:
        super().__init__()
        if groups not in _STAGE_OUT:
            raise ValueError(f"groups must be one of {sorted(_STAGE_OUT)}, got {groups}")
        self.stem = nn.Sequential(ConvBNAct(3, 24, 3, 2), nn.MaxPool2d(3, 2, 1))
        c, stages = 24, []
        for i, (n, out) in enumerate(zip((4, 8, 4), _STAGE_OUT[groups])):
            units = [ShuffleV1Unit(c, out, 2, groups, first_group=i > 0)]
            units += [ShuffleV1Unit(out, out, 1, groups) for _ in range(n - 1)]
            stages.append(nn.Sequential(*units))
            c = out
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.stages(self.stem(x)).mean((2, 3)))


@register()
def shufflenet_v1_g3(num_classes: int = 1000, **kw: Any) -> ShuffleNetV1:
    """ShuffleNet v1 1x with g = 3 (140 MFLOPs in the paper)."""
    return ShuffleNetV1(3, num_classes, **kw)
