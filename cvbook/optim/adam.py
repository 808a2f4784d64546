"""Adam (with AMSGrad) and AdamW: momentum plus RMSprop, with bias correction (notes 003 l.354-380).

Reference: Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015;
Reddi, Kale and Kumar, "On the Convergence of Adam and Beyond", ICLR 2018 (AMSGrad);
Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019 (AdamW).
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb and
notebooks/03_optimization/10_regularization.ipynb (AdamW)
"""
from __future__ import annotations

from typing import Any, Iterable

import torch
from torch import Tensor

from cvbook.optim._base import PerParameterOptimizer
from cvbook.optim._checks import check_betas, check_nonneg

__all__ = ["Adam", "AdamW"]


class Adam(PerParameterOptimizer):
    r"""Adam with the arguments and iterates of :class:`torch.optim.Adam`.

    At step ``t`` (from 1), for a parameter ``x`` (any shape) with gradient ``g``:

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1) g \qquad v \leftarrow \beta_2 v + (1-\beta_2) g^2 \\
        \hat m &= m / (1-\beta_1^t) \qquad\qquad\ \ \hat v = v / (1-\beta_2^t) \\
        x &\leftarrow x - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    ``weight_decay`` adds ``lambda x`` to ``g`` (an L2 penalty, coupled to the adaptive scaling) unless
    ``decoupled_weight_decay`` (then ``x <- (1 - eta lambda) x`` first, which is AdamW).
    ``amsgrad`` replaces ``v`` by its running maximum; as in PyTorch, the maximum is taken over the raw
    ``v`` and then bias-corrected (the AMSGrad paper has no bias correction at all).
    Reference: Kingma and Ba, ICLR 2015, Algorithm 1; Reddi et al., ICLR 2018, Algorithm 2.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False, *,
                 maximize: bool = False, decoupled_weight_decay: bool = False) -> None:
        check_nonneg("lr", lr)
        check_betas(betas)
        check_nonneg("eps", eps)
        check_nonneg("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = state["step"]
        lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(x)        # m, first moment
            state["exp_avg_sq"] = torch.zeros_like(x)     # v, second moment
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = torch.zeros_like(x)
        if wd != 0:
            if group["decoupled_weight_decay"]:
                x.mul_(1 - lr * wd)                       # AdamW: shrink x, outside the gradient
            else:
                g = g + wd * x                            # Adam + L2: the penalty's gradient
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.mul_(beta1).add_((1 - beta1) * g)
        v.mul_(beta2).add_((1 - beta2) * g * g)
        if group["amsgrad"]:
            torch.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        # Bias correction: m and v start at 0, so early on they underestimate E[g] and E[g^2].
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        x.add_(-lr * m_hat / (v_hat.sqrt() + eps))


class AdamW(Adam):
    r"""AdamW: Adam with *decoupled* weight decay, as :class:`torch.optim.AdamW`.

    .. math::
        x \leftarrow (1 - \eta\lambda)\, x, \quad\text{then the Adam step on } g \text{ (without } \lambda x)

    Under Adam an L2 penalty's gradient ``lambda x`` is divided by ``sqrt(v_hat)``, so weights with large
    gradients are barely decayed; decoupling applies the same relative decay to every weight.
    Note: PyTorch multiplies the decay by ``lr`` (the paper uses a separate schedule multiplier).
    Reference: Loshchilov and Hutter, ICLR 2019, Algorithm 2.
    Taught in: notebooks/03_optimization/10_regularization.ipynb
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)


