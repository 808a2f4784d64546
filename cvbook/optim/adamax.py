"""Adamax: Adam with the infinity norm in place of the root mean square.

Reference: Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Section 7.1.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_betas, check_nonneg

__all__ = ["Adamax"]


class Adamax(PerParameterOptimizer):
    r"""Adamax with the arguments and iterates of :class:`torch.optim.Adamax`.

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1) g \\
        u &\leftarrow \max(\beta_2 u,\ |g| + \epsilon) \\
        x &\leftarrow x - \frac{\eta}{1-\beta_1^t}\, \frac{m}{u}

    ``u`` needs no bias correction (a max is not biased towards 0). PyTorch adds ``eps`` inside the
    max (the paper has none).
    Reference: Kingma and Ba, ICLR 2015, Algorithm 2.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        check_nonneg("lr", lr)
        check_betas(betas)
        check_nonneg("eps", eps)
        check_nonneg("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = state["step"]
        beta1, beta2 = group["betas"]
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(x)
            state["exp_inf"] = torch.zeros_like(x)
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        m, u = state["exp_avg"], state["exp_inf"]
        m.mul_(beta1).add_((1 - beta1) * g)
        torch.maximum(beta2 * u, g.abs() + group["eps"], out=u)
        x.add_(-group["lr"] / (1 - beta1**t) * m / u)
