"""Element-wise IoU-family losses for box regression: GIoU, DIoU and CIoU losses.

``boxes1[i]`` is compared with ``boxes2[i]`` (both ``Tensor[N, 4]`` xyxy); names, arguments and
values are torchvision's (``torchvision.ops.*_box_iou_loss``, with its ``eps`` in the IoU).

Reference: Rezatofighi et al. 2019 (GIoU); Zheng et al. 2020, "Distance-IoU Loss" (DIoU, CIoU).
Taught in: notebooks/05_detection/01_iou_family.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook._checks import check_shape
from cvbook.ops.boxes import aspect_term

__all__ = ["iou_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]

_REDUCTIONS = ("none", "mean", "sum")


def _parts(boxes1: Tensor, boxes2: Tensor, eps: float) -> tuple[Tensor, ...]:
    n = check_shape(boxes1, "N 4", "boxes1")["N"]
    if check_shape(boxes2, "M 4", "boxes2")["M"] != n:
        raise ValueError(f"boxes1 and boxes2 must have the same length, got {n} and {boxes2.shape[0]}")
    b1 = boxes1 if boxes1.is_floating_point() else boxes1.float()
    b2 = boxes2 if boxes2.is_floating_point() else boxes2.float()
    lt = torch.max(b1[:, :2], b2[:, :2])
    rb = torch.min(b1[:, 2:], b2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[:, 0] * wh[:, 1]
    area1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    area2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    union = area1 + area2 - inter
    iou = inter / (union + eps)
    cwh = torch.max(b1[:, 2:], b2[:, 2:]) - torch.min(b1[:, :2], b2[:, :2])
    return b1, b2, iou, union, cwh


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        # an empty batch gives 0 (connected to the graph), not NaN, as in torchvision
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    return loss.sum()


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def iou_loss(boxes1: Tensor, boxes2: Tensor, reduction: str = "none", eps: float = 1e-7) -> Tensor:
    """Plain IoU loss ``1 - IoU`` (zero gradient once the boxes stop overlapping).

    Args:
        boxes1, boxes2: ``Tensor[N, 4]`` xyxy, compared element-wise.
        reduction: ``"none"`` | ``"mean"`` | ``"sum"``.
        eps: added to the union.

    Returns:
        ``Tensor[N]`` or a scalar.

    Raises:
        ValueError: shapes, unequal lengths, or an unknown reduction.

    Reference: Yu et al. 2016, "UnitBox" (the IoU loss, here 1 - IoU as in the DIoU paper).
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    _check_reduction(reduction)
    _, _, iou, _, _ = _parts(boxes1, boxes2, eps)
    return _reduce(1 - iou, reduction)


def generalized_box_iou_loss(boxes1: Tensor, boxes2: Tensor, reduction: str = "none", eps: float = 1e-7) -> Tensor:
    """GIoU loss ``1 - IoU + |C \\ (A ∪ B)| / |C|``, element-wise.

    Args:
        boxes1, boxes2: ``Tensor[N, 4]`` xyxy. reduction: ``"none"`` | ``"mean"`` | ``"sum"``.
        eps: added to the union and to ``|C|``.

    Returns:
        ``Tensor[N]`` or a scalar.

    Raises:
        ValueError: shapes, unequal lengths, or an unknown reduction.

    Reference: Rezatofighi et al. 2019, "Generalized Intersection over Union", Alg. 2.
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    _check_reduction(reduction)
    _, _, iou, union, cwh = _parts(boxes1, boxes2, eps)
    area_c = cwh[:, 0] * cwh[:, 1]
    return _reduce(1 - iou + (area_c - union) / (area_c + eps), reduction)


def _diou_loss(boxes1: Tensor, boxes2: Tensor, eps: float) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    b1, b2, iou, _, cwh = _parts(boxes1, boxes2, eps)
    c2 = cwh[:, 0] ** 2 + cwh[:, 1] ** 2 + eps
    rho2 = (((b1[:, :2] + b1[:, 2:]) - (b2[:, :2] + b2[:, 2:])) ** 2).sum(-1) / 4
    return 1 - iou + rho2 / c2, iou, b1, b2


def distance_box_iou_loss(boxes1: Tensor, boxes2: Tensor, reduction: str = "none", eps: float = 1e-7) -> Tensor:
    """DIoU loss ``1 - IoU + ρ²(b, b_gt) / c²``, element-wise.

    Args:
        boxes1, boxes2: ``Tensor[N, 4]`` xyxy. reduction: ``"none"`` | ``"mean"`` | ``"sum"``.
        eps: added to the union and to ``c²``.

    Returns:
        ``Tensor[N]`` or a scalar.

    Raises:
        ValueError: shapes, unequal lengths, or an unknown reduction.

    Reference: Zheng et al. 2020, "Distance-IoU Loss", Eq. (7).
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    _check_reduction(reduction)
    return _reduce(_diou_loss(boxes1, boxes2, eps)[0], reduction)


def complete_box_iou_loss(boxes1: Tensor, boxes2: Tensor, reduction: str = "none", eps: float = 1e-7) -> Tensor:
    """CIoU loss ``1 - IoU + ρ²/c² + α v``, element-wise; ``α`` is a constant in the gradient.

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy predictions; boxes2: ``Tensor[N, 4]`` xyxy targets
            (heights must be positive). reduction: ``"none"`` | ``"mean"`` | ``"sum"``.
        eps: as in :func:`distance_box_iou_loss`, and in α's denominator.

    Returns:
        ``Tensor[N]`` or a scalar.

    Raises:
        ValueError: shapes, unequal lengths, or an unknown reduction.

    Reference: Zheng et al. 2020, "Distance-IoU Loss", Eqs. (10)-(11) (α under no_grad, Sec. 3.3).
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    _check_reduction(reduction)
    loss, iou, b1, b2 = _diou_loss(boxes1, boxes2, eps)
    v = aspect_term(b1, b2, pairwise=False)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(loss + alpha * v, reduction)
