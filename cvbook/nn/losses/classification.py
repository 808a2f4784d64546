"""Losses from their formulas: cross-entropy via log-sum-exp, hinge, label smoothing, and the gradients
that explain why a sigmoid output pairs with cross-entropy rather than MSE (notes 003 l.405, 466-472).

Reference: Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016
(label smoothing); Crammer and Singer, "On the Algorithmic Implementation of Multiclass Kernel-based
Vector Machines", JMLR 2001 (multiclass hinge; torch's ``multi_margin_loss`` is the Weston-Watkins sum).
Taught in: notebooks/03_optimization/09_losses.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["logsumexp", "log_softmax", "naive_cross_entropy", "cross_entropy", "multiclass_hinge",
           "sigmoid_ce_logit_grad", "sigmoid_mse_logit_grad"]


def _check_logits(logits: Tensor, target: Tensor) -> None:
    if not isinstance(logits, Tensor) or logits.dim() != 2:
        raise ValueError(f"logits must be a Tensor (N, C), got {getattr(logits, 'shape', type(logits))}")
    if target.dtype != torch.int64 or target.shape != logits.shape[:1]:
        raise ValueError(f"target must be int64 class indices of shape ({logits.shape[0]},), "
                         f"got {target.dtype} {tuple(target.shape)}")


def logsumexp(x: Tensor, dim: int = -1) -> Tensor:
    r""":math:`\log\sum_j e^{x_j} = m + \log\sum_j e^{x_j - m}` with :math:`m = \max_j x_j`.

    Subtracting the max makes every exponent <= 0, so ``exp`` cannot overflow and the largest term is
    exactly 1 (no underflow of the whole sum). Same values as ``torch.logsumexp``.
    Taught in: notebooks/03_optimization/09_losses.ipynb
    """
    m = x.amax(dim=dim, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))   # all -inf rows: keep -inf, not nan
    return (m + (x - m).exp().sum(dim=dim, keepdim=True).log()).squeeze(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``dim``: the stable log-probabilities."""
    return x - logsumexp(x, dim).unsqueeze(dim)


def naive_cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Mean cross-entropy computed as ``-log(exp(z_y) / sum exp(z))``: overflows for logits ~ 90 in float32
    (``exp(89) = inf``). Kept to show why :func:`cross_entropy` exists."""
    _check_logits(logits, target)
    p = logits.exp() / logits.exp().sum(1, keepdim=True)
    return -p[torch.arange(len(target)), target].log().mean()


def cross_entropy(logits: Tensor, target: Tensor, label_smoothing: float = 0.0) -> Tensor:
    r"""Mean cross-entropy from logits ``(N, C)`` and labels ``(N,)``, optionally label-smoothed.

    With smoothing :math:`\varepsilon` the target is :math:`(1-\varepsilon)\,\mathrm{onehot}(y) +
    \varepsilon / C` (every class, the true one included, gets :math:`\varepsilon/C`), as in
    ``torch.nn.functional.cross_entropy(label_smoothing=...)``. The notes (002 l.226-229) describe it as
    turning ``[0, 1]`` into ``[0.2, 0.8]``: that is two classes with ``eps = 0.4``.
    Reference: Szegedy et al., CVPR 2016, Section 7.
    Taught in: notebooks/03_optimization/09_losses.ipynb
    """
    _check_logits(logits, target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}")
    logp = log_softmax(logits, dim=1)
    nll = -logp[torch.arange(len(target)), target]
    uniform = -logp.mean(dim=1)                                 # CE against the uniform distribution
    return ((1 - label_smoothing) * nll + label_smoothing * uniform).mean()


def multiclass_hinge(logits: Tensor, target: Tensor, margin: float = 1.0) -> Tensor:
    r"""Multiclass hinge loss :math:`\frac1N\sum_n \frac1C \sum_{j\ne y_n} \max(0, m - z_{y_n} + z_j)`.

    The wrong classes must score at least ``margin`` below the right one; once they do, the loss and
    its gradient are zero (unlike cross-entropy, which always pushes). Equal to
    ``torch.nn.functional.multi_margin_loss`` (which divides by C, Weston-Watkins form).
    Taught in: notebooks/03_optimization/09_losses.ipynb
    """
    _check_logits(logits, target)
    zy = logits.gather(1, target[:, None])
    hinge = (margin - zy + logits).clamp(min=0)
    hinge = hinge.scatter(1, target[:, None], 0.0)               # j = y is not a violation
    return (hinge.sum(1) / logits.shape[1]).mean()


def sigmoid_ce_logit_grad(z: Tensor, y: Tensor) -> Tensor:
    r""":math:`\partial/\partial z` of binary cross-entropy of :math:`p = \sigma(z)`: :math:`p - y`.

    The sigmoid's derivative :math:`p(1-p)` cancels against :math:`1/(p(1-p))` from the log, so the
    gradient is large whenever the prediction is wrong, even when the sigmoid saturates.
    Taught in: notebooks/03_optimization/07_activations.ipynb
    """
    return torch.sigmoid(z) - y


def sigmoid_mse_logit_grad(z: Tensor, y: Tensor) -> Tensor:
    r""":math:`\partial/\partial z` of :math:`\tfrac12(\sigma(z) - y)^2`: :math:`(p - y)\,p(1-p)`.

    The factor :math:`p(1-p) \le 1/4` vanishes when the sigmoid saturates: a confidently *wrong*
    output (z = -10, y = 1) gets almost no gradient.
    Taught in: notebooks/03_optimization/07_activations.ipynb
    """
    p = torch.sigmoid(z)
    return (p - y) * p * (1 - p)
