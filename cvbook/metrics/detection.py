"""COCO-style mean average precision for detection, by COCO's rules, in NumPy.

Per class and image, detections are sorted by score (stable) and cut to ``max_detections``
per image; for each IoU threshold ``t`` a detection, in that order, takes the unmatched ground
truth of highest IoU ``>= t`` (ties: the later box, as ``COCOeval``). Over all images, detections
of one class are sorted by score; precision is made monotone (the running maximum from the right)
and read at the 101 recall points ``0, 0.01, ..., 1``; AP is their mean, ``map`` the mean over
classes and the ten thresholds ``0.5:0.05:0.95``. A class with no ground truth has no AP (-1 in
the arrays, left out of the means), exactly as ``pycocotools.cocoeval.COCOeval`` with
``iouType="bbox"``, area "all" (no crowd annotations here).

Reference: Lin et al. 2014, "Microsoft COCO", and the ``cocoapi`` evaluation code; Everingham et
al. 2010, "The PASCAL VOC Challenge" (AP as the area under the interpolated PR curve).
Taught in: notebooks/05_detection/08_trained_detector.ipynb
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from cvbook._checks import check_int, check_shape

__all__ = ["DetectionMAP", "mean_average_precision", "COCO_IOU_THRESHOLDS", "COCO_RECALL_THRESHOLDS"]

COCO_IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
COCO_RECALL_THRESHOLDS = np.linspace(0.0, 1.0, 101)


@dataclass(frozen=True)
class DetectionMAP:
    """Result of :func:`mean_average_precision`.

    ``map`` (AP@[.5:.95]), ``map_50``, ``map_75``: means over the classes with ground truth (-1 if
    there are none); ``classes``: ``Tensor[K]`` the labels, sorted; ``ap_per_class`` /
    ``ap50_per_class``: ``Tensor[K]`` (-1 for a class without ground truth);
    ``precision``: ``Tensor[T, R, K]`` interpolated precision at each IoU threshold and recall
    point (-1 where undefined); ``recall``: ``Tensor[T, K]`` final recall;
    ``iou_thresholds`` ``Tensor[T]``, ``recall_thresholds`` ``Tensor[R]``;
    ``num_gt``: ``Tensor[K]`` ground-truth boxes per class.
    """

    map: float
    map_50: float
    map_75: float
    classes: Tensor
    ap_per_class: Tensor
    ap50_per_class: Tensor
    precision: Tensor
    recall: Tensor
    iou_thresholds: Tensor
    recall_thresholds: Tensor
    num_gt: Tensor


def _iou_np(d: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Pairwise IoU of xyxy boxes (D, 4) x (G, 4); 0 where the union is empty (as cocoapi)."""
    lt = np.maximum(d[:, None, :2], g[None, :, :2])
    rb = np.minimum(d[:, None, 2:], g[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    ad = (d[:, 2] - d[:, 0]) * (d[:, 3] - d[:, 1])
    ag = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    union = ad[:, None] + ag[None, :] - inter
    return np.where(inter > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def _get(d: Mapping, key: str, i: int, kind: str) -> Tensor:
    if not isinstance(d, Mapping):
        raise TypeError(f"{kind}[{i}] must be a dict, got {type(d).__name__}")
    if key not in d:
        raise ValueError(f"{kind}[{i}] has no {key!r}; expected keys 'boxes', 'labels'" + (", 'scores'" if kind == "preds" else ""))
    v = d[key]
    if not isinstance(v, Tensor):
        raise TypeError(f"{kind}[{i}][{key!r}] must be a torch.Tensor, got {type(v).__name__}")
    return v


def _image(d: Mapping, i: int, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    boxes = _get(d, "boxes", i, kind)
    n = check_shape(boxes, "N 4", f"{kind}[{i}]['boxes']")["N"]
    labels = _get(d, "labels", i, kind)
    if labels.shape != (n,):
        raise ValueError(f"{kind}[{i}]['labels'] must have shape ({n},), got {tuple(labels.shape)}")
    if labels.is_floating_point():
        raise ValueError(f"{kind}[{i}]['labels'] must hold integers, got {labels.dtype}")
    b = boxes.detach().cpu().double().numpy()
    if not np.isfinite(b).all():
        raise ValueError(f"{kind}[{i}]['boxes'] must be finite")
    if (b[:, 2] < b[:, 0]).any() or (b[:, 3] < b[:, 1]).any():
        raise ValueError(f"{kind}[{i}]['boxes'] must be xyxy with x2 >= x1 and y2 >= y1")
    scores = None
    if kind == "preds":
        s = _get(d, "scores", i, kind)
        if s.shape != (n,):
            raise ValueError(f"preds[{i}]['scores'] must have shape ({n},), got {tuple(s.shape)}")
        scores = s.detach().cpu().double().numpy()
        if not np.isfinite(scores).all():
            raise ValueError(f"preds[{i}]['scores'] must be finite")
    return b, labels.detach().cpu().long().numpy(), scores


def mean_average_precision(preds: Sequence[Mapping[str, Tensor]], targets: Sequence[Mapping[str, Tensor]],
                           max_detections: int = 100, iou_thresholds: Sequence[float] | None = None) -> DetectionMAP:
    """COCO mAP of detections against ground truth, one dict per image (torchmetrics' inputs).

    Args:
        preds: per image ``{"boxes": Tensor[D, 4] xyxy, "scores": Tensor[D], "labels": Tensor[D] int}``.
        targets: per image ``{"boxes": Tensor[G, 4] xyxy, "labels": Tensor[G] int}``.
        max_detections: detections kept per image (COCO: 100), highest scores first.
        iou_thresholds: default COCO's ``0.5:0.05:0.95``; ``map_50`` / ``map_75`` need 0.5 / 0.75
            among them (else they are -1).

    Returns:
        :class:`DetectionMAP` (equal to ``COCOeval``'s ``stats[0:3]`` and its ``eval["precision"]``).

    Raises:
        ValueError: lists of unequal length, missing keys, wrong shapes, non-finite or inverted boxes.
        TypeError: entries that are not dicts of tensors.

    Reference: Lin et al. 2014, "Microsoft COCO"; pycocotools ``COCOeval.evaluate/accumulate``.
    Taught in: notebooks/05_detection/08_trained_detector.ipynb
    """
    if len(preds) != len(targets):
        raise ValueError(f"preds and targets must have one entry per image, got {len(preds)} and {len(targets)}")
    max_detections = check_int(max_detections, "max_detections", minimum=1)
    thr = COCO_IOU_THRESHOLDS if iou_thresholds is None else np.asarray(iou_thresholds, dtype=np.float64)
    if thr.ndim != 1 or thr.size == 0 or (thr < 0).any() or (thr > 1).any():
        raise ValueError(f"iou_thresholds must be a non-empty list of values in [0, 1], got {iou_thresholds}")
    dets = [_image(p, i, "preds") for i, p in enumerate(preds)]
    gts = [_image(t, i, "targets") for i, t in enumerate(targets)]
    classes = np.unique(np.concatenate([g[1] for g in gts] + [d[1] for d in dets] + [np.zeros(0, np.int64)]))
    T, R, K = len(thr), len(COCO_RECALL_THRESHOLDS), len(classes)
    precision = -np.ones((T, R, K))
    recall = -np.ones((T, K))
    num_gt = np.zeros(K, dtype=np.int64)
    thr_eff = np.minimum(thr, 1 - 1e-10)  # as cocoapi
    for k, c in enumerate(classes):
        scores_all, matched_all = [], []
        for (db, dl, ds), (gb, gl, _) in zip(dets, gts):
            g = gb[gl == c]
            sel = np.nonzero(dl == c)[0]
            order = np.argsort(-ds[sel], kind="mergesort")[:max_detections]
            d, s = db[sel][order], ds[sel][order]
            num_gt[k] += len(g)
            if len(d) == 0:
                continue
            matched = np.zeros((T, len(d)), dtype=bool)
            if len(g):
                ious = _iou_np(d, g)
                for t in range(T):
                    taken = np.zeros(len(g), dtype=bool)
                    for i in range(len(d)):
                        ok = (~taken) & (ious[i] >= thr_eff[t])
                        if ok.any():
                            cand = np.where(ok, ious[i], -1.0)
                            j = len(g) - 1 - int(np.argmax(cand[::-1]))  # ties: the later box
                            taken[j] = True
                            matched[t, i] = True
            scores_all.append(s)
            matched_all.append(matched)
        if num_gt[k] == 0:
            continue
        if not scores_all:
            precision[:, :, k] = 0.0
            recall[:, k] = 0.0
            continue
        s = np.concatenate(scores_all)
        m = np.concatenate(matched_all, axis=1)
        order = np.argsort(-s, kind="mergesort")
        m = m[:, order]
        tp = np.cumsum(m, axis=1).astype(np.float64)
        fp = np.cumsum(~m, axis=1).astype(np.float64)
        for t in range(T):
            rc = tp[t] / num_gt[k]
            pr = tp[t] / (tp[t] + fp[t] + np.spacing(1))
            recall[t, k] = rc[-1]
            pr = np.maximum.accumulate(pr[::-1])[::-1]  # monotone from the right
            idx = np.searchsorted(rc, COCO_RECALL_THRESHOLDS, side="left")
            q = np.zeros(R)
            ok = idx < len(pr)
            q[ok] = pr[idx[ok]]
            precision[t, :, k] = q

    def mean(p: np.ndarray) -> float:
        v = p[p > -1]
        return float(v.mean()) if v.size else -1.0

    def at(x: float) -> np.ndarray | None:
        hit = np.nonzero(np.isclose(thr, x))[0]
        return precision[hit[0]] if hit.size else None

    p50, p75 = at(0.5), at(0.75)
    ap = np.array([mean(precision[:, :, k]) for k in range(K)])
    ap50 = np.array([mean(p50[:, k]) for k in range(K)]) if p50 is not None else -np.ones(K)
    f = lambda a: torch.as_tensor(a, dtype=torch.float64)  # noqa: E731
    return DetectionMAP(
        map=mean(precision), map_50=mean(p50) if p50 is not None else -1.0,
        map_75=mean(p75) if p75 is not None else -1.0,
        classes=torch.as_tensor(classes, dtype=torch.long), ap_per_class=f(ap), ap50_per_class=f(ap50),
        precision=f(precision), recall=f(recall), iou_thresholds=f(thr),
        recall_thresholds=f(COCO_RECALL_THRESHOLDS), num_gt=torch.as_tensor(num_gt))
