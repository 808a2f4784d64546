"""NAdam: Adam with Nesterov momentum (look ahead with the next step's momentum coefficient).

Reference: Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_betas, check_nonneg

__all__ = ["NAdam"]


class NAdam(PerParameterOptimizer):
    r"""NAdam with the arguments and iterates of :class:`torch.optim.NAdam`.

    With the warming momentum schedule :math:`\mu_t = \beta_1 (1 - \tfrac12 0.96^{t\psi})`
    (``psi = momentum_decay``) and :math:`\Pi_t = \prod_{i\le t}\mu_i`:

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1) g \qquad v \leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        \hat v &= v / (1-\beta_2^t) \\
        x &\leftarrow x - \eta \left[\frac{(1-\mu_t)\, g}{1-\Pi_t}
             + \frac{\mu_{t+1}\, m}{1-\Pi_{t+1}}\right] / (\sqrt{\hat v} + \epsilon)

    The gradient term is corrected with the product up to ``t``; the momentum term looks one step
    ahead with ``mu_{t+1}``: that is the Nesterov part.
    Reference: Dozat 2016, Algorithm 2.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False) -> None:
        check_nonneg("lr", lr)
        check_betas(betas)
        for name, value in (("eps", eps), ("weight_decay", weight_decay), ("momentum_decay", momentum_decay)):
            check_nonneg(name, value)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize))

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = state["step"]
        lr, (beta1, beta2), psi = group["lr"], group["betas"], group["momentum_decay"]
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(x)
            state["exp_avg_sq"] = torch.zeros_like(x)
            state["mu_product"] = 1.0
        if group["weight_decay"] != 0:
            if group["decoupled_weight_decay"]:
                x.mul_(1 - lr * group["weight_decay"])
            else:
                g = g + group["weight_decay"] * x
        mu_t = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu_t
        prod_t, prod_next = state["mu_product"], state["mu_product"] * mu_next
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.mul_(beta1).add_((1 - beta1) * g)
        v.mul_(beta2).add_((1 - beta2) * g * g)
        denom = (v / (1 - beta2**t)).sqrt() + group["eps"]
        x.add_(-lr * (1 - mu_t) / (1 - prod_t) * g / denom)
        x.add_(-lr * mu_next / (1 - prod_next) * m / denom)
