"""Selective Kernel convolution: branches with different receptive fields, mixed by attention."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from cvbook.nn.blocks import ConvBNAct

__all__ = ["SKConv"]


class SKConv(nn.Module):
    """Split / Fuse / Select. ``(B, C, H, W) -> (B, C, H/stride, W/stride)``.

    Split: M grouped 3x3 branches with dilation 1..M (a dilated 3x3 stands in for 5x5, as in the
    paper). Fuse: ``s = GAP(sum_m U_m)``, ``z = ReLU(BN(fc(s)))`` with ``d = max(C/r, L)``.
    Select: one fc per branch, softmax *across branches* per channel, ``V = sum_m a_m * U_m``.
    After a forward pass ``self.last_attention`` is ``(B, M, C)``.

    Reference: Li et al., "Selective Kernel Networks", CVPR 2019, Fig. 1.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, channels: int, branches: int = 2, groups: int = 32, reduction: int = 16,
                 min_dim: int = 32, stride: int = 1) -> None:
        super().__init__()
        if branches < 1 or channels % groups:
            raise ValueError(f"need branches >= 1 and groups | channels; got {branches}, {groups}, {channels}")
        self.convs = nn.ModuleList([ConvBNAct(channels, channels, 3, stride, groups=groups, dilation=m + 1)
                                    for m in range(branches)])
        d = max(channels // reduction, min_dim)
        self.fc = nn.Sequential(nn.Conv2d(channels, d, 1, bias=False), nn.BatchNorm2d(d), nn.ReLU(inplace=True))
        self.select = nn.Conv2d(d, channels * branches, 1)
        self.branches = branches
        self.last_attention: Tensor | None = None

    def forward(self, x: Tensor) -> Tensor:
        u = torch.stack([conv(x) for conv in self.convs], 1)  # (B, M, C, H, W)
        z = self.fc(u.sum(1).mean((2, 3), keepdim=True))  # (B, d, 1, 1)
        b, m, c = u.shape[:3]
        a = self.select(z).view(b, m, c, 1, 1).softmax(dim=1)
        self.last_attention = a.detach().view(b, m, c)
        return (a * u).sum(1)
