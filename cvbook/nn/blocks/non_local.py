"""Non-local block (embedded Gaussian): every position attends to every other one."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from cvbook._checks import check_int

__all__ = ["NonLocalBlock"]


class NonLocalBlock(nn.Module):
    """``z_i = x_i + W_z sum_j softmax_j(theta(x_i) . phi(x_j)) g(x_j)``, a query-dependent attention.

    Input and output ``(B, C, H, W)``; ``theta``, ``phi``, ``g`` are 1x1 convs ``C -> inner_channels``
    (``C/2`` in the paper), ``W_z`` a 1x1 conv back to ``C``. Parameters: ``4 C C' + 3 C' + C``;
    FLOPs (multiply-add = 2): ``8 B N C C' + 4 B N^2 C'`` for ``N = H*W`` positions.
    After a forward pass ``self.last_attention`` holds the attention ``(B, N, N)`` (detached): row ``i``
    is the map of query position ``i`` (positions in row-major ``(row, col)`` order).

    Args:
        channels: ``C``.
        inner_channels: ``C'``; default ``max(C // 2, 1)``.

    Raises:
        ValueError: a channel count is not positive, or the input is not ``(B, channels, H, W)``.

    Reference: Wang et al., "Non-local Neural Networks", CVPR 2018, Fig. 2.
    Taught in: notebooks/04_architectures/10_gcnet.ipynb
    """

    def __init__(self, channels: int, inner_channels: int | None = None) -> None:
        super().__init__()
        self.channels = check_int(channels, "channels", minimum=1)
        inner = max(channels // 2, 1) if inner_channels is None else inner_channels
        self.inner_channels = check_int(inner, "inner_channels", minimum=1)
        self.theta = nn.Conv2d(channels, inner, 1)
        self.phi = nn.Conv2d(channels, inner, 1)
        self.g = nn.Conv2d(channels, inner, 1)
        # departure ("simplified"): no BN after W_z and no max-pool subsampling of phi and g
        self.w_z = nn.Conv2d(inner, channels, 1)
        self.last_attention: Tensor | None = None

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.channels:
            raise ValueError(f"expected (B, {self.channels}, H, W), got shape {tuple(x.shape)}")
        b, _, h, w = x.shape
        if h * w == 0:
            raise ValueError(f"expected a non-empty spatial grid, got H, W = {h}, {w}")
        n = h * w
        q = self.theta(x).view(b, -1, n).transpose(1, 2)  # (B, N, C')
        k = self.phi(x).view(b, -1, n)  # (B, C', N)
        v = self.g(x).view(b, -1, n).transpose(1, 2)  # (B, N, C')
        attn = torch.softmax(torch.matmul(q, k), dim=-1)  # (B, N, N), row i: query i
        self.last_attention = attn.detach()
        y = torch.matmul(attn, v).transpose(1, 2).reshape(b, -1, h, w)  # (B, C', H, W)
        return x + self.w_z(y)
