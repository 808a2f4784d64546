"""YOLOv1's grid targets and loss: the responsible predictor, lambda_coord, lambda_noobj, sqrt(w), sqrt(h).

The image is cut into an ``S x S`` grid; the cell holding an object's centre is responsible for it.
Each cell predicts ``B`` boxes ``(x, y, w, h, confidence)`` and ``C`` class probabilities, laid out
as ``(N, S, S, B * 5 + C)`` (the paper's 7x7x30 tensor for S = 7, B = 2, C = 20). ``(x, y)`` is the
centre's offset inside its cell, in [0, 1]; ``(w, h)`` is the size relative to the image.

Reference: Redmon, Divvala, Girshick, Farhadi 2016, "You Only Look Once: Unified, Real-Time Object
Detection", Sec. 2 and 2.2, Eq. (3).
Taught in: notebooks/05_detection/07_yolo.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import check_int, check_positive, check_shape

__all__ = ["YoloV1Targets", "YoloV1Loss", "yolov1_targets", "yolov1_loss", "cell_boxes_to_xyxy"]


@dataclass(frozen=True)
class YoloV1Targets:
    """Grid targets: ``obj`` ``(N, S, S)`` bool (a cell holds an object's centre); ``boxes``
    ``(N, S, S, 4)`` ``(x, y, w, h)`` in cell offsets and image fractions (0 where ``obj`` is False);
    ``labels`` ``(N, S, S)`` int64, -1 where ``obj`` is False; ``dropped``: objects lost because
    their cell already held one (v1 detects at most one object per cell)."""

    obj: Tensor
    boxes: Tensor
    labels: Tensor
    dropped: int


@dataclass(frozen=True)
class YoloV1Loss:
    """The five terms of Eq. (3) (already weighted) and their sum, each averaged over the batch."""

    total: Tensor
    xy: Tensor
    wh: Tensor
    obj: Tensor
    noobj: Tensor
    cls: Tensor


def yolov1_targets(targets: Sequence[dict[str, Tensor]], image_size: int | tuple[int, int], grid_size: int = 7) -> YoloV1Targets:
    """Put each object into the grid cell that holds its centre.

    Args:
        targets: per image ``{"boxes": Tensor[G, 4] xyxy pixels, "labels": Tensor[G] int64}``.
        image_size: ``H`` (square) or ``(H, W)`` in pixels. grid_size: ``S``.

    Returns:
        :class:`YoloV1Targets`. When two centres fall into one cell the first object keeps it
        (the paper's limit: one object per cell); the others are counted in ``dropped``.

    Raises:
        ValueError: bad sizes or box shapes, boxes of non-positive width or height.

    Reference: Redmon et al. 2016, "YOLO", Sec. 2.
    Taught in: notebooks/05_detection/07_yolo.ipynb
    """
    s = check_int(grid_size, "grid_size", minimum=1)
    h, w = (image_size, image_size) if isinstance(image_size, int) else image_size
    check_positive(h, "image height"), check_positive(w, "image width")
    n = len(targets)
    obj = torch.zeros(n, s, s, dtype=torch.bool)
    boxes = torch.zeros(n, s, s, 4)
    labels = torch.full((n, s, s), -1, dtype=torch.long)
    dropped = 0
    for b, t in enumerate(targets):
        bx = t["boxes"]
        check_shape(bx, "G 4", "boxes")
        if len(bx) and ((bx[:, 2] <= bx[:, 0]) | (bx[:, 3] <= bx[:, 1])).any():
            raise ValueError("boxes must have positive width and height (xyxy with x2 > x1, y2 > y1)")
        for box, label in zip(bx.float(), t["labels"].tolist()):
            cx, cy = (box[0] + box[2]) / 2 / w * s, (box[1] + box[3]) / 2 / h * s
            j, i = min(int(cx), s - 1), min(int(cy), s - 1)  # column from x, row from y
            if obj[b, i, j]:
                dropped += 1
                continue
            obj[b, i, j] = True
            boxes[b, i, j] = torch.stack([cx - j, cy - i, (box[2] - box[0]) / w, (box[3] - box[1]) / h])
            labels[b, i, j] = int(label)
    return YoloV1Targets(obj, boxes, labels, dropped)


def cell_boxes_to_xyxy(boxes: Tensor) -> Tensor:
    """``(..., S, S, 4)`` cell-relative ``(x, y, w, h)`` to ``(..., S, S, 4)`` xyxy in image fractions.

    Raises:
        ValueError: the last three dimensions are not ``(S, S, 4)``.

    Reference: Redmon et al. 2016, "YOLO", Sec. 2.
    Taught in: notebooks/05_detection/07_yolo.ipynb
    """
    if boxes.dim() < 3 or boxes.shape[-1] != 4 or boxes.shape[-2] != boxes.shape[-3]:
        raise ValueError(f"boxes must end in (S, S, 4), got {tuple(boxes.shape)}")
    s = boxes.shape[-2]
    rows = torch.arange(s, dtype=boxes.dtype, device=boxes.device).view(s, 1)
    cols = torch.arange(s, dtype=boxes.dtype, device=boxes.device).view(1, s)
    cx, cy = (boxes[..., 0] + cols) / s, (boxes[..., 1] + rows) / s
    return torch.stack([cx - boxes[..., 2] / 2, cy - boxes[..., 3] / 2, cx + boxes[..., 2] / 2, cy + boxes[..., 3] / 2], -1)


def _pair_iou(a: Tensor, b: Tensor) -> Tensor:
    lt, rb = torch.max(a[..., :2], b[..., :2]), torch.min(a[..., 2:], b[..., 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    union = (a[..., 2:] - a[..., :2]).clamp(min=0).prod(-1) + (b[..., 2:] - b[..., :2]).prod(-1) - inter
    return inter / union.clamp(min=torch.finfo(a.dtype).tiny)


def yolov1_loss(pred: Tensor, targets: YoloV1Targets, num_boxes: int = 2, lambda_coord: float = 5.0,
                lambda_noobj: float = 0.5, rescore: bool = True) -> YoloV1Loss:
    """YOLOv1's sum-squared loss, Eq. (3) of the paper, averaged over the batch.

    In a cell with an object, the predictor (of ``B``) whose box has the highest IoU with the
    object is *responsible*: only it gets the coordinate terms ``lambda_coord [(x - x̂)² + (y - ŷ)²
    + (√w - √ŵ)² + (√h - √ĥ)²]`` and the confidence target. Every other predictor, in every cell,
    gets ``lambda_noobj (0 - Ĉ)²``. Cells with an object add ``Σ_c (p(c) - p̂(c))²`` on one-hot classes.

    Args:
        pred: ``(N, S, S, B * 5 + C)``: per predictor ``(x, y, w, h, confidence)``, then ``C``
            class scores, used as they are (the paper's output layer is linear).
        targets: from :func:`yolov1_targets`, same ``N`` and ``S``.
        num_boxes: ``B``. lambda_coord, lambda_noobj: the paper's 5 and 0.5.
        rescore: confidence target = IoU(predicted box, object), detached, as the paper defines
            confidence; ``False`` uses 1 (a common simplification).

    Returns:
        :class:`YoloV1Loss`.

    Raises:
        ValueError: shapes that do not fit ``B``, or a class index beyond ``C``.

    Reference: Redmon et al. 2016, "YOLO", Sec. 2.2, Eq. (3).
    Taught in: notebooks/05_detection/07_yolo.ipynb
    """
    nb = check_int(num_boxes, "num_boxes", minimum=1)
    sizes = check_shape(pred, "N S S D", "pred")
    n, s, d = sizes["N"], sizes["S"], sizes["D"]
    c = d - 5 * nb
    if c < 0 or tuple(targets.obj.shape) != (n, s, s):
        raise ValueError(f"pred (N, S, S, B*5+C) = {tuple(pred.shape)} does not fit B={nb} and targets {tuple(targets.obj.shape)}")
    if targets.obj.any() and int(targets.labels.max()) >= c:
        raise ValueError(f"a label is >= the number of classes C={c}")
    dev, dt = pred.device, pred.dtype
    obj = targets.obj.to(dev)
    tbox = targets.boxes.to(dev, dt)
    boxes = pred[..., : 5 * nb].reshape(n, s, s, nb, 5)
    with torch.no_grad():
        pred_xyxy = cell_boxes_to_xyxy(boxes[..., :4].permute(0, 3, 1, 2, 4)).permute(0, 2, 3, 1, 4)  # (N, S, S, B, 4)
        ious = _pair_iou(pred_xyxy, cell_boxes_to_xyxy(tbox)[..., None, :])  # (N, S, S, B)
        best = ious.argmax(dim=-1)  # ties: the first predictor
    resp = torch.nn.functional.one_hot(best, nb).bool() & obj[..., None]  # (N, S, S, B)
    p = boxes[resp]  # (M, 5) responsible predictors
    t = tbox[obj]  # (M, 4), same order (row-major over N, S, S)
    xy = lambda_coord * ((p[:, :2] - t[:, :2]) ** 2).sum()
    # departs from the paper: negative predicted sizes are clamped before the square root, so the
    # loss stays finite (the paper's linear output can go negative early in training)
    wh = lambda_coord * ((p[:, 2:4].clamp(min=1e-9).sqrt() - t[:, 2:].sqrt()) ** 2).sum()
    conf_t = ious[resp].to(dt) if rescore else torch.ones(len(p), dtype=dt, device=dev)
    obj_term = ((p[:, 4] - conf_t) ** 2).sum()
    noobj = lambda_noobj * (boxes[..., 4][~resp] ** 2).sum()
    if c > 0 and obj.any():
        onehot = torch.nn.functional.one_hot(targets.labels.to(dev)[obj], c).to(dt)
        cls = ((pred[..., 5 * nb:][obj] - onehot) ** 2).sum()
    else:
        cls = pred.sum() * 0
    scale = 1.0 / max(n, 1)
    terms = [x * scale for x in (xy, wh, obj_term, noobj, cls)]
    return YoloV1Loss(sum(terms), *terms)
