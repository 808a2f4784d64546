"""Depthwise separable convolution: a per-channel kxk conv followed by a 1x1 pointwise conv."""
from __future__ import annotations

from typing import Callable, Optional

from torch import Tensor, nn

from cvbook.nn.blocks.conv import ConvBNAct

__all__ = ["DepthwiseSeparableConv", "separable_cost_ratio"]


def separable_cost_ratio(out_channels: int, kernel_size: int) -> float:
    """Mult-adds of depthwise separable over standard convolution: ``1/N + 1/Dk^2``.

    Standard: ``Dk^2 M N Df^2``; separable: ``Dk^2 M Df^2 + M N Df^2`` (notes 002 l.7-20).

    Reference: Howard et al., "MobileNets", arXiv:1704.04861, eq. (5).
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """
    if out_channels <= 0 or kernel_size <= 0:
        raise ValueError(f"need positive out_channels and kernel_size, got {out_channels}, {kernel_size}")
    return 1.0 / out_channels + 1.0 / kernel_size**2


class DepthwiseSeparableConv(nn.Sequential):
    """``dw kxk conv-BN-act`` (groups = in_channels) then ``pw 1x1 conv-BN-act`` (MobileNet v1 unit).

    Input ``(B, M, H, W)`` -> output ``(B, N, H/stride, W/stride)``.

    Reference: Howard et al., "MobileNets", arXiv:1704.04861, Fig. 3.
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        activation: Optional[Callable[[], nn.Module]] = nn.ReLU,
    ) -> None:
        super().__init__(
            ConvBNAct(in_channels, in_channels, kernel_size, stride, groups=in_channels,
                      activation=activation),
            ConvBNAct(in_channels, out_channels, 1, activation=activation),
        )
