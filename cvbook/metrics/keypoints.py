"""Keypoint detector metrics: precision-recall and AP within eps pixels, localisation error,
repeatability under a homography, and homography estimation accuracy.

Conventions: points are ``(x, y)`` pixels. A detection is **correct** when it is matched to a
ground-truth corner within ``eps`` pixels (Euclidean); matching is greedy, one-to-one, strongest
detection first over the whole data set (as COCO does for boxes), so a corner found twice counts
once. ``eps = 4`` is what the public reimplementations of SuperPoint's Table 2 use.

AP is the non-interpolated area under the precision-recall curve, ``sum_n (R_n - R_{n-1}) P_n``,
recall relative to all ground-truth corners.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 4 (Table 2) and Sec. 7.2
(repeatability, homography estimation within 1/3/5 px).
Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
from torch import Tensor

from cvbook._checks import check_positive, check_shape
from cvbook.ops.homography import warp_points

__all__ = ["KeypointPR", "keypoint_pr", "localization_error", "repeatability", "homography_corner_error",
           "homography_accuracy"]


@dataclass(frozen=True)
class KeypointPR:
    """Precision and recall at every score threshold (detections sorted by score, strongest first).

    ``precision``, ``recall``, ``scores``: ``Tensor[M]``; ``ap``: the area under the curve;
    ``correct``: ``Tensor[M]`` bool; ``distances``: ``Tensor[M]`` (to the matched corner, NaN if none);
    ``n_ground_truth``: the number of corners.
    """

    precision: Tensor
    recall: Tensor
    scores: Tensor
    correct: Tensor
    distances: Tensor
    ap: float
    n_ground_truth: int


def _points(p: Tensor, name: str) -> Tensor:
    check_shape(p, "N 2", name)
    return p.double()


def keypoint_pr(pred_points: Sequence[Tensor], pred_scores: Sequence[Tensor], gt_points: Sequence[Tensor],
                eps: float = 4.0) -> KeypointPR:
    """Precision-recall of a detector over a set of images.

    Args:
        pred_points: per image ``Tensor[K_i, 2]`` ``(x, y)``.
        pred_scores: per image ``Tensor[K_i]``.
        gt_points: per image ``Tensor[G_i, 2]`` ``(x, y)``.
        eps: correctness radius in pixels (4 in the public reimplementations).

    Returns:
        A :class:`KeypointPR`; ``ap = 0`` when there are no corners or no detections.

    Raises:
        ValueError: lists of different lengths, bad shapes, or a non-positive eps.

    Reference: DeTone et al. 2018, "SuperPoint", Table 2 (mAP on Synthetic Shapes).
    Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
    """
    if not (len(pred_points) == len(pred_scores) == len(gt_points)):
        raise ValueError(f"one list entry per image: got {len(pred_points)} point sets, {len(pred_scores)} score "
                         f"sets and {len(gt_points)} ground truths")
    eps = check_positive(eps, "eps")
    image, score, index = [], [], []
    for i, (p, s) in enumerate(zip(pred_points, pred_scores)):
        _points(p, "pred_points")
        check_shape(s, "K", "pred_scores")
        if len(s) != len(p):
            raise ValueError(f"image {i}: {len(p)} points but {len(s)} scores")
        image += [i] * len(s)
        score.append(s.double().flatten())
        index += list(range(len(s)))
    gts = [_points(g, "gt_points") for g in gt_points]
    n_gt = sum(len(g) for g in gts)
    scores = torch.cat(score) if score else torch.zeros(0, dtype=torch.float64)
    order = torch.sort(scores, descending=True, stable=True).indices.tolist()
    taken = [torch.zeros(len(g), dtype=torch.bool) for g in gts]
    correct = torch.zeros(len(order), dtype=torch.bool)
    dist = torch.full((len(order),), float("nan"), dtype=torch.float64)
    for rank, j in enumerate(order):
        i = image[j]
        if len(gts[i]) == 0:
            continue
        d = torch.linalg.norm(gts[i] - pred_points[i][index[j]].double(), dim=1)
        d[taken[i]] = float("inf")
        k = int(torch.argmin(d))
        if d[k] <= eps:
            taken[i][k] = True
            correct[rank] = True
            dist[rank] = d[k]
    tp = torch.cumsum(correct.double(), 0)
    precision = tp / torch.arange(1, len(order) + 1, dtype=torch.float64)
    recall = tp / n_gt if n_gt else torch.zeros_like(tp)
    prev = torch.cat([torch.zeros(1, dtype=torch.float64), recall[:-1]])
    ap = float(((recall - prev) * precision).sum()) if len(order) and n_gt else 0.0
    return KeypointPR(precision=precision, recall=recall, scores=scores[order], correct=correct, distances=dist,
                      ap=ap, n_ground_truth=n_gt)


def localization_error(pr: KeypointPR, threshold: float | None = None) -> float:
    """Mean distance in pixels of the correct detections to their corners (those scoring
    ``>= threshold`` if given); NaN when there is none.

    Args:
        pr: the result of :func:`keypoint_pr`.
        threshold: a score threshold (the detector's operating point), or ``None`` for all.

    Returns:
        The mean localisation error in pixels.

    Reference: DeTone et al. 2018, "SuperPoint", Table 2 ("MLE").
    Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
    """
    keep = pr.correct if threshold is None else pr.correct & (pr.scores >= threshold)
    return float(pr.distances[keep].mean()) if keep.any() else float("nan")


def repeatability(points1: Tensor, points2: Tensor, homography: Tensor, size: tuple[int, int],
                  eps: float = 3.0) -> float:
    """The fraction of points detected again under a homography.

    Points of image 1 are warped into image 2 (and points of image 2 back); only points whose
    warp lies inside the other image count. A point is repeated when a point of the other image lies
    within ``eps`` px of its warp. Repeatability ``= (n_1 + n_2) / (N_1 + N_2)``, the repeated points
    over the points that could be repeated; NaN when there are none.

    Args:
        points1, points2: ``Tensor[N_i, 2]`` ``(x, y)``.
        homography: ``Tensor[3, 3]`` from image 1 to image 2.
        size: ``(H, W)`` of both images.
        eps: the distance in pixels (3 in the paper).

    Returns:
        The repeatability in ``[0, 1]``.

    Raises:
        ValueError: bad shapes or eps.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 7.2; Schmid et al. 2000.
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    p1, p2 = _points(points1, "points1"), _points(points2, "points2")
    check_shape(homography, "3 3", "homography")
    eps = check_positive(eps, "eps")
    h, w = size

    def inside(p: Tensor) -> Tensor:
        return (p[:, 0] >= 0) & (p[:, 0] <= w - 1) & (p[:, 1] >= 0) & (p[:, 1] <= h - 1)

    w1 = warp_points(p1, homography).double()
    w2 = warp_points(p2, torch.linalg.inv(homography.double())).double()
    a, b = w1[inside(w1)], p2[inside(w2)]  # both in image 2's frame
    total = len(a) + len(b)
    if total == 0:
        return float("nan")
    if len(a) == 0 or len(b) == 0:
        return 0.0
    d = torch.cdist(a, b)
    return float(((d.min(1).values <= eps).sum() + (d.min(0).values <= eps).sum()) / total)


def homography_corner_error(estimated: Tensor, true: Tensor, size: tuple[int, int]) -> float:
    """Mean distance in pixels between the image corners warped by the estimated and the true
    homography (``inf`` when there is no estimate, ``estimated is None`` or not finite).

    Args:
        estimated: ``Tensor[3, 3]`` or ``None`` (estimation failed).
        true: ``Tensor[3, 3]``.
        size: ``(H, W)``; corners ``(0, 0), (W-1, 0), (0, H-1), (W-1, H-1)``.

    Returns:
        The mean corner error in pixels.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 7.2 (homography estimation).
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    if estimated is None or not torch.isfinite(torch.as_tensor(estimated)).all():
        return float("inf")
    check_shape(true, "3 3", "true")
    h, w = size
    corners = torch.tensor([[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]], dtype=torch.float64)
    d = warp_points(corners, torch.as_tensor(estimated).double()) - warp_points(corners, true.double())
    return float(torch.linalg.norm(d, dim=1).mean())


def homography_accuracy(errors: Sequence[float], thresholds: Sequence[float] = (1.0, 3.0, 5.0)) -> dict[float, float]:
    """The fraction of pairs whose corner error is at most each threshold (the paper's 1/3/5 px).

    Args:
        errors: corner errors from :func:`homography_corner_error` (``inf`` for failures).
        thresholds: in pixels.

    Returns:
        ``{threshold: fraction}`` (a dict keyed by threshold, as the paper's table columns).

    Raises:
        ValueError: no errors.

    Reference: DeTone et al. 2018, "SuperPoint", Table 4.
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    e = torch.as_tensor(list(errors), dtype=torch.float64)
    if e.numel() == 0:
        raise ValueError("errors must not be empty")
    return {float(t): float((e <= check_positive(t, "threshold")).double().mean()) for t in thresholds}
