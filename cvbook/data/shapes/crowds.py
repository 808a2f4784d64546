"""Crowded scenes: pairs of overlapping shapes of one class, with full and visible boxes.

Each pair is two shapes of the same kind (crowd occlusion is intra-class) whose centres are
``f * (r_1 + r_2)`` apart, ``f`` uniform in ``spacing`` and ``r`` each shape's half-extent, so
``f < 1`` makes their full boxes overlap; the later-drawn shape occludes the earlier one.

Targets follow :class:`~cvbook.data.shapes.detection.DetectionBatch` (``"boxes"``: the *visible*
box, as ``make_detection_batch``; ``"labels"``) plus ``"full_boxes"`` ``Tensor[N, 4]`` (the box of the
whole shape, as if nothing occluded it, clipped to the image), ``"visible"`` ``Tensor[N]`` (the
visible fraction of the shape's pixels) and ``"pair"`` ``Tensor[N]`` int64 (which pair an object
belongs to). Boxes are xyxy with x2, y2 exclusive (see :mod:`.scene`).

Reference: Wang et al. 2018, "Repulsion Loss: Detecting Pedestrians in a Crowd" (crowd occlusion);
Zhou and Yuan 2018, "Bi-box Regression for Pedestrian Detection and Occlusion Estimation" (full and
visible boxes). Shapes: DeTone et al. 2018, "SuperPoint" (Synthetic Shapes).
Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from cvbook.data.shapes._checks import check_count, check_kinds, make_rng
from cvbook.data.shapes.detection import DETECTION_KINDS, DetectionBatch
from cvbook.data.shapes.primitives import Part, Shape
from cvbook.data.shapes.sampling import random_shape, smooth_background
from cvbook.data.shapes.scene import masks_to_boxes_exclusive, render_shapes

__all__ = ["make_crowd_batch"]

_MAX_TRIES = 100


def _translated(shape: Shape, dx: float, dy: float) -> Shape:
    shift = torch.tensor([dx, dy])
    parts = []
    for part in shape.parts:
        geo = dict(part.geometry)
        for key in ("vertices", "center", "origin"):
            if key in geo:
                geo[key] = geo[key] + shift
        parts.append(Part(part.kind, geo, part.colors))
    return Shape(shape.kind, parts, shape.keypoints + shift)


def _extent(shape: Shape) -> tuple[float, float, float]:
    """Centre (x, y) and half-extent (mean of half width and half height) of the shape's parts."""
    b = torch.tensor([p.bounds() for p in shape.parts])
    x0, y0 = float(b[:, 0].min()), float(b[:, 1].min())
    x1, y1 = float(b[:, 2].max()), float(b[:, 3].max())
    return (x0 + x1) / 2, (y0 + y1) / 2, ((x1 - x0) + (y1 - y0)) / 4


def _pair(kind: str, size: int, g: torch.Generator, base: Tensor, spacing: tuple[float, float]) -> list[Shape]:
    a, b = random_shape(kind, size, size, g, base), random_shape(kind, size, size, g, base)
    u = torch.rand(4, generator=g).tolist()
    (ax, ay, ra), (bx, by, rb) = _extent(a), _extent(b)
    d = (spacing[0] + (spacing[1] - spacing[0]) * u[0]) * (ra + rb)
    phi = 2 * math.pi * u[1]
    mx, my = size * (0.3 + 0.4 * u[2]), size * (0.3 + 0.4 * u[3])  # the pair's midpoint
    ox, oy = d / 2 * math.cos(phi), d / 2 * math.sin(phi)
    return [_translated(a, mx - ox - ax, my - oy - ay), _translated(b, mx + ox - bx, my + oy - by)]


def make_crowd_batch(n: int, size: int = 64, kinds: Sequence[str] = DETECTION_KINDS, n_pairs: int = 1,
                     spacing: tuple[float, float] = (0.2, 0.7), seed: int | torch.Generator = 0,
                     noise: float = 0.02, supersample: int = 2) -> DetectionBatch:
    """``n`` grey scenes of ``n_pairs`` overlapping same-class pairs, with full and visible boxes.

    Args:
        n: number of images. size: side in pixels. kinds: shape classes to draw pairs from.
        n_pairs: pairs per image. spacing: range of the centre distance as a fraction of the sum
            of the two half-extents (below 1: the full boxes overlap).
        seed: int or ``torch.Generator``. noise: pixel noise std. supersample: samples per axis.

    Returns:
        :class:`DetectionBatch`; its targets also hold ``"full_boxes"``, ``"visible"``, ``"pair"``
        (see the module docstring). Scenes where a shape would vanish behind another are redrawn.

    Raises:
        ValueError: unknown kinds, ``n < 0``, ``n_pairs < 1``, ``spacing`` not ``0 < lo <= hi``.

    Reference: Wang et al. 2018, "Repulsion Loss"; Zhou and Yuan 2018, "Bi-box Regression".
    Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
    """
    from cvbook.data.shapes.classes import SHAPE_CLASSES

    n = check_count(n, "n", minimum=0)
    n_pairs = check_count(n_pairs, "n_pairs", minimum=1)
    kinds = tuple(check_kinds(list(kinds)))
    lo, hi = (float(v) for v in spacing)
    if not 0 < lo <= hi:
        raise ValueError(f"spacing must be (lo, hi) with 0 < lo <= hi, got {spacing!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")
    remap = {SHAPE_CLASSES.index(k): i for i, k in enumerate(kinds)}
    g = make_rng(seed)
    images, targets = [], []
    for _ in range(n):
        for _try in range(_MAX_TRIES):
            background = smooth_background(size, size, 1, g)
            base = background.mean(dim=(1, 2))
            picks = torch.randint(len(kinds), (n_pairs,), generator=g).tolist()
            shapes = [s for k in picks for s in _pair(kinds[k], size, g, base, (lo, hi))]
            scene = render_shapes(shapes, size, background=background, supersample=supersample)
            if len(scene.labels) < len(shapes):
                continue  # a shape vanished behind another (or outside the image): redraw
            alone = torch.cat([render_shapes([s], size, supersample=supersample).masks for s in shapes])
            if alone.shape[0] < len(shapes):
                continue
            break
        else:  # pragma: no cover - needs a degenerate spacing
            raise ValueError("could not draw a scene in which every shape stays visible; widen spacing")
        image = scene.image
        if noise > 0:
            image = (image + float(noise) * torch.randn(image.shape, generator=g)).clamp(0.0, 1.0)
        images.append(image)
        visible = scene.masks.flatten(1).sum(1).float() / alone.flatten(1).sum(1).float()
        targets.append({"boxes": scene.boxes.float(), "labels": torch.tensor([remap[int(v)] for v in scene.labels]),
                        "full_boxes": masks_to_boxes_exclusive(alone), "visible": visible.clamp(max=1.0),
                        "pair": torch.arange(len(shapes)) // 2})
    stacked = torch.stack(images) if images else torch.zeros(0, 1, size, size)
    from cvbook.runtime import record_data  # lazy: cvbook.runtime must not load with the data package

    record_data("procedural shape scenes (cvbook.data.shapes, crowded-pairs view)")
    return DetectionBatch(stacked, targets, kinds)
