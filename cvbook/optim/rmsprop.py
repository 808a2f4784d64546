"""RMSprop: divide the gradient by a running root-mean-square of recent gradients (notes 003 l.344-352).

Reference: Tieleman and Hinton, Lecture 6.5 of "Neural Networks for Machine Learning" (Coursera), 2012;
the centred variant: Graves, "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850, 2013.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_nonneg, check_unit_interval

__all__ = ["RMSprop"]


class RMSprop(PerParameterOptimizer):
    r"""RMSprop with the arguments and iterates of :class:`torch.optim.RMSprop`.

    .. math::
        v &\leftarrow \alpha v + (1-\alpha) g^2 \\
        \bar g &\leftarrow \alpha \bar g + (1-\alpha) g \quad\text{(centered only)} \\
        d &= \sqrt{v - \bar g^2} + \epsilon \text{ (centered) or } \sqrt{v} + \epsilon \\
        b &\leftarrow \mu b + g / d, \quad x \leftarrow x - \eta b \quad (\mu > 0) \\
        x &\leftarrow x - \eta\, g / d \quad (\mu = 0)

    The notes (003 l.344-350) put epsilon nowhere; PyTorch adds it *outside* the square root.
    Reference: Tieleman and Hinton 2012; Graves 2013 (centered, eq. 38-45).
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
                 *, maximize: bool = False) -> None:
        check_nonneg("lr", lr)
        check_unit_interval("alpha", alpha, closed=True)
        for name, value in (("eps", eps), ("weight_decay", weight_decay), ("momentum", momentum)):
            check_nonneg(name, value)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        alpha, lr, mu = group["alpha"], group["lr"], group["momentum"]
        if "square_avg" not in state:
            state["square_avg"] = torch.zeros_like(x)
            state["grad_avg"] = torch.zeros_like(x)
            state["momentum_buffer"] = torch.zeros_like(x)
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x
        v = state["square_avg"]
        v.mul_(alpha).add_((1 - alpha) * g * g)
        if group["centered"]:
            g_bar = state["grad_avg"]
            g_bar.mul_(alpha).add_((1 - alpha) * g)
            d = (v - g_bar * g_bar).sqrt() + group["eps"]   # an estimate of the gradient's std
        else:
            d = v.sqrt() + group["eps"]
        if mu > 0:
            b = state["momentum_buffer"]
            b.mul_(mu).add_(g / d)
            x.add_(-lr * b)
        else:
            x.add_(-lr * g / d)
