"""Semantic segmentation metrics: confusion matrix, dataset- and image-mIoU, boundary F-score, PQ.

Label maps are integer tensors ``(B, H, W)`` (or any shape, as long as ``preds`` and ``target`` agree;
the first dimension is the image for the per-image metrics), indexed ``[row, col]``. Pixels whose
target equals ``ignore_index`` are skipped everywhere.

- :func:`confusion_matrix`: ``M[t, p]`` = number of pixels of target class t predicted as p.
- :func:`dataset_miou`: IoU per class from the confusion matrix summed over the whole set, averaged
  over the classes present in the prediction or the target (PASCAL VOC, Cityscapes, ADE20K).
- :func:`image_miou`: the same for each image alone (classes present in that image), then averaged
  over the images.
- :func:`boundary_f_score`: precision and recall of boundary pixels within ``tolerance`` pixels.
- :func:`panoptic_quality`: PQ = SQ x RQ over segments matched at IoU > 0.5.

Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import check_int, check_tensor
from cvbook.ops.masks import dilate, mask_boundary

__all__ = [
    "BoundaryF",
    "PanopticResult",
    "boundary_f_score",
    "confusion_matrix",
    "dataset_miou",
    "image_miou",
    "iou_from_confusion",
    "panoptic_quality",
]


def _check_labels(preds: object, target: object, num_classes: int, ignore_index: int | None) -> tuple[Tensor, Tensor, int]:
    preds = check_tensor(preds, "preds")
    target = check_tensor(target, "target")
    k = check_int(num_classes, "num_classes", minimum=1)
    for name, x in (("preds", preds), ("target", target)):
        if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
            raise TypeError(f"{name} must be an integer label tensor (take argmax of the logits first), got dtype {x.dtype}")
    if preds.shape != target.shape:
        raise ValueError(f"preds and target must have the same shape, got {tuple(preds.shape)} and {tuple(target.shape)}")
    if ignore_index is not None:
        check_int(ignore_index, "ignore_index")
    valid = torch.ones_like(target, dtype=torch.bool) if ignore_index is None else target != ignore_index
    for name, x in (("target", target), ("preds", preds)):
        bad = valid & ((x < 0) | (x >= k))
        if bad.any():
            extra = f" or equal ignore_index={ignore_index}" if (ignore_index is not None and name == "target") else ""
            raise ValueError(f"{name} labels must lie in [0, {k}){extra}, got {x[bad][0].item()}")
    return preds, target, k


def _drop_ignored(present: Tensor, ignore_index: int | None) -> Tensor:
    # an ignore_index inside [0, K) names a class that is not scored (as torchmetrics does), even
    # where it is predicted on other pixels
    if ignore_index is not None and 0 <= ignore_index < present.numel():
        present = present.clone()
        present[ignore_index] = False
    return present


def confusion_matrix(preds: Tensor, target: Tensor, num_classes: int, ignore_index: int | None = None) -> Tensor:
    """Pixel confusion matrix ``Tensor[K, K]`` int64: rows the target class, columns the predicted class.

    Args:
        preds: predicted labels, integer tensor of any shape (``(B, H, W)``).
        target: target labels, same shape.
        num_classes: ``K``.
        ignore_index: target label whose pixels are skipped (may lie outside ``[0, K)``, e.g. 255).

    Raises:
        TypeError: float or bool labels (pass ``logits.argmax(1)``).
        ValueError: shapes differ, or a label lies outside ``[0, K)``.

    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    preds, target, k = _check_labels(preds, target, num_classes, ignore_index)
    t, p = target.reshape(-1).long(), preds.reshape(-1).long()
    if ignore_index is not None:
        keep = t != ignore_index
        t, p = t[keep], p[keep]
    return torch.bincount(t * k + p, minlength=k * k).reshape(k, k)


