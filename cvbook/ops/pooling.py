"""Mean and max pooling written out, with their backward passes next to the forward (micrograd style).

Forward, for each window of ``k x k`` inputs:

- mean pooling outputs the average; backward gives each input ``grad_out / k^2`` (the gradient is
  split evenly, so the sum of the gradients is unchanged);
- max pooling outputs the maximum and remembers *which* input it was (Caffe's ``max_idx_``); backward
  routes the whole ``grad_out`` to that input and gives the others zero. When windows overlap, an input
  that is the maximum of several windows collects the sum of their gradients.

Windows are cut with ``unfold`` (im2col); no padding (``padding=0``), which is what the notes discuss.
``max_idx`` is a flat index ``row * W + col`` into each ``(H, W)`` input plane, as in Caffe.

Reference: Caffe, ``src/caffe/layers/pooling_layer.cpp`` (Jia et al. 2014).
Taught in: notebooks/01_cnn_basics/05_pooling_backward.ipynb.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from cvbook._checks import check_int

__all__ = ["avg_pool2d", "max_pool2d", "max_pool2d_with_indices", "AvgPool2d", "MaxPool2d"]


def _check(x: torch.Tensor, kernel_size: int, stride: int | None) -> tuple[int, int]:
    if not isinstance(x, torch.Tensor) or x.dim() != 4:
        raise ValueError(f"pooling expects a tensor of shape (B, C, H, W), got {getattr(x, 'shape', type(x).__name__)}")
    for name, v in (("kernel_size", kernel_size), ("stride", stride if stride is not None else kernel_size)):
        check_int(v, name, minimum=1)
    stride = kernel_size if stride is None else stride
    if min(x.shape[-2:]) < kernel_size:
        raise ValueError(f"kernel_size {kernel_size} is larger than the input plane {tuple(x.shape[-2:])}")
    return kernel_size, stride


def _windows(x: torch.Tensor, k: int, s: int) -> tuple[torch.Tensor, int, int]:
    """``(B, C, k*k, L)`` windows of ``x`` and the output height and width."""
    b, c, h, w = x.shape
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    cols = F.unfold(x, k, stride=s).view(b, c, k * k, ho * wo)
    return cols, ho, wo


class _AvgPool2dFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, k: int, s: int) -> torch.Tensor:
        cols, ho, wo = _windows(x, k, s)
        ctx.k, ctx.s, ctx.in_hw = k, s, x.shape[-2:]
        return cols.mean(dim=2).view(x.shape[0], x.shape[1], ho, wo)

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        k, s = ctx.k, ctx.s
        b, c, ho, wo = grad_out.shape
        # d out / d x_i = 1/k^2 for every x_i in the window: spread grad_out / k^2 over the window
        spread = (grad_out / (k * k)).reshape(b, c, 1, ho * wo).expand(b, c, k * k, ho * wo)
        grad_in = F.fold(spread.reshape(b, c * k * k, ho * wo), ctx.in_hw, k, stride=s)  # fold sums overlaps
        return grad_in, None, None


class _MaxPool2dFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, k: int, s: int):
        b, c, h, w = x.shape
        cols, ho, wo = _windows(x, k, s)
        out, arg = cols.max(dim=2)  # arg: position inside the k x k window (first maximum on ties)
        # turn the window position into Caffe's max_idx: flat index row * W + col in the input plane
        oy = torch.arange(ho, device=x.device).repeat_interleave(wo) * s
        ox = torch.arange(wo, device=x.device).repeat(ho) * s
        max_idx = (oy + arg // k) * w + (ox + arg % k)
        ctx.save_for_backward(max_idx)
        ctx.in_shape = x.shape
        ctx.mark_non_differentiable(max_idx)
        return out.view(b, c, ho, wo), max_idx.view(b, c, ho, wo)

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor, _grad_idx=None):
        (max_idx,) = ctx.saved_tensors
        b, c, h, w = ctx.in_shape
        grad_in = grad_out.new_zeros(b, c, h * w)
        # only the argmax receives the gradient; overlapping windows add up (scatter_add)
        grad_in.scatter_add_(2, max_idx.view(b, c, -1), grad_out.reshape(b, c, -1))
        return grad_in.view(b, c, h, w), None, None


def avg_pool2d(x: torch.Tensor, kernel_size: int, stride: int | None = None) -> torch.Tensor:
    """Mean pooling of ``x`` ``(B, C, H, W)`` -> ``(B, C, H_out, W_out)``; no padding."""
    k, s = _check(x, kernel_size, stride)
    return _AvgPool2dFn.apply(x, k, s)


def max_pool2d_with_indices(x: torch.Tensor, kernel_size: int, stride: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Max pooling of ``x`` ``(B, C, H, W)``; returns the output and ``max_idx`` (both ``(B, C, H_out, W_out)``).

    ``max_idx`` holds flat indices ``row * W + col`` into each input plane, like Caffe's ``max_idx_``
    and like ``torch.nn.functional.max_pool2d(..., return_indices=True)``.
    """
    k, s = _check(x, kernel_size, stride)
    return _MaxPool2dFn.apply(x, k, s)


def max_pool2d(x: torch.Tensor, kernel_size: int, stride: int | None = None) -> torch.Tensor:
    """Max pooling of ``x`` ``(B, C, H, W)`` -> ``(B, C, H_out, W_out)``; no padding."""
    return max_pool2d_with_indices(x, kernel_size, stride)[0]


class AvgPool2d(nn.Module):
    """Module form of :func:`avg_pool2d`."""

    def __init__(self, kernel_size: int, stride: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride)


class MaxPool2d(nn.Module):
    """Module form of :func:`max_pool2d`."""

    def __init__(self, kernel_size: int, stride: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return max_pool2d(x, self.kernel_size, self.stride)
