"""Depth-to-space and its inverse: moving ``r * r`` channels into an ``r x r`` block of pixels.

SuperPoint's detector head ends with 64 channels per 8x8 cell and "reshapes" them into the cell's
pixels; that reshape is ``depth_to_space(x, 8)``, the same op as ``torch.nn.functional.pixel_shuffle``:
channel ``c * r * r + i * r + j`` of cell ``(h, w)`` goes to pixel ``(row r*h + i, col r*w + j)``.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 3.2; Shi et al. 2016 (pixel shuffle).
Taught in: notebooks/07_superpoint/01_network.ipynb
"""
from __future__ import annotations

from torch import Tensor

from cvbook._checks import check_int, check_shape

__all__ = ["depth_to_space", "space_to_depth"]


def depth_to_space(x: Tensor, block: int) -> Tensor:
    """``(B, C * r * r, H, W) -> (B, C, H * r, W * r)``; equals ``F.pixel_shuffle(x, r)``.

    Args:
        x: ``(B, C * r * r, H, W)``.
        block: ``r``, the side of the block of pixels one cell becomes.

    Returns:
        ``(B, C, H * r, W * r)``: channel ``c * r * r + i * r + j`` of cell ``(h, w)`` lands on
        row ``r * h + i``, column ``r * w + j`` (row-major inside the block).

    Raises:
        ValueError: ``x`` is not 4-d, or its channels are not a multiple of ``r * r``.
        TypeError: ``block`` is not an int.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.2 (the detector's "reshape").
    Taught in: notebooks/07_superpoint/01_network.ipynb
    """
    r = check_int(block, "block", minimum=1)
    s = check_shape(x, "B C H W", "x")
    if s["C"] % (r * r):
        raise ValueError(f"x must have a multiple of block**2 = {r * r} channels, got {s['C']}")
    b, c, h, w = s["B"], s["C"] // (r * r), s["H"], s["W"]
    return x.reshape(b, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(b, c, h * r, w * r)


def space_to_depth(x: Tensor, block: int) -> Tensor:
    """``(B, C, H * r, W * r) -> (B, C * r * r, H, W)``, the inverse of :func:`depth_to_space`;
    equals ``F.pixel_unshuffle(x, r)``.

    Args:
        x: ``(B, C, H', W')`` with ``H'`` and ``W'`` multiples of ``r``.
        block: ``r``.

    Returns:
        ``(B, C * r * r, H' / r, W' / r)``.

    Raises:
        ValueError: ``x`` is not 4-d, or its height or width is not a multiple of ``r``.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.2.
    Taught in: notebooks/07_superpoint/01_network.ipynb
    """
    r = check_int(block, "block", minimum=1)
    s = check_shape(x, "B C H W", "x")
    if s["H"] % r or s["W"] % r:
        raise ValueError(f"x's height and width must be multiples of block = {r}, got {s['H']}x{s['W']}")
    b, c, h, w = s["B"], s["C"], s["H"] // r, s["W"] // r
    return x.reshape(b, c, h, r, w, r).permute(0, 1, 3, 5, 2, 4).reshape(b, c * r * r, h, w)