def iou_from_confusion(confmat: Tensor) -> tuple[Tensor, Tensor]:
    """IoU per class from a confusion matrix, and which classes are present.

    ``IoU_c = M[c, c] / (sum_p M[c, p] + sum_t M[t, c] - M[c, c])``.

    Returns:
        ``(iou, present)``: ``Tensor[K]`` float64 (0 where the class is absent) and ``Tensor[K]``
        bool (the class occurs in the target or the prediction).

    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    confmat = check_tensor(confmat, "confmat")
    if confmat.dim() != 2 or confmat.shape[0] != confmat.shape[1]:
        raise ValueError(f"confmat must be square (K, K), got {tuple(confmat.shape)}")
    m = confmat.to(torch.float64)
    tp = m.diagonal()
    union = m.sum(0) + m.sum(1) - tp
    present = union > 0
    return torch.where(present, tp / union.clamp(min=1), torch.zeros_like(tp)), present


def dataset_miou(preds: Tensor, target: Tensor, num_classes: int, ignore_index: int | None = None) -> float:
    """Dataset-mIoU: per-class IoU of the confusion matrix summed over all pixels of all images,
    averaged over the classes present in the prediction or the target.

    This is torchmetrics' ``MulticlassJaccardIndex(average="macro")`` (which also leaves out the
    classes with an empty union) and the PASCAL VOC / Cityscapes protocol. An ``ignore_index``
    inside ``[0, K)`` also leaves that class out of the mean.

    Args:
        preds, target: integer label maps ``(B, H, W)`` (any equal shapes).

    Raises:
        ValueError: as :func:`confusion_matrix`, or no valid pixel at all.

    Reference: Everingham et al., "The PASCAL Visual Object Classes Challenge", IJCV 2010.
    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    iou, present = iou_from_confusion(confusion_matrix(preds, target, num_classes, ignore_index))
    present = _drop_ignored(present, ignore_index)
    if not present.any():
        raise ValueError("dataset_miou needs at least one pixel that is not ignored")
    return float(iou[present].mean())


