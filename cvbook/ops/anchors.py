"""Anchors: generation on a feature-map grid, IoU matching to ground truth, YOLOv2's k-means.

Reference: Ren et al. 2015, "Faster R-CNN", Sec. 3.1.1-3.1.2 (anchors, IoU labels); Redmon &
Farhadi 2017, "YOLO9000", Sec. 2 "Dimension Clusters" (k-means with d = 1 - IoU).
Taught in: notebooks/05_detection/04_anchors.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_shape
from cvbook.ops.boxes import box_iou

__all__ = ["grid_anchors", "match_anchors", "wh_iou", "KMeansAnchors", "kmeans_anchors", "mean_best_iou"]


def grid_anchors(feature_size: tuple[int, int], stride: int | tuple[int, int], sizes: Sequence[float],
                 aspect_ratios: Sequence[float], dtype: torch.dtype = torch.float32) -> Tensor:
    """All anchors of one pyramid level, as torchvision's ``AnchorGenerator`` makes them.

    Each cell ``(i, j)`` gets ``len(sizes) * len(aspect_ratios)`` boxes centred at
    ``(j * stride, i * stride)``; a box of size ``s`` and ratio ``r = h / w`` has
    ``w = s / sqrt(r)``, ``h = s * sqrt(r)``, rounded to integers (as torchvision does).

    Args:
        feature_size: ``(H, W)`` of the level. stride: image pixels per cell (int or ``(sy, sx)``).
        sizes: anchor sizes in pixels. aspect_ratios: ``h / w`` values.

    Returns:
        ``Tensor[H * W * A, 4]`` xyxy, cell-major (all anchors of cell 0 first).

    Raises:
        ValueError: empty sizes or ratios, non-positive values.

    Reference: Ren et al. 2015, "Faster R-CNN", Sec. 3.1.1; torchvision AnchorGenerator.
    Taught in: notebooks/05_detection/04_anchors.ipynb
    """
    if not sizes or not aspect_ratios or min(sizes) <= 0 or min(aspect_ratios) <= 0:
        raise ValueError(f"sizes and aspect_ratios must be non-empty and positive, got {sizes}, {aspect_ratios}")
    h, w = (check_int(v, "feature_size", minimum=1) for v in feature_size)
    sy, sx = (stride, stride) if isinstance(stride, int) else stride
    scales = torch.as_tensor(sizes, dtype=dtype)
    ratios = torch.as_tensor(aspect_ratios, dtype=dtype)
    h_ratios = torch.sqrt(ratios)
    w_ratios = 1 / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).view(-1)
    hs = (h_ratios[:, None] * scales[None, :]).view(-1)
    base = (torch.stack([-ws, -hs, ws, hs], dim=1) / 2).round()
    shift_x = torch.arange(w, dtype=dtype) * sx
    shift_y = torch.arange(h, dtype=dtype) * sy
    yy, xx = torch.meshgrid(shift_y, shift_x, indexing="ij")
    shifts = torch.stack([xx.reshape(-1), yy.reshape(-1)] * 2, dim=1)
    return (shifts[:, None, :] + base[None, :, :]).reshape(-1, 4)


def match_anchors(anchors: Tensor, boxes: Tensor, high_threshold: float = 0.5, low_threshold: float = 0.4,
                  allow_low_quality_matches: bool = False) -> Tensor:
    """Assign each anchor the index of its best ground-truth box, or -1 (background) / -2 (ignored).

    IoU ``>= high_threshold``: matched; ``< low_threshold``: background; in between: ignored.
    With ``allow_low_quality_matches`` each box also keeps the anchors of highest IoU with it,
    whatever their IoU (Faster R-CNN's rule (i)).

    Args:
        anchors: ``Tensor[A, 4]`` xyxy. boxes: ``Tensor[G, 4]`` xyxy.

    Returns:
        ``Tensor[A]`` int64, equal to torchvision's ``Matcher(high, low, allow)`` on ``box_iou(boxes, anchors)``.

    Raises:
        ValueError: shapes, ``low_threshold > high_threshold``.

    Reference: Ren et al. 2015, "Faster R-CNN", Sec. 3.1.2; torchvision ``det_utils.Matcher``.
    Taught in: notebooks/05_detection/04_anchors.ipynb
    """
    a = check_shape(anchors, "A 4", "anchors")["A"]
    check_shape(boxes, "G 4", "boxes")
    if low_threshold > high_threshold:
        raise ValueError(f"low_threshold must be <= high_threshold, got {low_threshold} > {high_threshold}")
    if boxes.shape[0] == 0:
        return torch.full((a,), -1, dtype=torch.long, device=anchors.device)
    iou = box_iou(boxes, anchors)  # (G, A)
    best, matches = iou.max(dim=0)
    out = matches.clone()
    out[best < low_threshold] = -1
    out[(best >= low_threshold) & (best < high_threshold)] = -2
    if allow_low_quality_matches:
        best_per_gt = iou.max(dim=1).values
        _, anchor_idx = torch.nonzero(iou == best_per_gt[:, None], as_tuple=True)
        out[anchor_idx] = matches[anchor_idx]
    return out


def wh_iou(wh1: Tensor, wh2: Tensor) -> Tensor:
    """IoU of boxes given by width and height only, all centred at one point: ``Tensor[N, M]``.

    Raises:
        ValueError: shapes other than ``(N, 2)`` / ``(M, 2)``.

    Reference: Redmon & Farhadi 2017, "YOLO9000", Sec. 2 (the k-means distance).
    Taught in: notebooks/05_detection/04_anchors.ipynb
    """
    check_shape(wh1, "N 2", "wh1")
    check_shape(wh2, "M 2", "wh2")
    inter = torch.min(wh1[:, None, 0], wh2[None, :, 0]) * torch.min(wh1[:, None, 1], wh2[None, :, 1])
    union = (wh1[:, 0] * wh1[:, 1])[:, None] + (wh2[:, 0] * wh2[:, 1])[None, :] - inter
    return inter / union.clamp(min=torch.finfo(union.dtype).tiny)


def mean_best_iou(wh: Tensor, anchors_wh: Tensor) -> float:
    """Mean over boxes of the best IoU with any anchor (YOLO9000's Table 1 "Avg IOU")."""
    return float(wh_iou(wh, anchors_wh).max(dim=1).values.mean())


@dataclass(frozen=True)
class KMeansAnchors:
    """Result of :func:`kmeans_anchors`: ``anchors`` ``Tensor[k, 2]`` (w, h) sorted by area,
    ``assignment`` ``Tensor[N]``, ``mean_iou`` (mean best IoU), ``iterations`` run."""

    anchors: Tensor
    assignment: Tensor
    mean_iou: float
    iterations: int


def kmeans_anchors(wh: Tensor, k: int, iterations: int = 100, seed: int | torch.Generator | None = 0,
                   metric: str = "iou") -> KMeansAnchors:
    """YOLOv2's dimension clusters: k-means on box sizes with distance ``d = 1 - IoU``.

    Centroids start at ``k`` distinct boxes drawn with ``seed`` (``torch.randperm`` with that
    generator); each step assigns every box to the centroid of highest IoU and moves a centroid to
    the mean (w, h) of its boxes (an empty cluster keeps its centroid), until assignments stop
    changing. ``metric="euclidean"`` is plain Lloyd k-means on (w, h), the baseline the paper
    rejects because "larger boxes generate more error than smaller boxes".

    Args:
        wh: ``Tensor[N, 2]`` positive widths and heights. k: clusters, ``1 <= k <= N``.
        iterations: maximum number of steps. seed: int or ``torch.Generator``.
        metric: ``"iou"`` (distance ``1 - IoU``) or ``"euclidean"`` (squared distance in (w, h)).

    Returns:
        :class:`KMeansAnchors`.

    Raises:
        ValueError: shape, non-positive sizes, ``k`` out of range, unknown metric.

    Reference: Redmon & Farhadi 2017, "YOLO9000", Sec. 2 "Dimension Clusters", Table 1.
    Taught in: notebooks/05_detection/04_anchors.ipynb
    """
    n = check_shape(wh, "N 2", "wh")["N"]
    k = check_int(k, "k", minimum=1, maximum=max(n, 1))
    if n == 0 or (wh <= 0).any():
        raise ValueError("wh must hold at least one box, with positive widths and heights")
    if metric not in ("iou", "euclidean"):
        raise ValueError(f"metric must be 'iou' or 'euclidean', got {metric!r}")
    g = as_generator(seed)
    centroids = wh[torch.randperm(n, generator=g)[:k]].clone()
    assign = torch.full((n,), -1, dtype=torch.long)
    it = 0
    for it in range(1, check_int(iterations, "iterations", minimum=1) + 1):
        if metric == "iou":
            new = wh_iou(wh, centroids).argmax(dim=1)
        else:
            new = ((wh[:, None, :] - centroids[None, :, :]) ** 2).sum(-1).argmin(dim=1)
        if torch.equal(new, assign):
            break
        assign = new
        for j in range(k):
            members = wh[assign == j]
            if len(members):
                centroids[j] = members.mean(dim=0)
    order = torch.argsort(centroids.prod(dim=1))
    centroids = centroids[order]
    assign = torch.argsort(order)[assign]
    return KMeansAnchors(centroids, assign, mean_best_iou(wh, centroids), it)
