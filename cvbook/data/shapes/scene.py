"""Render shapes into a scene with instance labels, boxes, visible masks and visible keypoints.

Conventions (all outputs of :class:`Scene`):

- ``image``: ``Tensor[C, H, W]`` float32 in [0, 1], ``C`` = 1 (grey) or 3 (RGB).
- Coordinates: ``(x, y)`` with x to the right (column) and y down (row); pixel ``(row i, col j)``
  covers ``[j, j+1) x [i, i+1)``, centre ``(j + 0.5, i + 0.5)``. Tensors indexed by pixel use
  ``[row, col]`` (``masks[n, y, x]``); point lists use ``(x, y)``.
- ``masks``: ``Tensor[N, H, W]`` bool, the *visible* part of each instance after occlusion by the
  objects drawn later. Each pixel goes to whichever of background and objects covers most of its
  ``ss x ss`` samples (ties to the later-drawn object), so masks are disjoint. Objects with no
  visible pixel are dropped.
- ``boxes``: ``Tensor[N, 4]`` float ``(x1, y1, x2, y2)`` enclosing the visible mask, inclusive at
  the top-left and exclusive at the bottom-right: ``x1 = min col``, ``x2 = max col + 1``
  (so ``x2 - x1`` is the box width in pixels, as in torchvision's ``masks_to_boxes`` + 1).
- ``labels``: ``Tensor[N]`` int64 indices into ``SHAPE_CLASSES``.
- ``keypoints``: ``Tensor[K, 2]`` float ``(x, y)``; ``keypoint_instance``: ``Tensor[K]`` int64,
  the index (into ``labels``/``masks``) of the instance each keypoint belongs to. A keypoint is
  kept when it lies in the image, the sample under it is not covered by a later-drawn object, and
  a visible pixel of its instance lies within 2 pixels (Chebyshev distance) of its pixel.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 4 (Synthetic Shapes).
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook.data.shapes._checks import check_channels, check_count, check_size
from cvbook.data.shapes.primitives import Shape
from cvbook.data.shapes.raster import sample_axes

__all__ = ["Scene", "render_shapes", "masks_to_boxes_exclusive"]


@dataclass
class Scene:
    """One rendered scene; see the module docstring for every convention.

    image ``[C, H, W]`` float in [0, 1]; labels ``[N]`` int64; boxes ``[N, 4]`` xyxy (x2, y2
    exclusive); masks ``[N, H, W]`` bool (visible, disjoint); keypoints ``[K, 2]`` (x, y);
    keypoint_instance ``[K]`` int64.
    """

    image: Tensor
    labels: Tensor
    boxes: Tensor
    masks: Tensor
    keypoints: Tensor
    keypoint_instance: Tensor


def masks_to_boxes_exclusive(masks: Tensor) -> Tensor:
    """``Tensor[N, H, W]`` bool -> ``Tensor[N, 4]`` float ``(x1, y1, x2, y2)`` with
    ``x1 = min col``, ``x2 = max col + 1`` (likewise rows). Every mask must be non-empty."""
    if masks.numel() == 0 or masks.shape[0] == 0:
        return torch.zeros(0, 4)
    cols = masks.any(dim=1)  # (N, W)
    rows = masks.any(dim=2)  # (N, H)
    if not rows.any(dim=1).all():
        raise ValueError("every mask must have at least one pixel")
    w, h = cols.shape[1], rows.shape[1]
    ar_w = torch.arange(w)
    ar_h = torch.arange(h)
    x1 = torch.where(cols, ar_w, w).min(dim=1).values
    x2 = torch.where(cols, ar_w, -1).max(dim=1).values + 1
    y1 = torch.where(rows, ar_h, h).min(dim=1).values
    y2 = torch.where(rows, ar_h, -1).max(dim=1).values + 1
    return torch.stack([x1, y1, x2, y2], dim=1).float()


def render_shapes(
    shapes: Sequence[Shape],
    size: int | tuple[int, int],
    *,
    background: float | Sequence[float] | Tensor = 0.0,
    channels: int = 1,
    supersample: int = 4,
) -> Scene:
    """Draw ``shapes`` in order (later ones on top) and return the :class:`Scene`.

    ``background``: a scalar grey, ``C`` values, or an image ``Tensor[C or 1, H, W]``.
    ``supersample``: samples per pixel along each axis (anti-aliasing; 1 = hard edges).
    Rendering is deterministic (no randomness here).

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes (render primitives, keep the
    keypoints that stay visible).
    Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
    """
    height, width = check_size(size)
    channels = check_channels(channels)
    ss = check_count(supersample, "supersample", minimum=1)
    return _render(list(shapes), height, width, background, channels, ss)


def _background(background, channels: int, height: int, width: int) -> Tensor:
    bg = torch.as_tensor(background, dtype=torch.float32)
    if bg.dim() == 3:
        if bg.shape[1:] != (height, width) or bg.shape[0] not in (1, channels):
            raise ValueError(f"a background image must be (C, {height}, {width}), got {tuple(bg.shape)}")
        return bg.expand(channels, -1, -1).clone()
    bg = bg.flatten()
    if bg.numel() not in (1, channels):
        raise ValueError(f"background must be 1 or {channels} values or an image, got {bg.numel()} values")
    return bg.view(-1, 1, 1).expand(channels, height, width).clone()


def _render(shapes: list[Shape], height: int, width: int, background, channels: int, ss: int) -> Scene:
    bg = _background(background, channels, height, width)
    canvas = bg.repeat_interleave(ss, dim=1).repeat_interleave(ss, dim=2) if ss > 1 else bg
    owner = torch.full((height * ss, width * ss), -1, dtype=torch.int16)
    for index, shape in enumerate(shapes):
        if not isinstance(shape, Shape):
            raise TypeError(f"shapes must be Shape objects, got {type(shape).__name__}")
        for part in shape.parts:
            x0, y0, x1, y1 = part.bounds()
            c0, r0 = max(0, math.floor(x0)), max(0, math.floor(y0))
            c1, r1 = min(width, math.ceil(x1)), min(height, math.ceil(y1))
            if c0 >= c1 or r0 >= r1:
                continue  # outside the image
            xs, ys = sample_axes(c0, c1, r0, r1, ss)
            win = (slice(r0 * ss, r1 * ss), slice(c0 * ss, c1 * ss))
            for mask, color in part.fill(xs, ys):
                if color.numel() not in (1, channels):
                    raise ValueError(f"a {shape.kind} has a {color.numel()}-channel colour, image has {channels}")
                canvas[:, win[0], win[1]] = torch.where(mask, color.view(-1, 1, 1), canvas[:, win[0], win[1]])
                owner[win].masked_fill_(mask, index)
    image = F.avg_pool2d(canvas[None], ss)[0] if ss > 1 else canvas

    # Visible masks: plurality vote of each pixel's samples among background (-1) and objects,
    # ties to the later-drawn owner: the score votes * (n + 1) + (owner + 1) breaks ties by index.
    n = len(shapes)
    pixel = (torch.arange(height * ss) // ss)[:, None] * width + (torch.arange(width * ss) // ss)[None, :]
    key = (owner.long() + 1) * (height * width) + pixel  # (Hs, Ws): (owner, pixel) pairs
    votes = torch.bincount(key.flatten(), minlength=(n + 1) * height * width).view(n + 1, height, width)
    score = votes * (n + 1) + torch.arange(n + 1).view(-1, 1, 1)
    winner = score.amax(dim=0) % (n + 1) - 1  # -1 background, else object index
    all_masks = winner[None] == torch.arange(n).view(-1, 1, 1)  # (n, H, W)
    keep = all_masks.flatten(1).any(dim=1)
    new_index = torch.cumsum(keep.long(), 0) - 1

    # Keypoints: inside the image, not under a later object, within 2 px of the instance's mask.
    pts = torch.cat([torch.zeros(0, 2)] + [s.keypoints for s in shapes])
    counts = torch.tensor([len(s.keypoints) for s in shapes], dtype=torch.int64)
    inst = torch.repeat_interleave(torch.arange(n), counts)  # instance of each keypoint
    x, y = pts[:, 0], pts[:, 1]
    ok = (x >= 0) & (x < width) & (y >= 0) & (y < height)
    pts, inst, x, y = pts[ok], inst[ok], x[ok], y[ok]
    sample_owner = owner[(y * ss).long().clamp(max=height * ss - 1), (x * ss).long().clamp(max=width * ss - 1)]
    offsets = torch.arange(-2, 3)
    rows = (y.floor().long()[:, None, None] + offsets[None, :, None]).clamp(0, height - 1)  # (K, 5, 1)
    cols = (x.floor().long()[:, None, None] + offsets[None, None, :]).clamp(0, width - 1)  # (K, 1, 5)
    near = all_masks[inst[:, None, None], rows, cols].flatten(1).any(dim=1)  # clamping repeats edge pixels
    ok = (sample_owner <= inst) & near & keep[inst]
    keypoints, keypoint_instance = pts[ok], new_index[inst[ok]]

    masks = all_masks[keep]
    labels = torch.tensor([s.label for s in shapes], dtype=torch.int64).view(-1)[keep]
    return Scene(
        image=image.clamp(0.0, 1.0),
        labels=labels,
        boxes=masks_to_boxes_exclusive(masks),
        masks=masks,
        keypoints=keypoints,
        keypoint_instance=keypoint_instance,
    )
