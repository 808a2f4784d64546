"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

Two momentum conventions exist and both are here:

- PyTorch's (:class:`SGD`): ``b = mu * b + (1 - dampening) * g``, ``x = x - lr * b``. The learning rate
  multiplies the *whole* velocity at every step.
- The classical one of Polyak and of the diary (notes 004 l.167-169, :class:`ClassicalMomentumSGD`):
  ``v = mu * v - lr * g``, ``x = x + v``. The learning rate is folded into the velocity when the
  gradient enters it.

With a constant learning rate the two give the same iterates (``v = -lr * b``); when the learning rate
changes they differ, because the PyTorch velocity is rescaled by the *new* rate at once.

Reference: Polyak, "Some methods of speeding up the convergence of iteration methods", 1964;
Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
Taught in: notebooks/03_optimization/03_momentum.ipynb
"""
from __future__ import annotations

from typing import Iterable

import torch

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_nonneg

__all__ = ["SGD", "ClassicalMomentumSGD"]


class SGD(PerParameterOptimizer):
    r"""SGD with the same arguments and the same iterates as :class:`torch.optim.SGD`.

    For each parameter ``x`` (any shape) with gradient ``g``:

    .. math::
        g &\leftarrow g + \lambda x \\
        b &\leftarrow \mu b + (1-\tau) g \quad (b_1 = g) \\
        d &= g + \mu b \text{ (Nesterov) or } b \\
        x &\leftarrow x - \eta d

    Args: ``lr`` (eta), ``momentum`` (mu), ``dampening`` (tau), ``weight_decay`` (lambda, an L2 penalty
    added to the gradient), ``nesterov``, ``maximize``.
    Reference: Sutskever et al., ICML 2013 (Nesterov in this form).
    Taught in: notebooks/03_optimization/02_gd_variants.ipynb
    """

    def __init__(
        self,
        params: Iterable,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            check_nonneg(name, value)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def update(self, x: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * x                # L2 penalty's gradient
        if mu != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.clone()         # b_1 = g (no dampening on step 1)
            else:
                state["momentum_buffer"].mul_(mu).add_((1 - tau) * g)
            b = state["momentum_buffer"]
            g = g + mu * b if group["nesterov"] else b
        x.add_(-lr * g)


class ClassicalMomentumSGD(PerParameterOptimizer):
    r"""Momentum in the classical (diary, CS231n) convention: ``v = mu v - lr g``, ``x = x + v``.

    The diary writes the plain step as ``x += learning_rate * gradient`` (notes 004 l.166); that is
    gradient *ascent*; the descent step has a minus sign, which the momentum line does have.
    Equal to :class:`SGD` (no dampening, no Nesterov) while ``lr`` is constant; see the module docstring.
    Reference: Polyak 1964; Sutskever et al., ICML 2013, eq. (1)-(2).
    Taught in: notebooks/03_optimization/03_momentum.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            check_nonneg(name, value)
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    def update(self, x: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        lr, mu = group["lr"], group["momentum"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * x
        v = state.setdefault("velocity", torch.zeros_like(x))
        v.mul_(mu).add_(-lr * g)       # v = mu v - lr g
        x.add_(v)                      # x = x + v
