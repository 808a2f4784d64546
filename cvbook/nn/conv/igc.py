"""Interleaved group convolution (IGC v1): block-diagonal x permutation x block-diagonal.

A primary group convolution (``L`` groups of ``M`` channels, ``k x k``) is followed by a channel
permutation that puts one channel of every primary group into each secondary group, then a
secondary 1x1 group convolution (``M`` groups of ``L`` channels) and the inverse permutation. The
composition is a dense ``k x k`` convolution whose weight is the product
``P^T W_s P W_p`` of two block-diagonal matrices and two permutations (:meth:`dense_weight`), with
``C M k^2 + C L`` instead of ``C^2 k^2`` weights.

Reference: Zhang et al., "Interleaved Group Convolutions for Deep Neural Networks", ICCV 2017.
Taught in: notebooks/04_architectures/09_igc.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.nn.blocks.shuffle import channel_shuffle

__all__ = ["InterleavedGroupConv"]


class InterleavedGroupConv(nn.Module):
    """IGC v1 block ``(B, C, H, W) -> (B, C, H', W')`` without BN or activation.

    Args:
        channels: ``C = L * M``.
        primary_groups: ``L``, the number of primary partitions (each of ``M = C / L`` channels).
        kernel_size, stride, padding: of the primary (spatial) convolution.

    Raises:
        ValueError: ``channels`` is not a positive multiple of ``primary_groups``.
    """

    def __init__(self, channels: int, primary_groups: int, kernel_size: int = 3, stride: int = 1,
                 padding: int = 1) -> None:
        super().__init__()
        if primary_groups < 1 or channels < 1 or channels % primary_groups:
            raise ValueError(f"channels must be a positive multiple of primary_groups, got {channels} "
                             f"and {primary_groups}")
        self.channels, self.L = channels, primary_groups
        self.M = channels // primary_groups
        self.primary = nn.Conv2d(channels, channels, kernel_size, stride, padding, groups=self.L, bias=False)
        self.secondary = nn.Conv2d(channels, channels, 1, groups=self.M, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        y = channel_shuffle(self.primary(x), self.L)  # P: L groups of M -> M groups of L
        return channel_shuffle(self.secondary(y), self.M)  # P^T: back to the primary order

    def permutation(self) -> Tensor:
        """The permutation ``P`` as an index tensor: ``y[:, j] = x[:, perm[j]]`` (``Tensor[C]``)."""
        idx = torch.arange(self.channels, dtype=torch.float64).view(1, -1, 1, 1)
        return channel_shuffle(idx, self.L).flatten().long()

    def dense_weight(self) -> Tensor:
        """The equivalent dense convolution weight ``(C, C, k, k)``: ``P^T W_s P W_p``."""
        c, k = self.channels, self.primary.kernel_size
        wp = torch.zeros(c, c, *k, dtype=self.primary.weight.dtype, device=self.primary.weight.device)
        for g in range(self.L):  # block-diagonal primary weight
            s = slice(g * self.M, (g + 1) * self.M)
            wp[s, s] = self.primary.weight[s]
        ws = torch.zeros(c, c, dtype=wp.dtype, device=wp.device)
        for g in range(self.M):  # block-diagonal secondary weight
            s = slice(g * self.L, (g + 1) * self.L)
            ws[s, s] = self.secondary.weight[s, :, 0, 0]
        p = torch.eye(c, dtype=wp.dtype, device=wp.device)[self.permutation()]  # (P x)_j = x_perm[j]
        mix = p.T @ ws @ p  # (C, C): the channel mixing after the primary convolution
        return torch.einsum("oj,jikl->oikl", mix, wp)

    def dense_forward(self, x: Tensor) -> Tensor:
        """``x`` through one dense convolution with :meth:`dense_weight` (for checking)."""
        return F.conv2d(x, self.dense_weight(), stride=self.primary.stride, padding=self.primary.padding)
