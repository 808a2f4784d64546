"""AdaBound (and AMSBound): Adam whose per-coordinate step size is clipped into bounds that close in
on a final SGD learning rate, so training starts like Adam and ends like SGD.

Torch has no counterpart; the update follows the authors' reference implementation
(github.com/Luolc/AdaBound), whose bounds use ``gamma`` in place of the paper's ``1 - beta2``.
Reference: Luo, Xiong, Liu and Sun, "Adaptive Gradient Methods with Dynamic Bound of Learning Rate",
ICLR 2019.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_betas, check_nonneg

__all__ = ["AdaBound", "adabound_bounds"]


def adabound_bounds(final_lr: float, gamma: float, t: int) -> tuple[float, float]:
    r"""The step-size bounds at step ``t >= 1``:
    :math:`\eta_l = \eta^*(1 - \frac{1}{\gamma t + 1})`, :math:`\eta_u = \eta^*(1 + \frac{1}{\gamma t})`.

    Both tend to ``final_lr`` (eta*) as t grows; at ``t = 1`` the interval is nearly ``[0, inf)``.
    Reference: Luo et al., ICLR 2019, Section 4 (with gamma for 1 - beta2, as in their code).
    """
    if t < 1:
        raise ValueError(f"step t must be >= 1, got {t}")
    return final_lr * (1 - 1 / (gamma * t + 1)), final_lr * (1 + 1 / (gamma * t))


class AdaBound(PerParameterOptimizer):
    r"""AdaBound: Adam's step size, clipped elementwise into ``[eta_l(t), eta_u(t)]``.

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1) g \qquad v \leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        \alpha_t &= \eta \sqrt{1-\beta_2^t} / (1-\beta_1^t) \\
        \hat\eta &= \mathrm{clip}\big(\alpha_t / (\sqrt{v} + \epsilon),\ \eta_l(t),\ \eta_u(t)\big) \\
        x &\leftarrow x - \hat\eta \odot m

    ``amsbound=True`` uses the running maximum of ``v`` (AMSBound). ``weight_decay`` is an L2 term added
    to the gradient. As in the reference code, a learning-rate scheduler that changes ``lr`` scales
    ``final_lr`` by the same factor (``final_lr * lr / initial lr``).
    Reference: Luo et al., ICLR 2019, Algorithm 2 and 3.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 final_lr: float = 0.1, gamma: float = 1e-3, eps: float = 1e-8,
                 weight_decay: float = 0.0, amsbound: bool = False) -> None:
        check_nonneg("lr", lr)
        check_betas(betas)
        for name, value in (("final_lr", final_lr), ("eps", eps), ("weight_decay", weight_decay)):
            check_nonneg(name, value)
        check_nonneg("gamma", gamma)
        if gamma == 0:
            raise ValueError("gamma must be > 0 (it sets how fast the bounds converge), got 0")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), final_lr=final_lr, gamma=gamma,
                                      eps=eps, weight_decay=weight_decay, amsbound=amsbound))
        for group in self.param_groups:
            group["base_lr"] = group["lr"]      # to rescale final_lr when a scheduler changes lr

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = state["step"]
        beta1, beta2 = group["betas"]
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(x)
            state["exp_avg_sq"] = torch.zeros_like(x)
            if group["amsbound"]:
                state["max_exp_avg_sq"] = torch.zeros_like(x)
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.mul_(beta1).add_((1 - beta1) * g)
        v.mul_(beta2).add_((1 - beta2) * g * g)
        if group["amsbound"]:
            torch.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        alpha_t = group["lr"] * (1 - beta2**t) ** 0.5 / (1 - beta1**t)   # bias-corrected Adam step
        base_lr = group.setdefault("base_lr", group["lr"])
        final_lr = group["final_lr"] * group["lr"] / base_lr if base_lr > 0 else group["final_lr"]
        lower, upper = adabound_bounds(final_lr, group["gamma"], t)
        eta = (alpha_t / (v.sqrt() + group["eps"])).clamp(lower, upper)
        x.add_(-eta * m)
