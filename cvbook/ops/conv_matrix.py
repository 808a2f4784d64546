"""Convolution as a matrix, and transposed convolution as its transpose.

A convolution is linear in its input, so for a fixed kernel there is a matrix ``M`` with
``vec(conv(x)) = M vec(x)``: ``M`` has shape ``(C_out*H_out*W_out, C_in*H*W)`` and is sparse and
banded (each row holds one copy of the kernel). The *transposed* convolution multiplies by ``M^T``:
it maps the output shape back to the input shape, but it is **not** the inverse: ``M^T M != I``, so
the values are not recovered (the notes: "转置卷积只能还原shape大小,而不能还原value").

Reference: V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning", 2016, §4.
Taught in: notebooks/01_cnn_basics/07_conv_as_matrix.ipynb.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["conv2d_matrix", "conv_transpose2d_by_matrix"]


def conv2d_matrix(weight: torch.Tensor, input_size: tuple[int, int], stride: int = 1, padding: int = 0) -> torch.Tensor:
    """Dense matrix ``M`` of ``F.conv2d(x, weight, stride=stride, padding=padding)`` (no bias).

    ``weight``: ``(C_out, C_in, kh, kw)``; ``input_size``: ``(H, W)``. Returns
    ``Tensor[C_out*H_out*W_out, C_in*H*W]`` such that ``conv(x).flatten() == M @ x.flatten()`` for one
    image ``x`` of shape ``(C_in, H, W)`` (row-major flattening). Built column by column: column ``j``
    is the convolution of the ``j``-th one-hot image, which is exact by linearity. Memory is
    ``O((C_in H W)^2)`` (about 600 MB for 3x64x64): meant for teaching sizes.
    """
    if weight.dim() != 4:
        raise ValueError(f"weight must be (C_out, C_in, kh, kw), got shape {tuple(weight.shape)}")
    if len(input_size) != 2 or min(input_size) <= 0:
        raise ValueError(f"input_size must be a positive (H, W), got {input_size!r}")
    c_in = weight.shape[1]
    n = c_in * input_size[0] * input_size[1]
    basis = torch.eye(n, dtype=weight.dtype, device=weight.device).view(n, c_in, *input_size)
    columns = F.conv2d(basis, weight, stride=stride, padding=padding)  # (n, C_out, H_out, W_out)
    return columns.reshape(n, -1).T.contiguous()


def conv_transpose2d_by_matrix(
    y: torch.Tensor, weight: torch.Tensor, input_size: tuple[int, int], stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """``M^T y`` reshaped to ``(B, C_in, H, W)``: the transposed convolution of ``y`` ``(B, C_out, H_out, W_out)``.

    Equals ``F.conv_transpose2d(y, weight, stride=stride, padding=padding)`` when ``input_size`` is
    the size that transposed convolution produces (pass ``output_padding`` to torch otherwise).
    """
    m = conv2d_matrix(weight, input_size, stride, padding)
    if y.dim() != 4 or y[0].numel() != m.shape[0]:
        raise ValueError(f"y must be (B, C_out, H_out, W_out) with {m.shape[0]} values per image, got {tuple(y.shape)}")
    return (y.reshape(y.shape[0], -1) @ m).view(y.shape[0], weight.shape[1], *input_size)
