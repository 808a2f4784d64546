"""Effective receptive fields of stacks of 3×3 convolutions, and their Gaussian fit (Luo et al. 2016).

The ERF is measured with :func:`cvbook.analysis.effective_receptive_field` (chapter 1). For a network
whose gradient is a sum over paths of products of *positive* weights (uniform weights, no ReLU), the
ERF of the centre unit is the distribution of the path's end point: with per-layer offsets uniform on
``{-1, 0, 1}`` (variance 2/3) scaled by the layer's dilation and jump, its variance is exactly
``(2/3) sum_l (d_l j_{l-1})^2``; :func:`gaussian_fit` measures the variance from the ERF's moments.

Reference: W. Luo, Y. Li, R. Urtasun and R. Zemel, "Understanding the Effective Receptive Field in Deep
Convolutional Neural Networks", NeurIPS 2016.
Taught in: notebooks/08_papers/01_effective_receptive_field.ipynb
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int

__all__ = ["GaussianFit", "ResidualConv", "conv_stack", "gaussian_fit", "theoretical_sigma", "loglog_slope"]


class ResidualConv(nn.Module):
    """``y = (x + f(x)) / 2`` (``/ 2`` keeps the uniform network's scale; Luo et al.'s skip experiment)."""

    def __init__(self, body: nn.Module) -> None:
        super().__init__()
        self.body = body

    def forward(self, x: Tensor) -> Tensor:
        return 0.5 * (x + self.body(x))


def conv_stack(n_layers: int, init: str = "uniform", relu: bool = False, channels: int = 4, dilation: int = 1,
               strides: tuple[int, ...] = (), skip: bool = False, seed: int = 0) -> nn.Sequential:
    """``n_layers`` 3×3 convolutions (padding keeps the size), optionally with ReLU, dilation, strides, skips.

    Args:
        n_layers: number of convolutions ``>= 1``.
        init: ``"uniform"`` (every weight ``1 / (9 C)``, as Luo et al.'s "uniform") or ``"random"``
            (Kaiming normal, drawn from a generator seeded with ``seed``).
        relu: a ReLU after every convolution but the last.
        channels: channels of every layer (the input has ``channels`` too).
        dilation: dilation of every convolution.
        strides: 0-based indices of the layers with stride 2 (subsampling).
        skip: wrap every convolution (+ ReLU) as :class:`ResidualConv` (strided layers excepted).
        seed: for ``init="random"``.
    """
    n_layers = check_int(n_layers, "n_layers", minimum=1)
    if init not in ("uniform", "random"):
        raise ValueError(f"init must be 'uniform' or 'random', got {init!r}")
    g = as_generator(seed)
    layers: list[nn.Module] = []
    for i in range(n_layers):
        stride = 2 if i in strides else 1
        conv = nn.Conv2d(channels, channels, 3, stride=stride, padding=dilation, dilation=dilation, bias=False)
        with torch.no_grad():
            if init == "uniform":
                conv.weight.fill_(1.0 / (9 * channels))
            else:
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=g) * math.sqrt(2.0 / (9 * channels)))
        # no ReLU after the last layer: the measured unit is a pre-activation (a dead unit has no field)
        block: nn.Module = nn.Sequential(conv, nn.ReLU()) if relu and i < n_layers - 1 else conv
        layers.append(ResidualConv(block) if skip and stride == 1 else block)
    return nn.Sequential(*layers)


@dataclass(frozen=True)
class GaussianFit:
    """Moments of an ERF map: ``sigma_row``, ``sigma_col`` (pixels), ``sigma`` (their mean), and ``r2``,
    how much of the row marginal's variation a Gaussian with those moments explains (1 = a Gaussian)."""

    sigma_row: float
    sigma_col: float
    r2: float

    @property
    def sigma(self) -> float:
        return 0.5 * (self.sigma_row + self.sigma_col)


def gaussian_fit(erf: Tensor) -> GaussianFit:
    """Fit a Gaussian to an ERF map ``Tensor[H, W]`` (non-negative) by the moments of its marginals.

    Raises:
        ValueError: not 2-D, negative values, or all zeros.
    """
    if not isinstance(erf, Tensor) or erf.dim() != 2:
        raise ValueError(f"erf must be a Tensor[H, W], got {getattr(erf, 'shape', type(erf))}")
    e = erf.double()
    if (e < 0).any() or e.sum() <= 0:
        raise ValueError("erf must be non-negative with a positive sum")
    sig = []
    marginals = []
    for dim in (1, 0):
        p = e.sum(dim)
        p = p / p.sum()
        x = torch.arange(p.numel(), dtype=torch.float64)
        mu = (p * x).sum()
        var = (p * (x - mu) ** 2).sum()
        sig.append(float(var.sqrt()))
        marginals.append((p, x, mu, var))
    p, x, mu, var = marginals[0]
    gauss = torch.exp(-((x - mu) ** 2) / (2 * var.clamp_min(1e-12)))
    gauss = gauss / gauss.sum()
    r2 = 1 - float(((p - gauss) ** 2).sum() / ((p - p.mean()) ** 2).sum())
    return GaussianFit(sig[0], sig[1], r2)


def theoretical_sigma(n_layers: int, dilation: int = 1, strides: tuple[int, ...] = (), skip: bool = False) -> float:
    """The exact ERF ``sigma`` of a uniform, linear :func:`conv_stack`: ``sqrt((2/3) sum_l (d j_{l-1})^2)``,
    each non-strided term halved with skips (``(x + f(x)) / 2``: offset 0 with probability 1/2)."""
    var, jump = 0.0, 1
    for i in range(n_layers):
        term = (2.0 / 3.0) * (dilation * jump) ** 2
        var += term / 2 if skip and i not in strides else term
        jump *= 2 if i in strides else 1
    return math.sqrt(var)


def loglog_slope(x: list[float], y: list[float]) -> float:
    """Least-squares slope of ``log y`` against ``log x`` (the exponent of a power law ``y ~ x^b``)."""
    lx = torch.tensor(x, dtype=torch.float64).log()
    ly = torch.tensor(y, dtype=torch.float64).log()
    lx, ly = lx - lx.mean(), ly - ly.mean()
    return float((lx * ly).sum() / (lx * lx).sum())
