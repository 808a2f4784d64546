"""Global context (GC) block: one softmax-pooled context vector per image, transformed and added back."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from cvbook._checks import check_int

__all__ = ["GlobalContextBlock"]


class GlobalContextBlock(nn.Module):
    """``x + W_v2 ReLU(LN(W_v1 sum_j softmax(W_k x)_j x_j))``: GCNet's context block.

    Input and output ``(B, C, H, W)``. Three steps (Cao et al., Fig. 4):

    - *context modelling*: a 1x1 conv ``W_k`` (C -> 1) gives one logit per position, a softmax over
      the ``H*W`` positions turns them into attention weights, and the weighted sum of the feature
      vectors is one context vector ``(B, C, 1, 1)``, the same for every query position;
    - *transform*: a bottleneck ``C -> squeeze_channels -> C`` of 1x1 convs with LayerNorm and ReLU in
      between (``squeeze_channels`` is ``C / r``, r = 16 in the paper);
    - *fusion*: broadcast addition to every position.

    Parameters: ``(C + 1) + 2 C P + 3 P + C`` for ``P = squeeze_channels`` (convs with bias, LN affine).
    After a forward pass ``self.last_attention`` holds the softmax weights ``(B, H*W)`` (detached).

    Args:
        channels: ``C``.
        squeeze_channels: ``P``, the bottleneck width.

    Raises:
        ValueError: a channel count is not positive, or the input is not ``(B, channels, H, W)``.

    Reference: Cao et al., "GCNet: Non-local Networks Meet Squeeze-Excitation Networks and Beyond",
        ICCV Workshops 2019, Fig. 4(d).
    Taught in: notebooks/04_architectures/10_gcnet.ipynb
    """

    def __init__(self, channels: int, squeeze_channels: int) -> None:
        super().__init__()
        self.channels = check_int(channels, "channels", minimum=1)
        self.squeeze_channels = check_int(squeeze_channels, "squeeze_channels", minimum=1)
        self.conv_mask = nn.Conv2d(channels, 1, 1)  # W_k, with bias as in the authors' code
        self.transform = nn.Sequential(
            nn.Conv2d(channels, squeeze_channels, 1),
            nn.LayerNorm([squeeze_channels, 1, 1]),  # LN eases optimisation of the 2-layer bottleneck
            nn.ReLU(inplace=True),
            nn.Conv2d(squeeze_channels, channels, 1),
        )
        # departure: the authors zero-initialise the last conv (the block starts as the identity);
        # we keep PyTorch's default initialisation so that a random block is not trivially the identity
        self.last_attention: Tensor | None = None

    def context(self, x: Tensor) -> Tensor:
        """The context vector ``(B, C, 1, 1)`` of ``x`` ``(B, C, H, W)`` (attention pooling)."""
        if x.dim() != 4 or x.shape[1] != self.channels:
            raise ValueError(f"expected (B, {self.channels}, H, W), got shape {tuple(x.shape)}")
        b, c, h, w = x.shape
        if h * w == 0:
            raise ValueError(f"expected a non-empty spatial grid, got H, W = {h}, {w}")
        attn = torch.softmax(self.conv_mask(x).view(b, 1, h * w), dim=-1)  # (B, 1, HW)
        self.last_attention = attn.detach().view(b, h * w)
        ctx = torch.matmul(x.view(b, c, h * w), attn.transpose(1, 2))  # (B, C, 1)
        return ctx.view(b, c, 1, 1)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.transform(self.context(x))
