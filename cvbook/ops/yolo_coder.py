"""YOLOv2/v3's direct location prediction: sigmoid offsets inside a cell, sizes from anchor priors.

``b_x = (sigmoid(t_x) + c_x) * stride``, ``b_y = (sigmoid(t_y) + c_y) * stride``,
``b_w = p_w exp(t_w)``, ``b_h = p_h exp(t_h)``: the centre cannot leave its cell, whatever ``t``,
while R-CNN's ``x = x_a + t_x w_a`` (``cvbook.ops.decode_boxes``) can put it anywhere.

Reference: Redmon & Farhadi 2017, "YOLO9000", Sec. 2 "Direct location prediction", Fig. 3;
Redmon & Farhadi 2018, "YOLOv3", Sec. 2.1.
Taught in: notebooks/05_detection/07_yolo.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook._checks import check_positive, check_shape

__all__ = ["yolo_decode", "yolo_grid_decode"]


def yolo_decode(deltas: Tensor, cells: Tensor, anchors_wh: Tensor, stride: float) -> Tensor:
    """Boxes from YOLOv2 offsets, one row per prediction.

    Args:
        deltas: ``Tensor[N, 4]`` raw ``(t_x, t_y, t_w, t_h)``.
        cells: ``Tensor[N, 2]`` the cell's ``(c_x, c_y)`` = (column, row) on the grid.
        anchors_wh: ``Tensor[N, 2]`` prior ``(p_w, p_h)`` in pixels.
        stride: pixels per cell.

    Returns:
        ``Tensor[N, 4]`` xyxy in pixels.

    Raises:
        ValueError: shapes that do not pair up, a non-positive stride.

    Reference: Redmon & Farhadi 2017, "YOLO9000", Sec. 2, Eqs. for b_x, b_y, b_w, b_h.
    Taught in: notebooks/05_detection/07_yolo.ipynb
    """
    n = check_shape(deltas, "N 4", "deltas")["N"]
    if check_shape(cells, "M 2", "cells")["M"] != n or check_shape(anchors_wh, "K 2", "anchors_wh")["K"] != n:
        raise ValueError(f"deltas, cells and anchors_wh must have one row each per prediction, got "
                         f"{n}, {cells.shape[0]}, {anchors_wh.shape[0]}")
    stride = check_positive(stride, "stride")
    centre = (torch.sigmoid(deltas[:, :2]) + cells.to(deltas.dtype)) * stride
    size = anchors_wh.to(deltas.dtype) * torch.exp(deltas[:, 2:])
    return torch.cat([centre - size / 2, centre + size / 2], dim=1)


def yolo_grid_decode(output: Tensor, anchors_wh: Tensor, stride: float) -> Tensor:
    """Decode one YOLOv3 head: ``(B, A * (5 + C), H, W)`` to boxes ``(B, H * W * A, 4)`` xyxy pixels.

    Channel ``a * (5 + C) + k`` holds value ``k`` (``t_x, t_y, t_w, t_h, objectness, classes...``)
    of anchor ``a``, as darknet lays it out; rows come cell-major (all anchors of cell 0 first).

    Raises:
        ValueError: a channel count that is not a multiple of the number of anchors, or fewer
            than 5 values per anchor.

    Reference: Redmon & Farhadi 2018, "YOLOv3", Sec. 2.1 and 2.3.
    Taught in: notebooks/05_detection/07_yolo.ipynb
    """
    sizes = check_shape(output, "B D H W", "output")
    a = check_shape(anchors_wh, "A 2", "anchors_wh")["A"]
    if a == 0 or sizes["D"] % a or sizes["D"] // a < 5:
        raise ValueError(f"output has {sizes['D']} channels: expected A * (5 + C) with A = {a}")
    b, h, w = sizes["B"], sizes["H"], sizes["W"]
    t = output.view(b, a, sizes["D"] // a, h, w)[:, :, :4].permute(0, 3, 4, 1, 2).reshape(-1, 4)  # (B*H*W*A, 4)
    yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    cells = torch.stack([xx, yy], -1).view(1, h, w, 1, 2).expand(b, h, w, a, 2).reshape(-1, 2)
    prior = anchors_wh.view(1, 1, 1, a, 2).expand(b, h, w, a, 2).reshape(-1, 2)
    return yolo_decode(t, cells, prior, stride).view(b, h * w * a, 4)
