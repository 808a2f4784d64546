r"""Knowledge distillation (知识蒸馏): a student matches the teacher's softened class probabilities.

With teacher logits :math:`t`, student logits :math:`s` and temperature :math:`T`,
:math:`p^T = \operatorname{softmax}(t/T)` and :math:`q^T = \operatorname{softmax}(s/T)`; the loss is

.. math::  L = \alpha\, T^2\, \mathrm{KL}(p^T \,\|\, q^T) + (1 - \alpha)\, \mathrm{CE}(s, y),

averaged over the batch. The :math:`T^2` keeps the soft term's gradient on the scale of the hard term's
(the gradient of the KL term with respect to :math:`s` is :math:`(q^T - p^T)/T`, so it shrinks like
:math:`1/T`, and like :math:`1/T^2` once the logits are small against :math:`T`).

Reference: G. Hinton, O. Vinyals and J. Dean, "Distilling the Knowledge in a Neural Network",
NIPS Deep Learning Workshop 2014 (arXiv:1503.02531), section 2.
Taught in: notebooks/08_papers/10_compression.ipynb
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["distillation_loss", "DistillationLoss"]


def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, target: Tensor, temperature: float = 4.0,
                      alpha: float = 0.9) -> Tensor:
    """Hinton's loss ``alpha * T² * KL(p_teacher^T || q_student^T) + (1 - alpha) * CE(student, target)``.

    Args:
        student_logits: ``(N, K)``.
        teacher_logits: ``(N, K)``; treated as constants (detached).
        target: ``(N,)`` class indices in ``0..K-1``.
        temperature: ``T > 0``.
        alpha: weight of the soft term, in [0, 1].

    Returns:
        A scalar: the batch mean.

    Raises:
        ValueError: shapes that differ or are not ``(N, K)`` / ``(N,)``, an empty batch, ``T <= 0`` or
            ``alpha`` outside [0, 1].
    """
    if student_logits.dim() != 2 or student_logits.shape != teacher_logits.shape:
        raise ValueError(f"student and teacher logits must both be (N, K), got {tuple(student_logits.shape)} "
                         f"and {tuple(teacher_logits.shape)}")
    if student_logits.shape[0] == 0:
        raise ValueError("empty batch: need N >= 1")
    if target.shape != (student_logits.shape[0],):
        raise ValueError(f"target must be (N,) = ({student_logits.shape[0]},), got {tuple(target.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    log_q = F.log_softmax(student_logits / temperature, dim=1)
    log_p = F.log_softmax(teacher_logits.detach() / temperature, dim=1)
    kl = (log_p.exp() * (log_p - log_q)).sum(1).mean()
    return alpha * temperature ** 2 * kl + (1 - alpha) * F.cross_entropy(student_logits, target)


class DistillationLoss(nn.Module):
    """:func:`distillation_loss` as a module with fixed ``temperature`` and ``alpha``."""

    def __init__(self, temperature: float = 4.0, alpha: float = 0.9) -> None:
        super().__init__()
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
        self.temperature, self.alpha = temperature, alpha

    def forward(self, student_logits: Tensor, teacher_logits: Tensor, target: Tensor) -> Tensor:
        return distillation_loss(student_logits, teacher_logits, target, self.temperature, self.alpha)
