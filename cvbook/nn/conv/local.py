"""Locally connected layer: a convolution without weight sharing.

Every output position ``(i, j)`` has its own ``C_out x C_in x k x k`` filter. It keeps the
*local connectivity* (局部连接) of a convolution but drops *weight sharing* (权值共享), so it has
``H_out * W_out`` times the weights and is not translation-equivariant. With all position filters
equal it is exactly a convolution, which is how the tests check it.

Reference: Y. Taigman et al., "DeepFace", CVPR 2014 (locally connected layers in practice).
Taught in: notebooks/01_cnn_basics/02_cnn_essentials.ipynb.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from cvbook.analysis.conv_arith import conv_output_size

__all__ = ["LocallyConnected2d"]


class LocallyConnected2d(nn.Module):
    """``(B, C_in, H, W) -> (B, C_out, H_out, W_out)`` with one filter per output position.

    ``weight``: ``(H_out * W_out, C_out, C_in * k * k)``; ``bias``: ``(C_out, H_out, W_out)``.
    Initialised like ``nn.Conv2d`` (Kaiming-uniform with ``a = sqrt(5)``), from ``generator`` if given.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        input_size: tuple[int, int],
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        bias: bool = True,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        if in_channels <= 0 or out_channels <= 0:
            raise ValueError(f"channel counts must be positive, got {in_channels} and {out_channels}")
        if len(input_size) != 2:
            raise ValueError(f"input_size must be (H, W), got {input_size!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.input_size = tuple(input_size)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.output_size = tuple(conv_output_size(s, kernel_size, stride, padding) for s in input_size)
        positions = self.output_size[0] * self.output_size[1]
        fan_in = in_channels * kernel_size * kernel_size
        bound = 1.0 / math.sqrt(fan_in)  # what kaiming_uniform_(a=sqrt(5)) gives for conv weights
        self.weight = nn.Parameter(torch.empty(positions, out_channels, fan_in).uniform_(-bound, bound, generator=generator))
        self.bias = nn.Parameter(torch.empty(out_channels, *self.output_size).uniform_(-bound, bound, generator=generator)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or tuple(x.shape[1:]) != (self.in_channels, *self.input_size):
            raise ValueError(f"expected input (B, {self.in_channels}, {self.input_size[0]}, {self.input_size[1]}), got {tuple(x.shape)}")
        cols = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)  # (B, C_in*k*k, L)
        out = torch.einsum("bkl,lok->bol", cols, self.weight)  # a different filter at every position l
        out = out.reshape(x.shape[0], self.out_channels, *self.output_size)
        return out + self.bias if self.bias is not None else out

    @classmethod
    def from_conv(cls, conv: nn.Conv2d, input_size: tuple[int, int]) -> "LocallyConnected2d":
        """The locally connected layer whose filters all equal ``conv``'s (weight sharing restored)."""
        if conv.groups != 1 or conv.dilation != (1, 1) or conv.kernel_size[0] != conv.kernel_size[1]:
            raise ValueError("from_conv supports square, undilated, ungrouped convolutions")
        layer = cls(conv.in_channels, conv.out_channels, input_size, conv.kernel_size[0], conv.stride[0], conv.padding[0], conv.bias is not None)
        with torch.no_grad():
            layer.weight.copy_(conv.weight.reshape(conv.out_channels, -1).expand_as(layer.weight))
            if conv.bias is not None:
                layer.bias.copy_(conv.bias.view(-1, 1, 1).expand_as(layer.bias))
        return layer
