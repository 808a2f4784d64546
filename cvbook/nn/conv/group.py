"""Group convolution written by hand: split the channels, convolve each group, concatenate.

A group convolution with ``g`` groups splits the ``C_in`` channels into ``g`` groups, convolves each
with its own ``C_out/g`` filters of depth ``C_in/g``, and concatenates: ``1/g`` of the weights and
FLOPs of the full convolution (notes 003 l.950-990).

Reference: A. Krizhevsky et al., "ImageNet Classification with Deep CNNs", NeurIPS 2012 (groups).
Taught in: notebooks/01_cnn_basics/09_group_and_depthwise.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["group_conv_by_split"]


def group_conv_by_split(
    x: torch.Tensor, weight: torch.Tensor, groups: int, bias: torch.Tensor | None = None, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """Group convolution done by hand: split channels, convolve each group, concatenate.

    ``x``: ``(B, C_in, H, W)``; ``weight``: ``(C_out, C_in/groups, kh, kw)`` as in ``nn.Conv2d``.
    Equals ``F.conv2d(x, weight, bias, stride, padding, groups=groups)``.

    Raises:
        ValueError: ``groups`` does not divide both channel counts, or the weight's depth is wrong.
    """
    if groups <= 0 or x.shape[1] % groups or weight.shape[0] % groups:
        raise ValueError(f"groups ({groups}) must divide C_in ({x.shape[1]}) and C_out ({weight.shape[0]})")
    if weight.shape[1] * groups != x.shape[1]:
        raise ValueError(f"weight depth {weight.shape[1]} x groups {groups} must equal C_in {x.shape[1]}")
    xs = x.chunk(groups, dim=1)
    ws = weight.chunk(groups, dim=0)
    bs = bias.chunk(groups) if bias is not None else [None] * groups
    return torch.cat([F.conv2d(xi, wi, bi, stride, padding) for xi, wi, bi in zip(xs, ws, bs)], dim=1)
