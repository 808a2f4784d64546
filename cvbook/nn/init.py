"""Weight initialisation (参数初始化, notes 003 l.62-64, 180-184): Xavier and Kaiming, derived from
keeping the variance of activations (forward) and of gradients (backward) the same in every layer.

For ``y = W x`` with ``n_in`` inputs, independent zero-mean weights of variance ``s^2`` and inputs of
second moment ``E[x^2]``: ``Var(y) = n_in s^2 E[x^2]``.

- Linear/tanh near 0 (``E[x^2] = Var(y_prev)``): keeping Var constant forward needs ``s^2 = 1/n_in``,
  backward ``s^2 = 1/n_out``; Xavier compromises: ``s^2 = 2 / (n_in + n_out)``.
- ReLU halves the second moment (``E[relu(y)^2] = Var(y)/2``), so Kaiming uses ``s^2 = 2 / n_in``.

Uniform versions use ``U(-a, a)`` with ``a = sqrt(3) s`` (the variance of U(-a, a) is a^2/3).
Same draws as ``torch.nn.init`` for the same generator.
Reference: Glorot and Bengio, "Understanding the difficulty of training deep feedforward neural
networks", AISTATS 2010; He et al., "Delving Deep into Rectifiers", ICCV 2015.
Taught in: notebooks/03_optimization/06_initialization.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import math
from typing import Callable

import torch
from torch import Tensor
from cvbook._checks import as_generator

__all__ = ["fans", "calculate_gain", "xavier_std", "kaiming_std", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_", "layer_statistics", "LayerStatistics"]


def fans(shape: tuple[int, ...] | torch.Size) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``: in/out times the kernel size."""
    if len(shape) < 2:
        raise ValueError(f"fans need a weight with at least 2 dimensions (out, in, ...), got shape {tuple(shape)}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor by which a nonlinearity scales the standard deviation to keep (as ``torch.nn.init``).

    relu: sqrt(2) (it zeroes half the inputs); leaky_relu(a): sqrt(2 / (1 + a^2)); tanh: 5/3;
    linear, conv, sigmoid: 1; selu: 3/4.
    """
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "identity"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + a**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; expected linear, sigmoid, tanh, relu, "
                     "leaky_relu or selu")


def xavier_std(fan_in: int, fan_out: int, gain: float = 1.0) -> float:
    """Glorot/Xavier: ``gain * sqrt(2 / (fan_in + fan_out))``."""
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def kaiming_std(fan: int, gain: float = math.sqrt(2.0)) -> float:
    """He/Kaiming: ``gain / sqrt(fan)``; with the ReLU gain that is ``sqrt(2 / fan)``."""
    return gain / math.sqrt(fan)


def xavier_uniform_(w: Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> Tensor:
    """Fill ``w`` (out, in, ...) in place from ``U(-a, a)``, ``a = sqrt(3) * xavier_std``."""
    a = math.sqrt(3.0) * xavier_std(*fans(w.shape), gain)
    with torch.no_grad():
        return w.uniform_(-a, a, generator=generator)


def xavier_normal_(w: Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> Tensor:
    """Fill ``w`` in place from ``N(0, xavier_std^2)``."""
    with torch.no_grad():
        return w.normal_(0.0, xavier_std(*fans(w.shape), gain), generator=generator)


def _kaiming(w: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fans(w.shape)
    return kaiming_std(fan_in if mode == "fan_in" else fan_out, calculate_gain(nonlinearity, a))


def kaiming_uniform_(w: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: torch.Generator | None = None) -> Tensor:
    """Fill ``w`` in place from ``U(-b, b)``, ``b = sqrt(3) * kaiming_std`` (``a``: leaky slope)."""
    b = math.sqrt(3.0) * _kaiming(w, a, mode, nonlinearity)
    with torch.no_grad():
        return w.uniform_(-b, b, generator=generator)


def kaiming_normal_(w: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: torch.Generator | None = None) -> Tensor:
    """Fill ``w`` in place from ``N(0, kaiming_std^2)``."""
    with torch.no_grad():
        return w.normal_(0.0, _kaiming(w, a, mode, nonlinearity), generator=generator)


@dataclass(frozen=True)
class LayerStatistics:
    """Per layer of the deep linear stack, first layer first, each ``Tensor[depth]`` (float64): the
    variance of the layer's output, of the gradient w.r.t. its pre-activation, and the norm of its
    weight's gradient."""

    act_var: Tensor
    grad_var: Tensor
    weight_grad_norm: Tensor


def layer_statistics(depth: int, width: int, activation: Callable[[Tensor], Tensor], std: float,
                     batch: int = 256, generator: torch.Generator | None = None) -> LayerStatistics:
    """Push a random batch through ``depth`` bias-free linear layers ``width -> width`` (weights
    ``N(0, std^2)``), each followed by ``activation``, then backpropagate a random output gradient.

    Returns:
        A :class:`LayerStatistics` (``act_var``, ``grad_var``, ``weight_grad_norm``).

    Raises:
        ValueError: ``depth``, ``width`` or ``batch`` below 1.
    Taught in: notebooks/03_optimization/06_initialization.ipynb and 07_activations.ipynb
    """
    if depth < 1 or width < 1 or batch < 1:
        raise ValueError(f"depth, width and batch must be >= 1, got {depth}, {width}, {batch}")
    g = as_generator(generator)  # None: seed 0, never the global RNG
    weights = [(torch.randn(width, width, generator=g, dtype=torch.float64) * std).requires_grad_(True)
               for _ in range(depth)]
    h = torch.randn(batch, width, generator=g, dtype=torch.float64)
    pre, outs = [], []
    for w in weights:
        z = h @ w.T
        z.retain_grad()
        h = activation(z)
        pre.append(z)
        outs.append(h)
    upstream = torch.randn(batch, width, generator=g, dtype=torch.float64)
    (h * upstream).sum().backward()
    nan = torch.tensor(float("nan"), dtype=torch.float64)
    return LayerStatistics(
        act_var=torch.stack([o.detach().var() for o in outs]),
        grad_var=torch.stack([z.grad.var() if z.grad is not None else nan for z in pre]),
        weight_grad_norm=torch.stack([w.grad.norm() for w in weights]),
    )