def image_miou(preds: Tensor, target: Tensor, num_classes: int, ignore_index: int | None = None,
               reduction: str = "mean") -> float | Tensor:
    """Image-mIoU: the mIoU of each image alone (over the classes present in that image), then averaged.

    Images whose pixels are all ignored are left out.

    Args:
        preds, target: integer label maps ``(B, H, W)``; dimension 0 is the image.
        reduction: ``"mean"`` (a float) or ``"none"`` (``Tensor[B']`` float64, one value per image
            that has a valid pixel).

    Raises:
        ValueError: as :func:`confusion_matrix`, fewer than 2 dimensions, or no valid pixel at all.

    Reference: Csurka, Larlus, Perronnin, "What is a good evaluation measure for semantic
    segmentation?", BMVC 2013 (per-image scores).
    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    preds, target, k = _check_labels(preds, target, num_classes, ignore_index)
    if reduction not in ("mean", "none"):
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    if target.dim() < 2:
        raise ValueError(f"image_miou needs a batch of label maps (B, ...), got shape {tuple(target.shape)}")
    scores = []
    for p, t in zip(preds, target):
        iou, present = iou_from_confusion(confusion_matrix(p, t, k, ignore_index))
        present = _drop_ignored(present, ignore_index)
        if present.any():
            scores.append(iou[present].mean())
    if not scores:
        raise ValueError("image_miou needs at least one image with a pixel that is not ignored")
    values = torch.stack(scores)
    return float(values.mean()) if reduction == "mean" else values


@dataclass(frozen=True)
class BoundaryF:
    """Boundary precision, recall and F-score, per class and averaged over the classes with a boundary."""

    precision: float
    recall: float
    f_score: float
    per_class: Tensor  # Tensor[K] float64 F per class, 0 where a class has no boundary pixel
    present: Tensor  # Tensor[K] bool: the class has boundary pixels in the target or the prediction


def boundary_f_score(preds: Tensor, target: Tensor, num_classes: int, tolerance: int = 1,
                     ignore_index: int | None = None) -> BoundaryF:
    """Boundary F-score: precision and recall of each class's boundary pixels within ``tolerance`` px.

    For every class c and image, the boundaries of the predicted and target masks of c are their
    inner 4-connected boundaries (:func:`cvbook.ops.masks.mask_boundary`). A predicted boundary
    pixel is correct when a target boundary pixel lies within Chebyshev distance ``tolerance``
    (precision); a target boundary pixel is found when a predicted one lies that close (recall).
    Counts are summed over the images per class; ``F_c = 2 P_c R_c / (P_c + R_c)`` (0 when either is
    0), averaged over the classes with a boundary pixel in the target or the prediction. Precision
    and recall in the result are averaged the same way. Predicted boundary pixels on ignored target
    pixels are not counted.

    Args:
        preds, target: integer label maps ``(B, H, W)``.
        tolerance: ``d`` in pixels, ``>= 0``.

    Raises:
        ValueError: as :func:`confusion_matrix`, labels not ``(B, H, W)``, or no boundary pixel at all.

    Reference: Csurka, Larlus, Perronnin, BMVC 2013 (the BF score); Martin, Fowlkes, Malik, TPAMI
    2004 (boundary precision/recall with a distance tolerance). We use a square tolerance
    (Chebyshev distance) instead of the Euclidean one, and inner boundaries.
    Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
    """
    preds, target, k = _check_labels(preds, target, num_classes, ignore_index)
    d = check_int(tolerance, "tolerance", minimum=0)
    if target.dim() != 3:
        raise ValueError(f"boundary_f_score needs label maps (B, H, W), got shape {tuple(target.shape)}")
    valid = torch.ones_like(target, dtype=torch.bool) if ignore_index is None else target != ignore_index
    classes = torch.arange(k, device=target.device).view(1, k, 1, 1)
    bp = mask_boundary(preds[:, None] == classes) & valid[:, None]  # (B, K, H, W)
    bt = mask_boundary(target[:, None] == classes)
    hit_p = (bp & dilate(bt, d)).sum(dim=(0, 2, 3)).double()
    hit_t = (bt & dilate(bp, d)).sum(dim=(0, 2, 3)).double()
    n_p, n_t = bp.sum(dim=(0, 2, 3)).double(), bt.sum(dim=(0, 2, 3)).double()
    present = (n_p + n_t) > 0
    if not present.any():
        raise ValueError("boundary_f_score: no class has a boundary pixel in the target or the prediction")
    prec = torch.where(n_p > 0, hit_p / n_p.clamp(min=1), torch.zeros_like(n_p))
    rec = torch.where(n_t > 0, hit_t / n_t.clamp(min=1), torch.zeros_like(n_t))
    denom = prec + rec
    f = torch.where(denom > 0, 2 * prec * rec / denom.clamp(min=1e-300), torch.zeros_like(denom))
    return BoundaryF(precision=float(prec[present].mean()), recall=float(rec[present].mean()),
                     f_score=float(f[present].mean()), per_class=f, present=present)


@dataclass(frozen=True)
class PanopticResult:
    """Panoptic quality and its two factors, averaged over the classes that occur."""

    pq: float
    sq: float
    rq: float
    per_class_pq: Tensor  # Tensor[K] float64, 0 where a class occurs in neither prediction nor target
    present: Tensor  # Tensor[K] bool


def panoptic_quality(preds: Tensor, target: Tensor, num_classes: int, void_index: int | None = None) -> PanopticResult:
    """Panoptic quality PQ = SQ x RQ of panoptic label maps ``(B, H, W, 2)`` = (class, instance id).

    A segment is the set of pixels of one image with one (class, instance id) pair; stuff classes use
    one instance id for the whole region. A predicted and a target segment of the same class match
    when their IoU exceeds 0.5 (unique by construction). Per class:
    ``PQ = sum_TP IoU / (|TP| + |FP| / 2 + |FN| / 2)``, ``SQ = sum_TP IoU / |TP|``,
    ``RQ = |TP| / (|TP| + |FP| / 2 + |FN| / 2)``; the three are averaged over the classes with a
    segment in the prediction or the target. Target pixels of class ``void_index`` are ignored:
    they are left out of every IoU, and a predicted segment that is more than half void is not a
    false positive (as in the COCO panoptic evaluation).

    Args:
        preds, target: integer tensors ``(B, H, W, 2)``; ``[..., 0]`` the class in ``[0, K)``
            (or ``void_index`` in the target), ``[..., 1]`` the instance id (any integer).

    Raises:
        ValueError: shapes differ, the last dimension is not 2, classes out of range, no segment.

    Reference: Kirillov et al., "Panoptic Segmentation", CVPR 2019.
    Taught in: notebooks/06_segmentation/08_panoptic.ipynb
    """
    preds = check_tensor(preds, "preds")
    target = check_tensor(target, "target")
    if preds.shape != target.shape or preds.dim() != 4 or preds.shape[-1] != 2:
        raise ValueError(f"preds and target must both have shape (B, H, W, 2), got {tuple(preds.shape)} and {tuple(target.shape)}")
    _check_labels(preds[..., 0], target[..., 0], num_classes, void_index)
    k = num_classes
    iou_sum = torch.zeros(k, dtype=torch.float64)
    tp = torch.zeros(k, dtype=torch.float64)
    fp = torch.zeros(k, dtype=torch.float64)
    fn = torch.zeros(k, dtype=torch.float64)
    for p, t in zip(preds, target):
        void = (t[..., 0] == void_index) if void_index is not None else torch.zeros(t.shape[:2], dtype=torch.bool)
        p_ids, p_inv = torch.unique(p.reshape(-1, 2), dim=0, return_inverse=True)
        t_ids, t_inv = torch.unique(t.reshape(-1, 2), dim=0, return_inverse=True)
        v = void.reshape(-1)
        n_p, n_t = len(p_ids), len(t_ids)
        inter = torch.bincount(p_inv[~v] * n_t + t_inv[~v], minlength=n_p * n_t).reshape(n_p, n_t).double()
        area_p = torch.bincount(p_inv[~v], minlength=n_p).double()  # predicted area outside void
        void_p = torch.bincount(p_inv[v], minlength=n_p).double()
        area_t = torch.bincount(t_inv, minlength=n_t).double()
        same = p_ids[:, None, 0] == t_ids[None, :, 0]
        iou = torch.where(same, inter / (area_p[:, None] + area_t[None, :] - inter).clamp(min=1), torch.zeros_like(inter))
        match = iou > 0.5
        t_real = t_ids[:, 0] != void_index if void_index is not None else torch.ones(n_t, dtype=torch.bool)
        match &= t_real[None, :]
        for c in range(k):
            iou_sum[c] += iou[match & (p_ids[:, None, 0] == c)].sum()
            tp[c] += int((match & (p_ids[:, None, 0] == c)).sum())
        p_unmatched = ~match.any(dim=1) & (void_p <= 0.5 * (area_p + void_p))
        t_unmatched = ~match.any(dim=0) & t_real
        fp += torch.bincount(p_ids[p_unmatched, 0].long(), minlength=k)[:k].double()
        fn += torch.bincount(t_ids[t_unmatched, 0].long(), minlength=k)[:k].double()
    present = (tp + fp + fn) > 0
    if not present.any():
        raise ValueError("panoptic_quality: no segment in the prediction or the target")
    denom = (tp + 0.5 * fp + 0.5 * fn).clamp(min=1e-300)
    pq_c = torch.where(present, iou_sum / denom, torch.zeros_like(tp))
    sq_c = torch.where(tp > 0, iou_sum / tp.clamp(min=1), torch.zeros_like(tp))
    rq_c = torch.where(present, tp / denom, torch.zeros_like(tp))
    return PanopticResult(pq=float(pq_c[present].mean()), sq=float(sq_c[present].mean()),
                          rq=float(rq_c[present].mean()), per_class_pq=pq_c, present=present)
