"""AdaGrad: per-coordinate step sizes from the running sum of squared gradients.

Reference: Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
Optimization", JMLR 2011.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_nonneg

__all__ = ["Adagrad"]


class Adagrad(PerParameterOptimizer):
    r"""AdaGrad with the arguments and iterates of :class:`torch.optim.Adagrad`.

    .. math::
        g &\leftarrow g + \lambda x \\
        \tilde\eta_t &= \eta / (1 + (t-1)\,\text{lr\_decay}) \\
        s &\leftarrow s + g^2 \\
        x &\leftarrow x - \tilde\eta_t\, g / (\sqrt{s} + \epsilon)

    ``s`` starts at ``initial_accumulator_value``. Parameters: any shape. The ``lr_decay`` term is
    PyTorch's addition, not in the paper.
    Reference: Duchi et al., JMLR 2011.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        for name, value in (("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                            ("initial_accumulator_value", initial_accumulator_value), ("eps", eps)):
            check_nonneg(name, value)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = state["step"]
        if "sum" not in state:
            state["sum"] = torch.full_like(x, group["initial_accumulator_value"])
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        s = state["sum"]
        s.add_(g * g)                                   # s = s + g^2
        x.add_(-lr_t * g / (s.sqrt() + group["eps"]))   # x = x - lr_t g / (sqrt(s) + eps)
