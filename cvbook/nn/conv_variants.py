"""Group convolution, depthwise separable convolution, and add-versus-concat fusion.

- A group convolution with ``g`` groups splits the ``C_in`` channels into ``g`` groups, convolves
  each with its own ``C_out/g`` filters of depth ``C_in/g``, and concatenates: ``1/g`` of the weights
  and FLOPs of the full convolution (notes 003 l.950-990).
- A depthwise separable convolution is a ``k x k`` depthwise convolution (``g = C_in``) followed by a
  ``1 x 1`` pointwise one. Against a full ``k x k`` convolution with ``N`` outputs its cost ratio is
  ``1/N + 1/k^2`` (Howard et al. 2017, eq. 5).
- Adding two maps and then convolving equals concatenating them and convolving with the kernel
  repeated for both halves ("tied" kernels): ``W * (a + b) = [W, W] * [a; b]`` (notes 001 l.32-39).

References: A. Krizhevsky et al., "ImageNet Classification with Deep CNNs", 2012 (groups);
A. G. Howard et al., "MobileNets", 2017 (depthwise separable).
Taught in: notebooks/01_cnn_basics/09_group_and_depthwise.ipynb and 11_add_vs_concat.ipynb.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["group_conv_by_split", "DepthwiseSeparableConv2d", "separable_cost_ratio", "tied_concat_conv"]


def group_conv_by_split(
    x: torch.Tensor, weight: torch.Tensor, groups: int, bias: torch.Tensor | None = None, stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """Group convolution done by hand: split channels, convolve each group, concatenate.

    ``x``: ``(B, C_in, H, W)``; ``weight``: ``(C_out, C_in/groups, kh, kw)`` as in ``nn.Conv2d``.
    Equals ``F.conv2d(x, weight, bias, stride, padding, groups=groups)``.
    """
    if groups <= 0 or x.shape[1] % groups or weight.shape[0] % groups:
        raise ValueError(f"groups ({groups}) must divide C_in ({x.shape[1]}) and C_out ({weight.shape[0]})")
    if weight.shape[1] * groups != x.shape[1]:
        raise ValueError(f"weight depth {weight.shape[1]} x groups {groups} must equal C_in {x.shape[1]}")
    xs = x.chunk(groups, dim=1)
    ws = weight.chunk(groups, dim=0)
    bs = bias.chunk(groups) if bias is not None else [None] * groups
    return torch.cat([F.conv2d(xi, wi, bi, stride, padding) for xi, wi, bi in zip(xs, ws, bs)], dim=1)


class DepthwiseSeparableConv2d(nn.Sequential):
    """``k x k`` depthwise convolution (``groups = C_in``) then a ``1 x 1`` pointwise convolution.

    Input ``(B, C_in, H, W)``, output ``(B, C_out, H_out, W_out)``. MobileNet puts BN and ReLU after
    each of the two; they are left out here so that the cost comparison is about the convolutions.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1, padding: int | None = None, bias: bool = False) -> None:
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError(f"channel counts must be positive, got {in_channels} and {out_channels}")
        padding = kernel_size // 2 if padding is None else padding  # 'same' size at stride 1 for odd kernels
        super().__init__(
            nn.Conv2d(in_channels, in_channels, kernel_size, stride, padding, groups=in_channels, bias=bias),
            nn.Conv2d(in_channels, out_channels, 1, bias=bias),
        )


def separable_cost_ratio(out_channels: int, kernel_size: int) -> float:
    """Cost of a depthwise separable conv over a full conv: ``1/N + 1/k^2`` (Howard et al. 2017, eq. 5)."""
    if out_channels <= 0 or kernel_size <= 0:
        raise ValueError(f"out_channels and kernel_size must be positive, got {out_channels} and {kernel_size}")
    return 1.0 / out_channels + 1.0 / kernel_size**2


def tied_concat_conv(conv: nn.Conv2d) -> nn.Conv2d:
    """The convolution over ``cat([a, b], dim=1)`` that equals ``conv(a + b)``: its kernel is ``[W, W]``.

    ``conv`` takes ``C`` channels; the returned one takes ``2C`` and shares nothing with it (a copy).
    """
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"tied_concat_conv needs an nn.Conv2d, got {type(conv).__name__}")
    if conv.groups != 1:
        raise ValueError("tied_concat_conv supports groups=1 only")
    twin = nn.Conv2d(2 * conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                     conv.dilation, bias=conv.bias is not None, padding_mode=conv.padding_mode)
    with torch.no_grad():
        twin.weight.copy_(torch.cat([conv.weight, conv.weight], dim=1))
        if conv.bias is not None:
            twin.bias.copy_(conv.bias)
    return twin.to(conv.weight.device, conv.weight.dtype)
