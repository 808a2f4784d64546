"""AdaDelta: AdaGrad's denominator as a running average, and a numerator that carries units of x.

Reference: Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_nonneg, check_unit_interval

__all__ = ["Adadelta"]


class Adadelta(PerParameterOptimizer):
    r"""AdaDelta with the arguments and iterates of :class:`torch.optim.Adadelta`.

    .. math::
        E[g^2] &\leftarrow \rho E[g^2] + (1-\rho) g^2 \\
        \Delta &= \frac{\sqrt{E[\Delta x^2] + \epsilon}}{\sqrt{E[g^2] + \epsilon}}\, g \\
        E[\Delta x^2] &\leftarrow \rho E[\Delta x^2] + (1-\rho) \Delta^2 \\
        x &\leftarrow x - \eta \Delta

    The paper has no ``lr`` (eta = 1); PyTorch adds it as a multiplier, default 1.0.
    Reference: Zeiler 2012, Algorithm 1.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, *, maximize: bool = False) -> None:
        check_nonneg("lr", lr)
        check_unit_interval("rho", rho, closed=True)
        check_nonneg("eps", eps)
        check_nonneg("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        if "square_avg" not in state:
            state["square_avg"] = torch.zeros_like(x)   # E[g^2]
            state["acc_delta"] = torch.zeros_like(x)    # E[dx^2]
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        Eg2, Edx2 = state["square_avg"], state["acc_delta"]
        Eg2.mul_(rho).add_((1 - rho) * g * g)
        delta = (Edx2 + eps).sqrt() / (Eg2 + eps).sqrt() * g
        Edx2.mul_(rho).add_((1 - rho) * delta * delta)
        x.add_(-group["lr"] * delta)
