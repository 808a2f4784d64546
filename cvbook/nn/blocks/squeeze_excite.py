"""Squeeze-and-Excitation: reweight channels by a gate computed from their global averages."""
from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor, nn

__all__ = ["SqueezeExcite"]


class SqueezeExcite(nn.Module):
    """``x * gate(W2 act(W1 avgpool(x)))``, one weight in (0, 1) per channel (hard-sigmoid in v3).

    Input and output ``(B, C, H, W)``. ``squeeze_channels`` is ``C / r`` in the paper (r = 16).
    The 1x1 convolutions with bias are the paper's two fully connected layers. After a forward pass
    ``self.last_weights`` holds the excitation ``(B, C)`` (detached), for visualisation.

    Reference: Hu et al., "Squeeze-and-Excitation Networks", CVPR 2018.
    Taught in: notebooks/04_architectures/07_senet.ipynb
    """

    def __init__(
        self,
        channels: int,
        squeeze_channels: int,
        activation: Callable[[], nn.Module] = nn.ReLU,
        gate: Callable[[], nn.Module] = nn.Sigmoid,
    ) -> None:
        super().__init__()
        if channels <= 0 or squeeze_channels <= 0:
            raise ValueError(
                f"channels and squeeze_channels must be positive, got {channels}, {squeeze_channels}"
            )
        self.fc1 = nn.Conv2d(channels, squeeze_channels, 1)
        self.act = activation()
        self.fc2 = nn.Conv2d(squeeze_channels, channels, 1)
        self.gate = gate()
        self.last_weights: Tensor | None = None

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4:
            raise ValueError(f"expected (B, C, H, W), got shape {tuple(x.shape)}")
        s = x.mean((2, 3), keepdim=True)  # squeeze: (B, C, 1, 1)
        w = self.gate(self.fc2(self.act(self.fc1(s))))  # excitation
        self.last_weights = w.detach().flatten(1)
        return x * w
