"""Measured receptive fields: where the gradient of one output unit reaches the input.

The *empirical* field of an output unit is the set of input pixels with a non-zero gradient
``d out[c, r, s] / d x``. To make "non-zero" exact, :func:`empirical_receptive_field` measures a copy of
the model whose convolutions all have positive weights, whose batch norms are identities and whose
max pools are average pools of the same geometry, fed with a positive image: then every path through
the network carries a positive gradient and the support is exactly the geometric field (clipped at the
border). The copy departs from the model in its weights only, never in its geometry.

The *effective* receptive field (Luo et al. 2016) instead averages ``|d out / d x|`` over random inputs
for the model's own weights: it is Gaussian-like and much smaller than the theoretical field.

Reference: W. Luo, Y. Li, R. Urtasun and R. Zemel, "Understanding the Effective Receptive Field in Deep
Convolutional Neural Networks", NeurIPS 2016.
Taught in: notebooks/01_cnn_basics/06_receptive_field.ipynb.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import nn

from cvbook.analysis.receptive_field import input_shape_for
from cvbook._checks import as_generator

__all__ = ["EmpiricalRF", "empirical_receptive_field", "effective_receptive_field", "positive_geometry_copy"]


@dataclass(frozen=True)
class EmpiricalRF:
    """Extent of the non-zero gradient: inclusive pixel index ranges and the size ``(rows, cols)``."""

    rows: tuple[int, int]
    cols: tuple[int, int]
    grad: torch.Tensor  # (H, W), summed over input channels

    @property
    def size_hw(self) -> tuple[int, int]:
        return self.rows[1] - self.rows[0] + 1, self.cols[1] - self.cols[0] + 1


def positive_geometry_copy(model: nn.Module, dtype: torch.dtype = torch.float64, collapse_channels: bool = False) -> nn.Module:
    """A copy with the same geometry whose gradients are positive wherever a path exists.

    Conv weights become ``1 / fan_in`` (so activations stay near 1), biases 0, batch norms identities,
    ``nn.MaxPool2d`` becomes ``nn.AvgPool2d`` with the same kernel, stride, padding and ceil mode.

    With ``collapse_channels=True`` every convolution becomes a 1-in, 1-out convolution of the same
    kernel, stride, padding and dilation (and batch norms become identities). With uniform weights
    every channel carries the same map, so the support is unchanged while the cost drops by the
    channel count. Valid for chains and additive shortcuts (VGG, ResNet), not for concatenation.
    """
    m = copy.deepcopy(model).eval()

    def swap(parent: nn.Module) -> None:
        for name, child in parent.named_children():
            if collapse_channels and isinstance(child, nn.Conv2d):
                setattr(parent, name, nn.Conv2d(1, 1, child.kernel_size, child.stride, child.padding, child.dilation,
                                                bias=False, padding_mode=child.padding_mode))
            elif collapse_channels and isinstance(child, nn.modules.batchnorm._BatchNorm):
                setattr(parent, name, nn.Identity())
            elif isinstance(child, nn.MaxPool2d):
                if child.dilation not in (1, (1, 1)):
                    raise ValueError("dilated max pooling has no average-pooling twin of the same geometry")
                setattr(parent, name, nn.AvgPool2d(child.kernel_size, child.stride, child.padding, child.ceil_mode))
            else:
                swap(child)

    swap(m)
    m = m.to(dtype)  # cast after collapsing: far cheaper than casting the full-width model
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                fan_in = mod.weight[0].numel()
                mod.weight.fill_(1.0 / fan_in)
                if mod.bias is not None:
                    mod.bias.zero_()
            elif isinstance(mod, nn.modules.batchnorm._BatchNorm):
                mod.reset_parameters()  # running mean 0, var 1, weight 1, bias 0
    return m


def _unit_gradient(model: nn.Module, x: torch.Tensor, position: tuple[int, int] | None, channel: int) -> torch.Tensor:
    x = x.clone().requires_grad_(True)
    out = model(x)
    if out.dim() != 4:
        raise ValueError(f"the model must return a feature map (B, C, H, W), got shape {tuple(out.shape)}")
    r, c = position if position is not None else (out.shape[-2] // 2, out.shape[-1] // 2)
    if not (0 <= r < out.shape[-2] and 0 <= c < out.shape[-1]):
        raise ValueError(f"position {(r, c)} is outside the {tuple(out.shape[-2:])} output")
    out[:, channel, r, c].sum().backward()
    return x.grad


def empirical_receptive_field(
    model: nn.Module,
    input_size: int | tuple[int, ...],
    position: tuple[int, int] | None = None,
    channel: int = 0,
    collapse_channels: bool = False,
) -> EmpiricalRF:
    """Measure the field of output unit ``(channel, row, col)`` (default: the centre) by its gradient.

    ``position`` is ``(row, col)`` in the output map. Works on :func:`positive_geometry_copy` of
    ``model`` in float64, with an all-ones input of ``input_size``; ``collapse_channels`` is passed on.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    shape = input_shape_for(model, input_size)
    probe = positive_geometry_copy(model, collapse_channels=collapse_channels).cpu()
    if collapse_channels:
        shape, channel = (1, *shape[1:]), 0
    grad = _unit_gradient(probe, torch.ones(1, *shape, dtype=torch.float64), position, channel)[0].abs().sum(0)
    rows = torch.nonzero(grad.sum(1) > 0).flatten()
    cols = torch.nonzero(grad.sum(0) > 0).flatten()
    if rows.numel() == 0:
        raise ValueError("no input pixel reaches that output unit")
    return EmpiricalRF((int(rows[0]), int(rows[-1])), (int(cols[0]), int(cols[-1])), grad.float())


def effective_receptive_field(
    model: nn.Module,
    input_size: int | tuple[int, ...],
    n_samples: int = 8,
    generator: torch.Generator | int | None = None,
    position: tuple[int, int] | None = None,
) -> torch.Tensor:
    """Mean ``|d out[centre] / d x|`` over ``n_samples`` standard-normal inputs, summed over channels.

    Returns ``Tensor[H, W]`` scaled to a maximum of 1. Uses the model's own weights, in eval mode.
    """
    if n_samples <= 0:
        raise ValueError(f"n_samples must be positive, got {n_samples}")
    shape = input_shape_for(model, input_size)
    gen = as_generator(generator)
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    dtype = param.dtype if param is not None else torch.float32
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros(shape[1:], device=device)
        for _ in range(n_samples):
            x = torch.randn(1, *shape, generator=gen, dtype=dtype).to(device)  # the model's own dtype
            total += _unit_gradient(model, x, position, 0)[0].abs().sum(0)
    finally:
        model.train(was_training)
    return (total / total.max().clamp_min(1e-30)).cpu()
