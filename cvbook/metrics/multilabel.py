"""Multi-label classification metrics: per-class average precision (AP) and its mean (mAP), and the
example-based F1, subset accuracy and per-class precision/recall/F1 at a threshold.

Conventions (those of scikit-learn, which torchmetrics 1.x shares; tested against both):

- **AP** of one class is the step-wise area under its precision-recall curve,
  :math:`\\mathrm{AP} = \\sum_k (R_k - R_{k-1})\\,P_k`, over the *distinct* scores taken as
  thresholds in decreasing order (``score >= t`` is a positive prediction). Tied scores therefore
  enter together, as one step: no order among them is invented. (The "rank" AP that sorts ties
  by index, and VOC's interpolated AP, differ exactly there.)
- A class **without positives** has AP 0 (scikit-learn sets its recall to 1 for every threshold, so
  every recall step is 0) and still counts in the mean, as in scikit-learn and torchmetrics 1.9;
  a ``UserWarning`` says so. (COCO instead leaves such a class out of the mean.)
- **Example-based F1** is the mean over images of :math:`2|Y_i \\cap \\hat Y_i| / (|Y_i| + |\\hat Y_i|)`
  (scikit-learn's ``f1_score(average="samples")``); an image with no true and no predicted label
  scores ``zero_division`` (0, scikit-learn's default). **Subset accuracy** is the fraction of images
  whose predicted set equals the true set exactly (``accuracy_score`` on multi-label input).

Reference: Tsoumakas and Katakis 2007, "Multi-Label Classification: An Overview" (example-based
measures); Everingham et al. 2010, "The PASCAL VOC Challenge" (per-class AP, mean AP).
Taught in: notebooks/03_optimization/13_multilabel.ipynb
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import torch
from torch import Tensor

__all__ = ["MultilabelAP", "MultilabelScores", "best_thresholds", "multilabel_average_precision",
           "multilabel_scores"]


@dataclass(frozen=True)
class MultilabelAP:
    """``per_class``: ``Tensor[C]`` float64, the AP of each class; ``mean``: their mean (mAP)."""

    per_class: Tensor

    @property
    def mean(self) -> float:
        return float(self.per_class.mean()) if self.per_class.numel() else math.nan


@dataclass(frozen=True)
class MultilabelScores:
    """Scores of thresholded predictions ``score >= threshold`` (``threshold``: ``Tensor[C]``).

    ``precision``, ``recall``, ``f1``: ``Tensor[C]`` float64 per class (0 where undefined, as
    scikit-learn's ``zero_division=0``); ``example_f1`` and ``subset_accuracy``: floats over images.
    """

    threshold: Tensor
    precision: Tensor
    recall: Tensor
    f1: Tensor
    example_f1: float
    subset_accuracy: float


def _check(scores: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
    """Validate and return ``(scores float64, targets bool)``, both ``(N, C)``."""
    if not isinstance(scores, Tensor) or not isinstance(targets, Tensor):
        raise TypeError(f"scores and targets must be Tensors, got {type(scores).__name__} and {type(targets).__name__}")
    if scores.dim() != 2 or targets.shape != scores.shape:
        raise ValueError(f"scores and targets must both be (N, C), got {tuple(scores.shape)} and {tuple(targets.shape)}")
    if scores.shape[1] == 0:
        raise ValueError("scores must have at least one class (C >= 1), got C = 0")
    if not scores.is_floating_point():
        raise TypeError(f"scores must be floating point, got {scores.dtype}")
    if not torch.isfinite(scores).all():
        raise ValueError("scores must be finite (no NaN or inf)")
    if targets.numel() and not ((targets == 0) | (targets == 1)).all():
        raise ValueError("targets must be multi-hot: every entry 0 or 1")
    return scores.detach().double().cpu(), targets.detach().cpu().bool()


def _binary_ap(s: Tensor, y: Tensor) -> float:
    """AP of one class, scikit-learn's convention: scores ``Tensor[N]`` float64, labels ``Tensor[N]`` bool."""
    n_pos = int(y.sum())
    if n_pos == 0:
        return 0.0
    order = torch.argsort(s, descending=True, stable=True)
    s, y = s[order], y[order].double()
    tp = torch.cumsum(y, 0)
    # the last index of each run of equal scores: one threshold per distinct score (ties enter together)
    last = torch.ones_like(s, dtype=torch.bool)
    last[:-1] = s[1:] != s[:-1]
    tp = tp[last]
    predicted = torch.nonzero(last).squeeze(1).double() + 1
    precision, recall = tp / predicted, tp / n_pos
    steps = torch.diff(recall, prepend=recall.new_zeros(1))
    return float((steps * precision).sum())


def multilabel_average_precision(scores: Tensor, targets: Tensor) -> MultilabelAP:
    """Per-class AP and mAP of scores ``(N, C)`` (any monotone score: logits, probabilities) against
    multi-hot ``targets`` ``(N, C)`` (0/1 of any dtype).

    Equals ``sklearn.metrics.average_precision_score(targets, scores, average=None)`` and
    torchmetrics' ``MultilabelAveragePrecision(average=None)``; ties are grouped (see the module).

    Returns:
        :class:`MultilabelAP`; a class with no positive gets AP 0 (with a ``UserWarning``) and is
        averaged in, as the two oracles do.

    Raises:
        TypeError: non-tensor or integer ``scores``. ValueError: shapes not both ``(N, C)``,
        ``C = 0``, non-finite scores, or targets other than 0/1.

    Reference: Everingham et al. 2010, "The PASCAL VOC Challenge" (AP per class, mean over classes);
    here without VOC's interpolation.
    Taught in: notebooks/03_optimization/13_multilabel.ipynb
    """
    s, y = _check(scores, targets)
    empty = [c for c in range(s.shape[1]) if not y[:, c].any()]
    if empty:
        warnings.warn(f"classes {empty} have no positive target: their AP is 0 and counts in the mean "
                      "(scikit-learn's convention)", UserWarning, stacklevel=2)
    return MultilabelAP(torch.tensor([_binary_ap(s[:, c], y[:, c]) for c in range(s.shape[1])], dtype=torch.float64))


def _threshold(threshold: float | Tensor, c: int) -> Tensor:
    if isinstance(threshold, bool):
        raise TypeError("threshold must be a number or a Tensor[C], got a bool")
    t = torch.as_tensor(threshold, dtype=torch.float64).cpu()
    if t.dim() == 0:
        t = t.expand(c).clone()
    if t.shape != (c,) or torch.isnan(t).any():
        raise ValueError(f"threshold must be a number or a Tensor[{c}] without NaN, got shape {tuple(t.shape)}")
    return t


def _ratio(num: Tensor, den: Tensor, zero_division: float) -> Tensor:
    return torch.where(den > 0, num / den.clamp(min=1), torch.full_like(num, zero_division))


def multilabel_scores(scores: Tensor, targets: Tensor, threshold: float | Tensor = 0.5, *,
                      zero_division: float = 0.0) -> MultilabelScores:
    """Per-class precision/recall/F1, example-based F1 and subset accuracy of ``scores >= threshold``.

    Args:
        scores: ``(N, C)`` probabilities (or any scores on the threshold's scale).
        targets: ``(N, C)`` multi-hot (0/1).
        threshold: one number for every class, or ``Tensor[C]`` (one per class, e.g. from
            :func:`best_thresholds`). Departure: torchmetrics predicts ``score > threshold``, here
            ``>=`` (as scikit-learn's curves); the two differ only for scores exactly at a threshold.
        zero_division: the value of a ratio whose denominator is 0 (an image with no true and no
            predicted label; a class never predicted or never present), scikit-learn's argument.

    Returns:
        :class:`MultilabelScores`. Equal to scikit-learn's ``precision_score``/``recall_score``/
        ``f1_score(average=None)``, ``f1_score(average="samples")`` and ``accuracy_score`` with the
        same ``zero_division``.

    Raises:
        ValueError / TypeError: as :func:`multilabel_average_precision`; a threshold neither a number
        nor ``Tensor[C]``.

    Reference: Tsoumakas and Katakis 2007, "Multi-Label Classification: An Overview" (example-based F1).
    Taught in: notebooks/03_optimization/13_multilabel.ipynb
    """
    s, y = _check(scores, targets)
    t = _threshold(threshold, s.shape[1])
    zd = float(zero_division)
    pred = s >= t
    yd, pd = y.double(), pred.double()
    tp = (yd * pd).sum(0)
    precision, recall = _ratio(tp, pd.sum(0), zd), _ratio(tp, yd.sum(0), zd)
    f1 = _ratio(2 * tp, pd.sum(0) + yd.sum(0), zd)
    n = s.shape[0]
    per_image = _ratio(2 * (yd * pd).sum(1), pd.sum(1) + yd.sum(1), zd)
    example_f1 = float(per_image.mean()) if n else math.nan
    subset = float((pred == y).all(1).double().mean()) if n else math.nan
    return MultilabelScores(t, precision, recall, f1, example_f1, subset)


def best_thresholds(scores: Tensor, targets: Tensor) -> Tensor:
    """Per-class thresholds ``Tensor[C]`` float64 that maximise each class's F1 on these data.

    Candidates are the class's distinct scores (``score >= t`` predicts positive), as in
    ``sklearn.metrics.precision_recall_curve``; among equal F1 the highest threshold wins. A class
    with no positive gets ``+inf`` (predict it never). Choose them on validation data, apply them
    to test data: chosen and scored on the same data they overstate F1.

    Raises:
        as :func:`multilabel_average_precision`.

    Taught in: notebooks/03_optimization/13_multilabel.ipynb
    """
    s, y = _check(scores, targets)
    out = torch.full((s.shape[1],), math.inf, dtype=torch.float64)
    for c in range(s.shape[1]):
        n_pos = int(y[:, c].sum())
        if n_pos == 0:
            continue
        order = torch.argsort(s[:, c], descending=True, stable=True)
        sc, yc = s[order, c], y[order, c].double()
        tp = torch.cumsum(yc, 0)
        last = torch.ones_like(sc, dtype=torch.bool)
        last[:-1] = sc[1:] != sc[:-1]
        predicted = torch.nonzero(last).squeeze(1).double() + 1
        f1 = 2 * tp[last] / (predicted + n_pos)
        out[c] = sc[last][int(torch.argmax(f1))]  # argmax returns the first maximum: the highest threshold
    return out
