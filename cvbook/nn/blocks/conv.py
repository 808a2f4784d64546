"""Conv -> BatchNorm -> activation, the unit most modern CNNs are built from."""
from __future__ import annotations

from typing import Callable

from torch import nn

from cvbook._checks import check_int

__all__ = ["ConvBNAct", "make_divisible"]


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """Round a channel count to the nearest multiple of ``divisor``, never dropping more than 10 %.

    The rounding rule of the MobileNet/EfficientNet reference code (and torchvision's
    ``_make_divisible``): width multipliers give fractional channel counts, hardware likes multiples of 8.

    Reference: Sandler et al., "MobileNetV2", CVPR 2018 (reference implementation).
    Taught in: notebooks/04_architectures/06_mobilenet.ipynb
    """
    if divisor <= 0:
        raise ValueError(f"divisor must be a positive int, got {divisor}")
    if min_value is None:
        min_value = divisor
    new_value = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if new_value < 0.9 * value:  # never round down by more than 10 %
        new_value += divisor
    return int(new_value)


class ConvBNAct(nn.Sequential):
    """``Conv2d(bias=False) -> BatchNorm2d -> act``, with 'same' padding for odd kernels.

    Input ``(B, in_channels, H, W)``; output ``(B, out_channels, ceil(H/stride), ceil(W/stride))``
    for odd ``kernel_size``. ``activation=None`` gives a linear unit (conv + BN only), as in the
    linear bottleneck of MobileNetV2.

    Reference: Ioffe & Szegedy, "Batch Normalization", ICML 2015 (BN after conv, bias folded into BN).
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        stride: int = 1,
        groups: int = 1,
        activation: Callable[[], nn.Module] | None = nn.ReLU,
        dilation: int = 1,
        bn_eps: float = 1e-5,
        bn_momentum: float = 0.1,
    ) -> None:
        for name, v in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("kernel_size", kernel_size), ("stride", stride), ("groups", groups)):
            check_int(v, name, minimum=1)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"groups={groups} must divide in_channels={in_channels} and out_channels={out_channels}"
            )
        padding = (kernel_size - 1) // 2 * dilation
        layers: list[nn.Module] = [
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding,
                      dilation=dilation, groups=groups, bias=False),
            nn.BatchNorm2d(out_channels, eps=bn_eps, momentum=bn_momentum),
        ]
        if activation is not None:
            layers.append(activation())
        super().__init__(*layers)
        self.out_channels = out_channels
