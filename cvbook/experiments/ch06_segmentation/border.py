"""Scores as a function of the distance from the image border.

Taught in: notebooks/06_segmentation/09_padding.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook._checks import check_int, check_shape

__all__ = ["border_distance", "recall_by_border_distance"]


def border_distance(height: int, width: int) -> Tensor:
    """``Tensor[H, W]`` int64: pixel (i, j)'s distance to the nearest image side, ``min(i, j, H-1-i, W-1-j)``.

    Taught in: notebooks/06_segmentation/09_padding.ipynb
    """
    h, w = check_int(height, "height", minimum=1), check_int(width, "width", minimum=1)
    i, j = torch.arange(h)[:, None], torch.arange(w)[None, :]
    return torch.minimum(torch.minimum(i, h - 1 - i), torch.minimum(j, w - 1 - j))


def recall_by_border_distance(preds: Tensor, target: Tensor, max_distance: int) -> Tensor:
    """Share of object pixels (target > 0) predicted with their class, per border distance.

    Args:
        preds, target: ``(N, H, W)`` integer label maps (0 = background).
        max_distance: bins ``0 .. max_distance - 1`` hold one distance each; the last bin all
            pixels at ``>= max_distance``.

    Returns:
        ``Tensor[max_distance + 1]`` float64; NaN-free: a bin with no object pixel is 0 and the
        caller can tell it by :func:`border_distance`.

    Raises:
        ValueError: shapes differ or are not ``(N, H, W)``; ``max_distance < 1``.

    Taught in: notebooks/06_segmentation/09_padding.ipynb
    """
    sizes = check_shape(target, "N H W", "target")
    if preds.shape != target.shape:
        raise ValueError(f"preds {tuple(preds.shape)} and target {tuple(target.shape)} must have the same shape")
    d = check_int(max_distance, "max_distance", minimum=1)
    dist = border_distance(sizes["H"], sizes["W"]).clamp(max=d).expand_as(target)
    obj = target > 0
    hit = obj & (preds == target)
    total = torch.bincount(dist[obj], minlength=d + 1).double()
    good = torch.bincount(dist[hit], minlength=d + 1).double()
    return torch.where(total > 0, good / total.clamp(min=1), torch.zeros_like(total))
