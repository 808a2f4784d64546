"""Focal loss for dense detection, and the prior initialisation of the classifier's bias.

``FL(p_t) = -α_t (1 - p_t)^γ log(p_t)``: the factor ``(1 - p_t)^γ`` shrinks the loss of easy,
well-classified examples (``p_t`` near 1), so the many easy background anchors no longer swamp
the few hard ones.

Reference: Lin, Goyal, Girshick, He, Dollár 2017, "Focal Loss for Dense Object Detection", Eq. (5)
and Sec. 3.3 (prior initialisation).
Taught in: notebooks/05_detection/05_focal_loss.ipynb
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_positive, check_tensor

__all__ = ["sigmoid_focal_loss", "prior_bias"]


def sigmoid_focal_loss(inputs: Tensor, targets: Tensor, alpha: float = 0.25, gamma: float = 2.0,
                       reduction: str = "none") -> Tensor:
    """Binary focal loss on logits, element-wise (torchvision's ``sigmoid_focal_loss``).

    Args:
        inputs: logits of any shape. targets: same shape, 0/1 (soft labels allowed).
        alpha: weight of the positives in ``[0, 1]``, or ``-1`` for no weighting.
        gamma: focusing parameter ``γ >= 0`` (``γ = 0``, ``alpha = -1`` is cross-entropy).
        reduction: ``"none"`` | ``"mean"`` | ``"sum"``.

    Returns:
        The loss, ``inputs``' shape or a scalar.

    Raises:
        ValueError: shapes differ, alpha or gamma out of range, an unknown reduction.

    Reference: Lin et al. 2017, "Focal Loss for Dense Object Detection", Eq. (5).
    Taught in: notebooks/05_detection/05_focal_loss.ipynb
    """
    check_tensor(inputs, "inputs")
    check_tensor(targets, "targets")
    if inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must have the same shape, got {tuple(inputs.shape)} and {tuple(targets.shape)}")
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"alpha must lie in [0, 1] or be -1 (no weighting), got {alpha}")
    gamma = check_positive(gamma, "gamma", strict=False)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    targets = targets.to(inputs.dtype)
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    return loss


def prior_bias(prior: float) -> float:
    """The bias ``b = -log((1 - π) / π)`` that makes a sigmoid classifier start at ``p = π``.

    Args:
        prior: ``π`` in ``(0, 1)`` (RetinaNet: 0.01).

    Returns:
        ``b`` as a float (``sigmoid(b) == π``).

    Raises:
        ValueError: ``prior`` outside ``(0, 1)``.

    Reference: Lin et al. 2017, "Focal Loss for Dense Object Detection", Sec. 3.3 and 4.1.
    Taught in: notebooks/05_detection/05_focal_loss.ipynb
    """
    prior = check_positive(prior, "prior")
    if prior >= 1:
        raise ValueError(f"prior must lie in (0, 1), got {prior}")
    return -math.log((1 - prior) / prior)
