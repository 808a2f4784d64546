"""Channel shuffle: let information cross the groups of a grouped convolution."""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["channel_shuffle", "ChannelShuffle"]


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """Reshape ``(B, g*n, H, W) -> (B, g, n, H, W)``, transpose to ``(B, n, g, H, W)``, flatten back.

    Output channel ``i*g + j`` is input channel ``j*n + i``: each new group takes one channel from
    every old group ("reshape, transpose, flatten", notes 002 l.32).

    Reference: Zhang et al., "ShuffleNet", CVPR 2018.
    Taught in: notebooks/04_architectures/04_flops_not_speed.ipynb
    """
    if x.dim() != 4:
        raise ValueError(f"expected (B, C, H, W), got shape {tuple(x.shape)}")
    b, c, h, w = x.shape
    if groups <= 0 or c % groups:
        raise ValueError(f"groups={groups} must be positive and divide the {c} channels")
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


class ChannelShuffle(nn.Module):
    """Module form of :func:`channel_shuffle`. Input and output ``(B, C, H, W)``."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        return channel_shuffle(x, self.groups)
