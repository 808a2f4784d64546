"""Add-versus-concat fusion: adding two maps then convolving equals concatenating them and convolving
with the kernel repeated for both halves ("tied" kernels), ``W * (a + b) = [W, W] * [a; b]``
(notes 001 l.32-39).

Taught in: notebooks/01_cnn_basics/11_add_vs_concat.ipynb
"""
from __future__ import annotations

import torch
from torch import nn

__all__ = ["tied_concat_conv"]


def tied_concat_conv(conv: nn.Conv2d) -> nn.Conv2d:
    """The convolution over ``cat([a, b], dim=1)`` that equals ``conv(a + b)``: its kernel is ``[W, W]``.

    ``conv`` takes ``C`` channels; the returned one takes ``2C`` and shares nothing with it (a copy).

    Raises:
        TypeError: ``conv`` is not an ``nn.Conv2d``.
        ValueError: ``conv`` is a group convolution.
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
