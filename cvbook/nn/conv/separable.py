"""Depthwise separable convolution: a ``k x k`` depthwise convolution (``groups = C_in``) then a
``1 x 1`` pointwise one, the one class behind MobileNet v1's unit and Xception's SepConv.

Against a full ``k x k`` convolution with ``N`` outputs its cost ratio is ``1/N + 1/k^2``
(Howard et al. 2017, eq. 5).

- bare (``norm_layer=None, activation=None``): the two convolutions only, which is what the cost
  comparison of chapter 1 is about, and Xception's SepConv (Chollet found no non-linearity between
  the two better, Sec. 4 / Fig. 10);
- MobileNet v1 (``norm_layer=nn.BatchNorm2d, activation=nn.ReLU``): BN and ReLU after each of the two
  (Howard et al. 2017, Fig. 3).

References: A. G. Howard et al., "MobileNets", arXiv:1704.04861, 2017; F. Chollet, "Xception", CVPR 2017.
Taught in: notebooks/01_cnn_basics/09_group_and_depthwise.ipynb and notebooks/04_architectures/06_mobilenet.ipynb
"""
from __future__ import annotations

from collections.abc import Callable

from torch import nn

from cvbook._checks import check_int

__all__ = ["DepthwiseSeparableConv2d", "separable_cost_ratio"]


def _unit(conv: nn.Conv2d, norm_layer: Callable[[int], nn.Module] | None,
          activation: Callable[[], nn.Module] | None) -> nn.Module:
    if norm_layer is None and activation is None:
        return conv
    layers: list[nn.Module] = [conv]
    if norm_layer is not None:
        layers.append(norm_layer(conv.out_channels))
    if activation is not None:
        layers.append(activation())
    return nn.Sequential(*layers)


class DepthwiseSeparableConv2d(nn.Sequential):
    """``k x k`` depthwise convolution (``groups = C_in``) then a ``1 x 1`` pointwise convolution.

    Input ``(B, C_in, H, W)``, output ``(B, C_out, H_out, W_out)`` (``H_out = H / stride`` for odd
    ``kernel_size`` and the default 'same' padding).

    Args:
        in_channels, out_channels: ``C_in`` and ``C_out``.
        kernel_size, stride, padding: of the depthwise convolution; ``padding=None`` is ``k // 2``.
        bias: biases on both convolutions (default off; a norm layer after each makes them redundant).
        norm_layer: e.g. ``nn.BatchNorm2d``, applied after each convolution; ``None``: none.
        activation: e.g. ``nn.ReLU``, applied after each (norm and) convolution; ``None``: none.

    Raises:
        TypeError, ValueError: a channel count, kernel size or stride that is not a positive int.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 padding: int | None = None, bias: bool = False,
                 norm_layer: Callable[[int], nn.Module] | None = None,
                 activation: Callable[[], nn.Module] | None = None) -> None:
        for name, v in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("kernel_size", kernel_size), ("stride", stride)):
            check_int(v, name, minimum=1)
        padding = kernel_size // 2 if padding is None else padding  # 'same' size at stride 1 for odd kernels
        super().__init__(
            _unit(nn.Conv2d(in_channels, in_channels, kernel_size, stride, padding, groups=in_channels, bias=bias),
                  norm_layer, activation),
            _unit(nn.Conv2d(in_channels, out_channels, 1, bias=bias), norm_layer, activation),
        )


def separable_cost_ratio(out_channels: int, kernel_size: int) -> float:
    """Cost of a depthwise separable conv over a full conv: ``1/N + 1/k^2`` (Howard et al. 2017, eq. 5).

    Raises:
        ValueError: ``out_channels`` or ``kernel_size`` is not positive.
    """
    if out_channels <= 0 or kernel_size <= 0:
        raise ValueError(f"out_channels and kernel_size must be positive, got {out_channels} and {kernel_size}")
    return 1.0 / out_channels + 1.0 / kernel_size**2
