"""Non-maximum suppression: greedy NMS (torchvision's semantics), batched NMS, soft-NMS, DIoU-NMS.

Greedy NMS: sort by score; keep the best box; drop every remaining box whose IoU with it is
*greater than* ``iou_threshold``; repeat with the next box still standing.

Reference: Neubeck & Van Gool 2006 (NMS); Bodla et al. 2017, "Soft-NMS"; Zheng et al. 2020,
"Distance-IoU Loss", Sec. 3.4 (DIoU-NMS).
Taught in: notebooks/05_detection/02_nms.ipynb
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

from cvbook._checks import check_positive, check_probability, check_shape
from cvbook.ops.boxes import box_iou, distance_box_iou

__all__ = ["nms", "batched_nms", "soft_nms", "diou_nms"]


def _check(boxes: Tensor, scores: Tensor) -> int:
    n = check_shape(boxes, "N 4", "boxes")["N"]
    if check_shape(scores, "M", "scores")["M"] != n:
        raise ValueError(f"scores must have one value per box: {n} boxes, {scores.shape[0]} scores")
    return n


def _greedy(overlap: Tensor, order: Tensor, threshold: float) -> Tensor:
    """Greedy suppression on a (pairwise) overlap matrix, visiting boxes in ``order``."""
    over = (overlap[order][:, order] > threshold).cpu().numpy()
    n = len(order)
    removed = np.zeros(n, dtype=bool)
    keep = []
    for i in range(n):
        if removed[i]:
            continue
        keep.append(i)
        removed |= over[i]
    return order[torch.as_tensor(keep, dtype=torch.long, device=order.device)]


def _greedy_by(pairwise, boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Greedy suppression by ``pairwise(boxes, boxes)`` (IoU for NMS, DIoU for DIoU-NMS), after the checks."""
    _check(boxes, scores)
    iou_threshold = check_probability(iou_threshold, "iou_threshold")
    if boxes.shape[0] == 0:
        return torch.zeros(0, dtype=torch.long, device=boxes.device)
    order = torch.argsort(scores, descending=True, stable=True)
    return _greedy(pairwise(boxes, boxes), order, iou_threshold)


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Greedy NMS: indices of the kept boxes, by decreasing score.

    A box is dropped when its IoU with an already kept (higher-scoring) box is greater than
    ``iou_threshold``.

    Args:
        boxes: ``Tensor[N, 4]`` xyxy. scores: ``Tensor[N]``. iou_threshold: in ``[0, 1]``.

    Returns:
        ``Tensor[K]`` int64 indices into ``boxes``, sorted by decreasing score.

    Raises:
        ValueError: shapes or a threshold outside ``[0, 1]``.

    Reference: torchvision.ops.nms.
    Taught in: notebooks/05_detection/02_nms.ipynb
    """
    return _greedy_by(box_iou, boxes, scores, iou_threshold)


def batched_nms(boxes: Tensor, scores: Tensor, idxs: Tensor, iou_threshold: float) -> Tensor:
    """NMS within each category ``idxs`` independently (boxes of different categories never suppress).

    Args:
        boxes: ``Tensor[N, 4]`` xyxy. scores: ``Tensor[N]``. idxs: ``Tensor[N]`` int category of
            each box. iou_threshold: in ``[0, 1]``.

    Returns:
        ``Tensor[K]`` int64 indices of the kept boxes, sorted by decreasing score.

    Raises:
        ValueError: shapes or a threshold outside ``[0, 1]``.

    Reference: torchvision.ops.batched_nms.
    Taught in: notebooks/05_detection/02_nms.ipynb
    """
    n = _check(boxes, scores)
    if check_shape(idxs, "M", "idxs")["M"] != n:
        raise ValueError(f"idxs must have one value per box: {n} boxes, {idxs.shape[0]} idxs")
    iou_threshold = check_probability(iou_threshold, "iou_threshold")
    if n == 0:
        return torch.zeros(0, dtype=torch.long, device=boxes.device)
    order = torch.argsort(scores, descending=True, stable=True)
    iou = box_iou(boxes, boxes) * (idxs[:, None] == idxs[None, :])  # other classes: overlap 0
    return _greedy(iou, order, iou_threshold)


def diou_nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """DIoU-NMS: greedy NMS where a box is dropped when ``IoU - ρ²/c²`` with a kept box is greater
    than ``iou_threshold``, so boxes whose centres lie apart (two touching objects) survive.

    Args:
        boxes: ``Tensor[N, 4]`` xyxy. scores: ``Tensor[N]``. iou_threshold: in ``[0, 1]``.

    Returns:
        ``Tensor[K]`` int64 indices, by decreasing score.

    Raises:
        ValueError: shapes or a threshold outside ``[0, 1]``.

    Reference: Zheng et al. 2020, "Distance-IoU Loss", Eq. (12) (the paper writes ``>=``; here
    ``>`` as in torchvision's NMS, so a threshold means the same in both).
    Taught in: notebooks/05_detection/02_nms.ipynb
    """
    return _greedy_by(distance_box_iou, boxes, scores, iou_threshold)


def soft_nms(boxes: Tensor, scores: Tensor, iou_threshold: float = 0.3, sigma: float = 0.5,
             method: str = "gaussian", score_threshold: float = 0.001) -> tuple[Tensor, Tensor]:
    """Soft-NMS: instead of dropping overlapping boxes, decay their scores and go on.

    At each step the highest remaining box ``M`` is kept and every other box ``b`` gets
    ``s_b ← s_b · f(IoU(M, b))`` with ``f = exp(-IoU²/σ)`` (``"gaussian"``) or
    ``f = 1 - IoU`` where ``IoU > iou_threshold`` (``"linear"``; ``"hard"`` is greedy NMS);
    boxes whose score is not above ``score_threshold`` are dropped.

    Args:
        boxes: ``Tensor[N, 4]`` xyxy. scores: ``Tensor[N]`` (not modified).
        iou_threshold: ``N_t`` of the linear and hard rules. sigma: ``σ > 0`` of the Gaussian rule.
        method: ``"gaussian"`` | ``"linear"`` | ``"hard"``. score_threshold: final pruning.

    Returns:
        ``(keep, new_scores)``: ``Tensor[K]`` int64 indices in the order they were picked
        (decreasing decayed score) and ``Tensor[K]`` their decayed scores.

    Raises:
        ValueError: shapes, an unknown method, or thresholds out of range.

    Reference: Bodla et al. 2017, "Soft-NMS -- Improving Object Detection With One Line of Code", Alg. 1.
    Taught in: notebooks/05_detection/02_nms.ipynb
    """
    n = _check(boxes, scores)
    iou_threshold = check_probability(iou_threshold, "iou_threshold")
    sigma = check_positive(sigma, "sigma")
    score_threshold = check_positive(score_threshold, "score_threshold", strict=False)
    if method not in ("gaussian", "linear", "hard"):
        raise ValueError(f"method must be 'gaussian', 'linear' or 'hard', got {method!r}")
    if n == 0:
        return torch.zeros(0, dtype=torch.long, device=boxes.device), scores.new_zeros(0)
    iou = box_iou(boxes, boxes).detach().cpu().double().numpy()
    s = scores.detach().cpu().double().numpy().copy()
    alive = s > score_threshold
    keep, kept = [], []
    for _ in range(n):
        if not alive.any():
            break
        m = int(np.where(alive, s, -math.inf).argmax())
        keep.append(m)
        kept.append(s[m])
        alive[m] = False
        o = iou[m]
        if method == "gaussian":
            decay = np.exp(-(o**2) / sigma)
        elif method == "linear":
            decay = np.where(o > iou_threshold, 1 - o, 1.0)
        else:
            decay = np.where(o > iou_threshold, 0.0, 1.0)
        s = np.where(alive, s * decay, s)
        alive &= s > score_threshold
    return (torch.as_tensor(keep, dtype=torch.long, device=boxes.device),
            torch.as_tensor(kept, dtype=scores.dtype, device=scores.device))
