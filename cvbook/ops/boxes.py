"""Boxes: format conversion, area, and the IoU family (IoU, GIoU, DIoU, CIoU), pairwise.

Boxes are ``Tensor[N, 4]``; ``xyxy`` is ``(x1, y1, x2, y2)`` with x to the right and y down,
``x1 <= x2``, ``y1 <= y2``. Names, argument order and values are torchvision's (``torchvision.ops``).

One departure, on purpose: where a ratio is 0/0 (two zero-area boxes, so the union is empty, or a
zero-area enclosing box) torchvision returns NaN; here the IoU is 0 and the empty penalty term is
0, so degenerate boxes never pass a NaN on silently. On every box with positive area the values
are torchvision's.

Reference: Jaccard 1901 (the Jaccard index); Rezatofighi et al. 2019, "Generalized Intersection
over Union"; Zheng et al. 2020, "Distance-IoU Loss" (DIoU and CIoU).
Taught in: notebooks/05_detection/01_iou_family.ipynb
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

from cvbook._checks import check_shape

__all__ = ["box_convert", "box_area", "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou",
           "box_iog"]

_FORMATS = ("xyxy", "xywh", "cxcywh")


def _as_float(boxes: Tensor) -> Tensor:
    # like torchvision's _upcast: integer boxes become float so products cannot overflow
    return boxes if boxes.is_floating_point() else boxes.float()


def box_convert(boxes: Tensor, in_fmt: str, out_fmt: str) -> Tensor:
    """Convert boxes between ``xyxy``, ``xywh`` (top-left corner, width, height) and ``cxcywh``.

    Args:
        boxes: ``Tensor[N, 4]`` in ``in_fmt``.
        in_fmt, out_fmt: one of ``"xyxy"``, ``"xywh"``, ``"cxcywh"``.

    Returns:
        ``Tensor[N, 4]`` in ``out_fmt`` (the input itself when the formats agree, as in torchvision).

    Raises:
        ValueError: an unknown format or a shape other than ``(N, 4)``.

    Reference: torchvision.ops.box_convert.
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    for name, fmt in (("in_fmt", in_fmt), ("out_fmt", out_fmt)):
        if fmt not in _FORMATS:
            raise ValueError(f"{name} must be one of {_FORMATS}, got {fmt!r}")
    check_shape(boxes, "N 4", "boxes")
    if in_fmt == out_fmt:
        return boxes.clone()
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == "xywh":
        x1, y1, x2, y2 = a, b, a + c, b + d
    elif in_fmt == "cxcywh":
        x1, y1, x2, y2 = a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d
    else:
        x1, y1, x2, y2 = a, b, c, d
    if out_fmt == "xyxy":
        out = (x1, y1, x2, y2)
    elif out_fmt == "xywh":
        out = (x1, y1, x2 - x1, y2 - y1)
    else:
        out = ((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1)
    return torch.stack(out, dim=-1)


def box_area(boxes: Tensor) -> Tensor:
    """Area ``(x2 - x1) * (y2 - y1)`` of each xyxy box.

    Args:
        boxes: ``Tensor[N, 4]`` xyxy.

    Returns:
        ``Tensor[N]``.

    Raises:
        ValueError: shape other than ``(N, 4)``.

    Reference: torchvision.ops.box_area.
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    check_shape(boxes, "N 4", "boxes")
    boxes = _as_float(boxes)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _inter_union(boxes1: Tensor, boxes2: Tensor) -> tuple[Tensor, Tensor]:
    check_shape(boxes1, "N 4", "boxes1")
    check_shape(boxes2, "M 4", "boxes2")
    boxes1, boxes2 = _as_float(boxes1), _as_float(boxes2)
    lt = torch.max(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(boxes1)[:, None] + box_area(boxes2)[None, :] - inter
    return inter, union


def _safe_div(num: Tensor, den: Tensor) -> Tensor:
    # 0/0 -> 0 (torchvision: NaN); see the module docstring
    return torch.where(den > 0, num / torch.where(den > 0, den, torch.ones_like(den)), torch.zeros_like(num))


def _enclosing(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    lt = torch.min(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = torch.max(boxes1[:, None, 2:], boxes2[None, :, 2:])
    return (rb - lt).clamp(min=0)  # (N, M, 2) width and height of the smallest enclosing box


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise intersection over union (the Jaccard index), ``|A ∩ B| / |A ∪ B|``.

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy; boxes2: ``Tensor[M, 4]`` xyxy.

    Returns:
        ``Tensor[N, M]`` in ``[0, 1]``; 0 where both boxes have zero area (torchvision: NaN).

    Raises:
        ValueError: a shape other than ``(N, 4)`` / ``(M, 4)``.

    Reference: torchvision.ops.box_iou; Jaccard 1901.
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    inter, union = _inter_union(boxes1, boxes2)
    return _safe_div(inter, union)


def box_iog(boxes: Tensor, gt_boxes: Tensor) -> Tensor:
    """Pairwise intersection over ground truth (IoG), ``|B ∩ G| / |G|``.

    Unlike IoU, IoG does not fall when ``B`` grows away from ``G``: minimising it can only move or
    shrink ``B`` off ``G`` (why the repulsion loss uses it, notes 002 l.159).

    Args:
        boxes: ``Tensor[N, 4]`` xyxy (predicted boxes B); gt_boxes: ``Tensor[M, 4]`` xyxy (G).

    Returns:
        ``Tensor[N, M]`` in ``[0, 1]``; 0 where ``G`` has zero area (no NaN).

    Raises:
        ValueError: a shape other than ``(N, 4)`` / ``(M, 4)``.

    Reference: Wang et al. 2018, "Repulsion Loss: Detecting Pedestrians in a Crowd", Eq. (4).
    Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
    """
    inter, _ = _inter_union(boxes, gt_boxes)
    return _safe_div(inter, box_area(_as_float(gt_boxes))[None, :].expand_as(inter))


def generalized_box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise GIoU: ``IoU - |C \\ (A ∪ B)| / |C|`` with ``C`` the smallest enclosing box.

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy; boxes2: ``Tensor[M, 4]`` xyxy.

    Returns:
        ``Tensor[N, M]`` in ``[-1, 1]``.

    Raises:
        ValueError: a shape other than ``(N, 4)`` / ``(M, 4)``.

    Reference: Rezatofighi et al. 2019, "Generalized Intersection over Union", Alg. 1.
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    inter, union = _inter_union(boxes1, boxes2)
    iou = _safe_div(inter, union)
    whi = _enclosing(_as_float(boxes1), _as_float(boxes2))
    areai = whi[..., 0] * whi[..., 1]
    return iou - _safe_div(areai - union, areai)


def _diou_iou(boxes1: Tensor, boxes2: Tensor, eps: float) -> tuple[Tensor, Tensor]:
    inter, union = _inter_union(boxes1, boxes2)
    iou = _safe_div(inter, union)
    boxes1, boxes2 = _as_float(boxes1), _as_float(boxes2)
    whi = _enclosing(boxes1, boxes2)
    c2 = whi[..., 0] ** 2 + whi[..., 1] ** 2 + eps  # squared diagonal of the enclosing box
    ctr1 = (boxes1[:, :2] + boxes1[:, 2:]) / 2
    ctr2 = (boxes2[:, :2] + boxes2[:, 2:]) / 2
    rho2 = ((ctr1[:, None, :] - ctr2[None, :, :]) ** 2).sum(-1)  # squared centre distance
    return iou - rho2 / c2, iou


def distance_box_iou(boxes1: Tensor, boxes2: Tensor, eps: float = 1e-7) -> Tensor:
    """Pairwise DIoU: ``IoU - ρ²(b, b_gt) / c²`` (centre distance over the enclosing diagonal).

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy; boxes2: ``Tensor[M, 4]`` xyxy.
        eps: added to ``c²`` (as torchvision) so coincident points do not divide by zero.

    Returns:
        ``Tensor[N, M]`` in ``[-1, 1]``.

    Raises:
        ValueError: a shape other than ``(N, 4)`` / ``(M, 4)``.

    Reference: Zheng et al. 2020, "Distance-IoU Loss", Eq. (6).
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    return _diou_iou(boxes1, boxes2, eps)[0]


def aspect_term(boxes1: Tensor, boxes2: Tensor, pairwise: bool = True) -> Tensor:
    """CIoU's ``v = 4/π² (arctan(w_gt/h_gt) − arctan(w/h))²`` (private helper of this chapter)."""
    w1, h1 = boxes1[:, 2] - boxes1[:, 0], boxes1[:, 3] - boxes1[:, 1]
    w2, h2 = boxes2[:, 2] - boxes2[:, 0], boxes2[:, 3] - boxes2[:, 1]
    a1, a2 = torch.atan(w1 / h1), torch.atan(w2 / h2)
    diff = a1[:, None] - a2[None, :] if pairwise else a1 - a2
    return (4 / math.pi**2) * diff**2


def complete_box_iou(boxes1: Tensor, boxes2: Tensor, eps: float = 1e-7) -> Tensor:
    """Pairwise CIoU: ``DIoU - α v`` with ``v`` the aspect-ratio term and ``α = v / (1 - IoU + v)``.

    ``α`` is treated as a constant in the gradient, as in the paper and torchvision.

    Args:
        boxes1: ``Tensor[N, 4]`` xyxy (predictions); boxes2: ``Tensor[M, 4]`` xyxy (targets);
            heights must be positive (the aspect ratio ``w / h``).
        eps: as in :func:`distance_box_iou`, and added to α's denominator.

    Returns:
        ``Tensor[N, M]``.

    Raises:
        ValueError: a shape other than ``(N, 4)`` / ``(M, 4)``.

    Reference: Zheng et al. 2020, "Distance-IoU Loss", Eqs. (9)-(11).
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    diou, iou = _diou_iou(boxes1, boxes2, eps)
    v = aspect_term(_as_float(boxes1), _as_float(boxes2))
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v
