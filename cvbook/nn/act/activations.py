"""Activation functions (激活函数) from their formulas, with the derivatives that decide gradient flow.

All functions are elementwise on tensors of any shape.

Reference: Nair and Hinton, ICML 2010 (ReLU); Maas et al., ICML 2013 (Leaky ReLU); He et al.,
ICCV 2015 (PReLU); Xu et al., arXiv:1505.00853, 2015 (RReLU); Clevert et al., ICLR 2016 (ELU);
Hendrycks and Gimpel, arXiv:1606.08415, 2016 (GELU); Elfwing et al., Neural Networks 2018 (SiLU).
Taught in: notebooks/03_optimization/07_activations.ipynb
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor

__all__ = ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "gelu", "silu",
           "ACTIVATIONS", "derivative"]


def sigmoid(x: Tensor) -> Tensor:
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`; :math:`\sigma' = \sigma(1-\sigma) \le 1/4`."""
    return 1 / (1 + torch.exp(-x))


def tanh(x: Tensor) -> Tensor:
    r""":math:`\tanh x = 2\sigma(2x) - 1`, zero-centred; :math:`\tanh' = 1 - \tanh^2 \le 1`.

    Computed as :math:`\pm(-t)/(t + 2)` with :math:`t = e^{-2|x|} - 1` (``expm1``): the textbook form
    ``2 sigmoid(2x) - 1`` cancels catastrophically for tiny ``x`` (it returns 0 for ``|x| < 1e-17``),
    and ``expm1(2x)`` would overflow for large ``x``. The two signs are separate ``where`` branches
    (not ``sign(x) * f(|x|)``, whose autograd derivative at 0 would be 0 instead of 1).
    """
    def f(a: Tensor) -> Tensor:          # tanh(a) for a >= 0
        t = torch.expm1(-2 * a)
        return -t / (t + 2)

    zero = torch.zeros_like(x)
    pos = torch.where(x >= 0, x, zero)
    neg = torch.where(x < 0, -x, zero)
    return torch.where(x >= 0, f(pos), -f(neg))


def relu(x: Tensor) -> Tensor:
    r""":math:`\max(0, x)`; derivative exactly 1 for x > 0, so it does not shrink gradients."""
    # torch.where, not clamp: clamp's gradient at exactly 0 is 1 on some torch versions and 0 on
    # others; the book (like torch.relu) takes the subgradient 0 there on every version.
    return torch.where(x > 0, x, torch.zeros((), dtype=x.dtype, device=x.device))


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    r""":math:`x` for x >= 0, :math:`a x` otherwise (a small fixed slope keeps negative units alive)."""
    return torch.where(x >= 0, x, negative_slope * x)


def prelu(x: Tensor, weight: Tensor) -> Tensor:
    """Leaky ReLU whose slope ``weight`` is learned (a scalar, or one per channel: ``(C,)`` for ``(N, C, ...)``)."""
    if weight.numel() > 1:
        if x.dim() < 2 or x.shape[1] != weight.numel():
            raise ValueError(f"PReLU with {weight.numel()} slopes needs x of shape (N, {weight.numel()}, ...), "
                             f"got {tuple(x.shape)}")
        weight = weight.reshape(1, -1, *([1] * (x.dim() - 2)))
    return torch.where(x >= 0, x, weight * x)


def rrelu(x: Tensor, lower: float = 1 / 8, upper: float = 1 / 3, training: bool = False,
          generator: torch.Generator | None = None) -> Tensor:
    """Randomised leaky ReLU: in training each negative entry gets a slope drawn from U(lower, upper);
    in evaluation the slope is the mean ``(lower + upper) / 2``."""
    if not 0 <= lower <= upper:
        raise ValueError(f"need 0 <= lower <= upper, got lower={lower}, upper={upper}")
    if training:
        a = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) * (upper - lower) + lower
    else:
        a = torch.full_like(x, (lower + upper) / 2)
    return torch.where(x >= 0, x, a * x)


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    r""":math:`x` for x > 0, :math:`\alpha(e^x - 1)` otherwise: smooth, saturates at :math:`-\alpha`."""
    return torch.where(x > 0, x, alpha * torch.expm1(x.clamp(max=0)))


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    r""":math:`x\,\Phi(x)` with :math:`\Phi` the standard normal CDF (``approximate="tanh"``: the tanh fit)."""
    if approximate == "none":
        return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    if approximate == "tanh":
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x: Tensor) -> Tensor:
    r""":math:`x\,\sigma(x)` (also called swish)."""
    return x * sigmoid(x)


ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
    "prelu": lambda x: prelu(x, torch.tensor(0.25, dtype=x.dtype)),   # torch's initial slope
    "rrelu": rrelu, "elu": elu, "gelu": gelu, "silu": silu,
}


def derivative(name: str, x: Tensor) -> Tensor:
    """The derivative of ``ACTIVATIONS[name]`` at every entry of ``x`` (by autograd, elementwise)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}")
    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(ACTIVATIONS[name](x).sum(), x)
    return g
