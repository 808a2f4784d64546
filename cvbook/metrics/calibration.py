"""Calibration: expected calibration error (ECE) and the per-bin numbers of a reliability diagram.

A classifier is *calibrated* when, among the samples it predicts with confidence ``p``, a fraction ``p``
is right. Bin the top-1 confidences into ``n_bins`` equal-width bins ``(lo, hi]`` (a confidence of
exactly 0 goes to the first bin); then

    ECE = sum_b (n_b / N) |acc_b - conf_b|,

the count-weighted mean gap between the accuracy and the mean confidence of each bin.

Departs from torchmetrics (the test's oracle) only at bin edges: torchmetrics' bins are ``[lo, hi)``
(``torch.bucketize(right=True)``); Guo et al. define ``I_m = ((m-1)/M, m/M]``, as here.

Reference: C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of Modern Neural Networks",
ICML 2017, Section 2; M. P. Naeini, G. Cooper and M. Hauskrecht, AAAI 2015 (ECE).
Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import check_int, check_shape

__all__ = ["ReliabilityBins", "reliability_bins", "expected_calibration_error"]


@dataclass(frozen=True)
class ReliabilityBins:
    """Per-bin numbers of a reliability diagram (``B = n_bins``).

    Fields: ``edges Tensor[B + 1]``; ``count LongTensor[B]``; ``accuracy Tensor[B]`` and
    ``confidence Tensor[B]`` (the bin's fraction correct and mean confidence, 0 for an empty bin);
    ``ece``: the expected calibration error, a float.
    """

    edges: Tensor
    count: Tensor
    accuracy: Tensor
    confidence: Tensor
    ece: float


def _top1(probs: Tensor, labels: Tensor) -> tuple[Tensor, Tensor]:
    n = check_shape(probs, "N C", "probs")["N"]
    check_shape(labels, "N", "labels")
    if labels.numel() != n:
        raise ValueError(f"labels must have one entry per row of probs ({n}), got {labels.numel()}")
    if not probs.is_floating_point():
        raise TypeError(f"probs must be floating point, got {probs.dtype}")
    if labels.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"labels must be integer class indices, got {labels.dtype}")
    if n == 0:
        raise ValueError("ECE of an empty set is undefined: probs has 0 rows")
    if (probs < 0).any() or (probs > 1).any():
        raise ValueError("probs must be probabilities in [0, 1] (apply softmax to logits first)")
    conf, pred = probs.max(1)
    return conf, (pred == labels.to(pred.device)).to(probs.dtype)


def reliability_bins(probs: Tensor, labels: Tensor, n_bins: int = 15) -> ReliabilityBins:
    """Bin the top-1 confidences into equal-width bins ``(lo, hi]`` and measure each bin.

    Args:
        probs: ``Tensor[N, C]`` class probabilities (rows of a softmax).
        labels: ``LongTensor[N]`` true classes.
        n_bins: number of bins ``>= 1``.

    Returns:
        A :class:`ReliabilityBins`.

    Raises:
        ValueError: bad shapes, values outside ``[0, 1]``, ``N = 0`` or ``n_bins < 1``.

    Reference: Guo et al., ICML 2017, eq. (3)-(4).
    Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
    """
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    conf, correct = _top1(probs, labels)
    edges = torch.linspace(0, 1, n_bins + 1, dtype=probs.dtype, device=probs.device)
    # right=False: index i with edges[i] < c <= edges[i + 1]; a confidence of 0 lands in bin 0
    idx = torch.bucketize(conf, edges[1:-1], right=False)
    count = torch.bincount(idx, minlength=n_bins)
    denom = count.clamp_min(1).to(probs.dtype)
    acc = torch.zeros(n_bins, dtype=probs.dtype, device=probs.device).index_add_(0, idx, correct) / denom
    mean_conf = torch.zeros(n_bins, dtype=probs.dtype, device=probs.device).index_add_(0, idx, conf) / denom
    ece = float(((count.to(probs.dtype) / conf.numel()) * (acc - mean_conf).abs()).sum())
    return ReliabilityBins(edges.cpu(), count.cpu(), acc.cpu(), mean_conf.cpu(), ece)


def expected_calibration_error(probs: Tensor, labels: Tensor, n_bins: int = 15) -> Tensor:
    """Expected calibration error of top-1 predictions with equal-width bins ``(lo, hi]``.

    Args:
        probs: ``Tensor[N, C]`` class probabilities.
        labels: ``LongTensor[N]``.
        n_bins: number of bins (15 as in Guo et al. and torchmetrics).

    Returns:
        A scalar tensor in ``[0, 1]``, ``probs``' dtype.

    Raises:
        ValueError: see :func:`reliability_bins`.

    Reference: Guo et al., ICML 2017, eq. (3).
    Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
    """
    return torch.tensor(reliability_bins(probs, labels, n_bins).ece, dtype=probs.dtype)
