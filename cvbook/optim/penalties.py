r"""Parameter-norm penalties (参数范数惩罚, notes 003 l.186-190) and the soft-threshold that makes L1 sparse.

Minimising :math:`f(w) + \lambda\|w\|_1` by proximal gradient descent (ISTA) alternates a gradient step
on f with the proximal step of the L1 norm, the soft-threshold
:math:`S_\tau(w) = \mathrm{sign}(w)\max(|w| - \tau, 0)`, which sets small weights to *exactly* zero.
The L2 penalty's proximal step is a rescaling :math:`w / (1 + \tau)`, which never reaches zero.
Reference: Tibshirani, "Regression Shrinkage and Selection via the Lasso", JRSS-B 58(1), 1996;
Beck and Teboulle, "A Fast Iterative Shrinkage-Thresholding Algorithm", SIAM J. Imaging Sci., 2009.
Taught in: notebooks/03_optimization/10_regularization.ipynb
"""
from __future__ import annotations

from typing import Iterable

import torch
from torch import Tensor

__all__ = ["l1_penalty", "l2_penalty", "soft_threshold"]


def l1_penalty(params: Iterable[Tensor]) -> Tensor:
    r""":math:`\sum_i |w_i|` over all tensors in ``params`` (differentiable; subgradient 0 at 0)."""
    return sum((p.abs().sum() for p in params), torch.tensor(0.0))


def l2_penalty(params: Iterable[Tensor]) -> Tensor:
    r""":math:`\tfrac12 \sum_i w_i^2`: its gradient is :math:`w`, which is what ``weight_decay`` adds."""
    return sum((0.5 * (p**2).sum() for p in params), torch.tensor(0.0))


def soft_threshold(w: Tensor, tau: float) -> Tensor:
    r"""The proximal operator of :math:`\tau\|w\|_1`: :math:`\mathrm{sign}(w)\max(|w| - \tau, 0)`."""
    if tau < 0:
        raise ValueError(f"threshold tau must be >= 0, got {tau}")
    return torch.sign(w) * (w.abs() - tau).clamp(min=0)
