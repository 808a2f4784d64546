"""Micro-benchmark networks for ShuffleNet V2's four guidelines (G1-G4): equal FLOPs, unequal speed.

Each builder returns a stack of ``n`` identical blocks whose FLOPs are (nearly) the same across
the settings being compared, so that any difference in measured time comes from memory access,
parallelism or element-wise work, which FLOPs do not count.

Reference: Ma et al., "ShuffleNet V2: Practical Guidelines for Efficient CNN Architecture Design",
ECCV 2018, Sec. 2 and Appendix Fig. 1.
Taught in: notebooks/04_architectures/04_flops_not_speed.ipynb
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn

__all__ = ["conv1x1_mac", "g1_stack", "g2_stack", "g2_width", "g3_stack", "g4_stack", "G1_RATIOS"]

# (c1, c2) pairs of the paper's Table 1: c1 * c2 ~ 128^2, so FLOPs stay (nearly) fixed
G1_RATIOS = {"1:1": (128, 128), "1:2": (90, 180), "1:6": (52, 312), "1:12": (36, 432)}


def conv1x1_mac(h: int, w: int, c1: int, c2: int) -> int:
    """Memory access cost of a 1x1 conv ``c1 -> c2`` on an ``h x w`` map: read the input
    (``h w c1``), write the output (``h w c2``), read the weights (``c1 c2``).

    For fixed FLOPs ``B = h w c1 c2`` it is minimal at ``c1 = c2`` (AM-GM: MAC >= 2 sqrt(hwB) + B/hw).
    """
    if min(h, w, c1, c2) <= 0:
        raise ValueError(f"sizes must be positive, got {h, w, c1, c2}")
    return h * w * (c1 + c2) + c1 * c2


class _Pair(nn.Module):
    """1x1 conv c1 -> c2 -> c1 (the G1 building block)."""

    def __init__(self, c1: int, c2: int) -> None:
        super().__init__()
        self.a, self.b = nn.Conv2d(c1, c2, 1, bias=False), nn.Conv2d(c2, c1, 1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.b(self.a(x))


def g1_stack(c1: int, c2: int, n: int = 10) -> nn.Sequential:
    """G1 (equal channel width minimises MAC): ``n`` blocks of 1x1 convs ``c1 -> c2 -> c1``.

    Input ``(B, c1, H, W)``, output the same. FLOPs ``4 n H W c1 c2`` depend on ``c1 c2`` only.
    """
    return nn.Sequential(*[_Pair(c1, c2) for _ in range(n)])


def g2_width(base: int, groups: int) -> int:
    """Channels that keep a grouped 1x1 conv's FLOPs ``H W c^2 / g`` near ``base^2``: ``c ~ base sqrt(g)``,
    rounded down to a multiple of ``groups`` (128 -> 180, 256, 360 for g = 2, 4, 8, as in Table 2)."""
    return int(base * math.sqrt(groups)) // groups * groups


def g2_stack(c: int, groups: int, n: int = 10) -> nn.Sequential:
    """G2 (group convolution increases MAC): ``n`` grouped 1x1 convs ``c -> c`` with ``groups`` groups."""
    if c % groups:
        raise ValueError(f"groups={groups} must divide c={c}")
    return nn.Sequential(*[nn.Conv2d(c, c, 1, groups=groups, bias=False) for _ in range(n)])


class _Fragmented(nn.Module):
    def __init__(self, c: int, fragments: int, parallel: bool) -> None:
        super().__init__()
        self.parallel = parallel
        if parallel:  # k branches c -> c/k, concatenated: total FLOPs of one c -> c conv
            if c % fragments:
                raise ValueError(f"fragments={fragments} must divide c={c}")
            self.convs = nn.ModuleList([nn.Conv2d(c, c // fragments, 1, bias=False) for _ in range(fragments)])
        else:  # k convs in series at width c / sqrt(k): k (c/sqrt k)^2 = c^2
            w = int(round(c / math.sqrt(fragments)))
            self.convs = nn.ModuleList([nn.Conv2d(c if i == 0 else w, w, 1, bias=False) for i in range(fragments)])
            self.out = nn.Conv2d(w, c, 1, bias=False) if w != c else None

    def forward(self, x: Tensor) -> Tensor:
        if self.parallel:
            return torch.cat([conv(x) for conv in self.convs], 1)
        for conv in self.convs:
            x = conv(x)
        return x


def g3_stack(c: int, fragments: int, parallel: bool, n: int = 10) -> nn.Sequential:
    """G3 (network fragmentation reduces parallelism): ``n`` blocks of ``fragments`` 1x1 convs in
    series (width ``c/sqrt(k)``) or in parallel (``k`` branches of ``c/k``, concatenated).

    Departure: in series, a block's output has ``c/sqrt(k)`` channels and the next block starts
    from there; a stack of blocks then keeps FLOPs ~ ``n H W c^2`` for every setting.
    """
    if fragments < 1:
        raise ValueError(f"fragments must be >= 1, got {fragments}")
    blocks, cin = [], c
    for _ in range(n):
        blk = _Fragmented(c, fragments, parallel)
        if not parallel:
            w = blk.convs[0].out_channels
            blk.convs[0] = nn.Conv2d(cin, w, 1, bias=False)
            cin = w
        blocks.append(blk)
    return nn.Sequential(*blocks)


class _Bottleneck(nn.Module):
    """ResNet bottleneck 1x1 -> 3x3 -> 1x1 (c -> c/4 -> c/4 -> c) with optional ReLUs and shortcut."""

    def __init__(self, c: int, relu: bool, shortcut: bool) -> None:
        super().__init__()
        m = c // 4
        self.convs = nn.ModuleList([nn.Conv2d(c, m, 1, bias=False), nn.Conv2d(m, m, 3, padding=1, bias=False),
                                    nn.Conv2d(m, c, 1, bias=False)])
        self.relu, self.shortcut = relu, shortcut

    def forward(self, x: Tensor) -> Tensor:
        y = x
        for i, conv in enumerate(self.convs):
            y = conv(y)
            if self.relu and i < 2:
                y = torch.relu(y)
        if self.shortcut:
            y = y + x
        return torch.relu(y) if self.relu else y


def g4_stack(c: int, relu: bool, shortcut: bool, n: int = 10) -> nn.Sequential:
    """G4 (element-wise operations are non-negligible): ``n`` bottlenecks with/without ReLU and
    shortcut. FLOPs (counted as multiply-adds of the convs) are identical for all four settings."""
    if c % 4:
        raise ValueError(f"c must be divisible by 4, got {c}")
    return nn.Sequential(*[_Bottleneck(c, relu, shortcut) for _ in range(n)])
