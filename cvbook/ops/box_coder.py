"""Box coding of R-CNN: boxes as offsets ``(t_x, t_y, t_w, t_h)`` from anchors (or proposals).

``t_x = w_x (x - x_a) / w_a``, ``t_y = w_y (y - y_a) / h_a``, ``t_w = w_w log(w / w_a)``,
``t_h = w_h log(h / h_a)`` with ``(x, y)`` centres; decoding inverts it, clipping ``t_w``, ``t_h``
at ``log(1000 / 16)`` before the exponential, exactly as torchvision's ``BoxCoder``.

Reference: Girshick et al. 2014, "Rich feature hierarchies" (R-CNN), Appendix C; torchvision's
``models.detection._utils.BoxCoder``.
Taught in: notebooks/05_detection/03_box_regression.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from cvbook._checks import check_shape

__all__ = ["encode_boxes", "decode_boxes", "BBOX_XFORM_CLIP"]

#: torchvision's clip of t_w, t_h before exp (a box at most 1000/16 times its anchor)
BBOX_XFORM_CLIP = math.log(1000.0 / 16)


def _weights(weights: Sequence[float]) -> tuple[float, float, float, float]:
    if len(weights) != 4 or any(float(w) <= 0 for w in weights):
        raise ValueError(f"weights must be 4 positive numbers (wx, wy, ww, wh), got {tuple(weights)}")
    return tuple(float(w) for w in weights)  # type: ignore[return-value]


def _ctr_size(boxes: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    return boxes[:, 0] + 0.5 * w, boxes[:, 1] + 0.5 * h, w, h


def encode_boxes(boxes: Tensor, anchors: Tensor, weights: Sequence[float] = (1.0, 1.0, 1.0, 1.0)) -> Tensor:
    """Offsets ``(t_x, t_y, t_w, t_h)`` of each box from its anchor.

    Args:
        boxes: ``Tensor[N, 4]`` xyxy targets. anchors: ``Tensor[N, 4]`` xyxy, positive width and
            height. weights: ``(w_x, w_y, w_w, w_h)`` (Faster R-CNN's heads use (10, 10, 5, 5)).

    Returns:
        ``Tensor[N, 4]``, equal to ``BoxCoder(weights).encode_single(boxes, anchors)``.

    Raises:
        ValueError: shapes, unequal lengths or bad weights.

    Reference: Girshick et al. 2014 (R-CNN), Appendix C, Eqs. (6)-(9) (the targets t).
    Taught in: notebooks/05_detection/03_box_regression.ipynb
    """
    n = check_shape(boxes, "N 4", "boxes")["N"]
    if check_shape(anchors, "M 4", "anchors")["M"] != n:
        raise ValueError(f"boxes and anchors must pair up: {n} boxes, {anchors.shape[0]} anchors")
    wx, wy, ww, wh = _weights(weights)
    gx, gy, gw, gh = _ctr_size(boxes)
    ax, ay, aw, ah = _ctr_size(anchors.to(boxes.dtype))
    return torch.stack([wx * (gx - ax) / aw, wy * (gy - ay) / ah,
                        ww * torch.log(gw / aw), wh * torch.log(gh / ah)], dim=1)


def decode_boxes(deltas: Tensor, anchors: Tensor, weights: Sequence[float] = (1.0, 1.0, 1.0, 1.0),
                 clip: float = BBOX_XFORM_CLIP) -> Tensor:
    """Boxes from offsets: the inverse of :func:`encode_boxes` (up to the clip).

    Args:
        deltas: ``Tensor[N, 4]`` ``(t_x, t_y, t_w, t_h)``. anchors: ``Tensor[N, 4]`` xyxy.
        weights: as in :func:`encode_boxes`. clip: upper bound on ``t_w / w_w`` and ``t_h / w_h``
            before ``exp`` (torchvision's ``bbox_xform_clip``), so a wild prediction cannot overflow.

    Returns:
        ``Tensor[N, 4]`` xyxy, equal to ``BoxCoder(weights).decode_single(deltas, anchors)``.

    Raises:
        ValueError: shapes, unequal lengths or bad weights.

    Reference: Girshick et al. 2014 (R-CNN), Appendix C, Eqs. (1)-(4) (the predicted box).
    Taught in: notebooks/05_detection/03_box_regression.ipynb
    """
    n = check_shape(deltas, "N 4", "deltas")["N"]
    if check_shape(anchors, "M 4", "anchors")["M"] != n:
        raise ValueError(f"deltas and anchors must pair up: {n} deltas, {anchors.shape[0]} anchors")
    wx, wy, ww, wh = _weights(weights)
    ax, ay, aw, ah = _ctr_size(anchors.to(deltas.dtype))
    dx, dy = deltas[:, 0] / wx, deltas[:, 1] / wy
    dw = (deltas[:, 2] / ww).clamp(max=clip)
    dh = (deltas[:, 3] / wh).clamp(max=clip)
    cx, cy = dx * aw + ax, dy * ah + ay
    w, h = torch.exp(dw) * aw, torch.exp(dh) * ah
    return torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=1)
