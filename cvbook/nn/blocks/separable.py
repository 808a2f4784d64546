"""MobileNet v1's unit: depthwise kxk conv-BN-act then pointwise 1x1 conv-BN-act.

The bare two-convolution form, without BN and activations, is :class:`cvbook.nn.DepthwiseSeparableConv2d`.
"""
from __future__ import annotations

from typing import Callable, Optional

from torch import Tensor, nn

from cvbook.nn.blocks.conv import ConvBNAct

__all__ = ["DepthwiseSeparableConv"]

# The cost ratio 1/N + 1/Dk^2 lives in cvbook.nn.conv_variants.separable_cost_ratio (chapter 1).


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
