"""The inverted residual with linear bottleneck (MobileNetV2), plus SE (MobileNetV3, EfficientNet's MBConv)."""
from __future__ import annotations

from typing import Callable

from torch import Tensor, nn

from cvbook.nn.blocks.conv import ConvBNAct
from cvbook.nn.blocks.squeeze_excite import SqueezeExcite

__all__ = ["InvertedResidual"]


class InvertedResidual(nn.Module):
    """``1x1 expand -> kxk depthwise -> [SE] -> 1x1 project (linear, no activation)`` + identity.

    Input ``(B, in_channels, H, W)`` -> ``(B, out_channels, H/stride, W/stride)``. The block is
    "inverted" because it is narrow at both ends and wide (``expand_channels``, t = 6 in v2) in the
    middle, the opposite of ResNet's bottleneck; the projection is linear because a ReLU in the
    narrow space destroys information (notes 002 l.25-28). The shortcut is used when
    ``stride == 1`` and ``in_channels == out_channels``.

    Departure: EfficientNet's stochastic depth on the residual branch is omitted (it has no
    parameters and only acts in training).

    Reference: Sandler et al., "MobileNetV2", CVPR 2018; Howard et al., "Searching for MobileNetV3",
    ICCV 2019; Tan & Le, "EfficientNet", ICML 2019.
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        stride: int,
        expand_channels: int,
        kernel_size: int = 3,
        activation: Callable[[], nn.Module] = nn.ReLU6,
        se_channels: int | None = None,
        se_activation: Callable[[], nn.Module] = nn.ReLU,
        se_gate: Callable[[], nn.Module] = nn.Sigmoid,
        bn_eps: float = 1e-5,
    ) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {stride}")
        self.use_residual = stride == 1 and in_channels == out_channels
        layers: list[nn.Module] = []
        if expand_channels != in_channels:
            layers.append(ConvBNAct(in_channels, expand_channels, 1, activation=activation, bn_eps=bn_eps))
        layers.append(ConvBNAct(expand_channels, expand_channels, kernel_size, stride,
                                groups=expand_channels, activation=activation, bn_eps=bn_eps))
        if se_channels is not None:
            layers.append(SqueezeExcite(expand_channels, se_channels, se_activation, se_gate))
        layers.append(ConvBNAct(expand_channels, out_channels, 1, activation=None, bn_eps=bn_eps))
        self.block = nn.Sequential(*layers)
        self.out_channels = out_channels

    def forward(self, x: Tensor) -> Tensor:
        y = self.block(x)
        return x + y if self.use_residual else y
