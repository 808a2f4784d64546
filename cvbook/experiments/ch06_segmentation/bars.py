"""Scenes of long bars and short dashes: thin structures that only length tells apart.

Each scene has 1-2 *bars* (label 1), near-horizontal or near-vertical, longer than the image side,
and 2-4 *dashes* of the same width, colour distribution and orientation, but short, labelled
background (0): distractors. A pixel in the middle of a bar and a pixel in the middle of a dash
look the same locally; only context along the structure (how far it goes) separates them: the
case strip pooling is made for.
Drawn with the generator's own primitive (:func:`cvbook.data.shapes.line`) and rasteriser.

Reference: Hou et al., "Strip Pooling", CVPR 2020 (long, thin objects; the scenes are the book's).
Taught in: notebooks/06_segmentation/07_strip_pooling.ipynb
"""
from __future__ import annotations

import math

import torch

from cvbook._checks import as_generator, check_int
from cvbook.data.shapes import SegmentationSet, line, render_shapes
from cvbook.data.shapes.primitives import Shape
from cvbook.data.shapes.sampling import smooth_background
from cvbook.data.shapes.segmentation import instance_map, semantic_map

__all__ = ["BAR_CLASSES", "make_bar_set"]

#: label order of :func:`make_bar_set`
BAR_CLASSES = ("background", "bar")


def _segment(g: torch.Generator, h: int, w: int, length: float, width_px: float, max_tilt: float,
             base: torch.Tensor) -> tuple[tuple[float, float], tuple[float, float], float, torch.Tensor]:
    u = torch.rand(5, generator=g).tolist()
    vertical = u[0] < 0.5
    tilt = max_tilt * (2 * u[1] - 1) + (math.pi / 2 if vertical else 0.0)
    cx, cy = w * (0.15 + 0.7 * u[2]), h * (0.15 + 0.7 * u[3])
    d = (math.cos(tilt) * length / 2, math.sin(tilt) * length / 2)
    color = (base + 0.3 + 0.4 * torch.rand(base.numel(), generator=g)).remainder(1.0)
    return (cx - d[0], cy - d[1]), (cx + d[0], cy + d[1]), width_px, color


def make_bar_set(n: int, size: int = 64, seed: int | torch.Generator = 0, *, n_bars: tuple[int, int] = (1, 2),
                 n_dashes: tuple[int, int] = (2, 4), width: tuple[float, float] = (3.0, 6.0),
                 dash_length: tuple[float, float] = (0.15, 0.3), max_tilt_deg: float = 8.0,
                 noise: float = 0.03, supersample: int = 2) -> SegmentationSet:
    """``n`` RGB scenes of bars (label 1, length 2 x ``size``, crossing the image) and dashes (label 0).

    Args:
        n: scenes; size: image side (px); seed: int or generator.
        n_bars, n_dashes: inclusive count ranges; width: line width range (px);
        dash_length: dash length as a fraction of ``size``; max_tilt_deg: tilt from the image axes.

    Returns:
        :class:`cvbook.data.shapes.SegmentationSet` with ``classes == BAR_CLASSES``; the instance map
        numbers bars and dashes alike.

    Raises:
        ValueError: ``n < 1`` or ``size < 8``.

    Taught in: notebooks/06_segmentation/07_strip_pooling.ipynb
    """
    from cvbook.runtime import record_data

    n = check_int(n, "n", minimum=1)
    size = check_int(size, "size", minimum=8)
    g = as_generator(seed)
    tilt = math.radians(max_tilt_deg)
    images, sems, insts = [], [], []
    for _ in range(n):
        bg = smooth_background(size, size, 3, g)
        base = bg.mean(dim=(1, 2))
        nb = n_bars[0] + int(torch.randint(n_bars[1] - n_bars[0] + 1, (1,), generator=g))
        nd = n_dashes[0] + int(torch.randint(n_dashes[1] - n_dashes[0] + 1, (1,), generator=g))
        shapes = []
        for k in range(nb + nd):
            u = torch.rand(2, generator=g).tolist()
            wpx = width[0] + (width[1] - width[0]) * u[0]
            length = 2.0 * size if k < nb else size * (dash_length[0] + (dash_length[1] - dash_length[0]) * u[1])
            p0, p1, wpx, color = _segment(g, size, size, length, wpx, tilt, base)
            s = line(p0, p1, wpx, color)
            # a dash is the same primitive under another kind name, so the semantic map can tell them apart
            shapes.append(s if k < nb else Shape("quadrilateral", s.parts, s.keypoints))
        order = torch.randperm(len(shapes), generator=g).tolist()  # bars not always below the dashes
        scene = render_shapes([shapes[i] for i in order], (size, size), background=bg, channels=3,
                              supersample=supersample)
        image = (scene.image + noise * torch.randn(scene.image.shape, generator=g)).clamp(0, 1)
        images.append(image)
        sem = semantic_map(scene, ("line", "quadrilateral"))
        sems.append(torch.where(sem == 2, 0, sem))  # dashes are background: only bars are targets
        insts.append(instance_map(scene))
    record_data("bar-and-dash scenes (cvbook.experiments.ch06_segmentation.bars, from cvbook.data.shapes primitives)")
    return SegmentationSet(torch.stack(images), torch.stack(sems), torch.stack(insts), BAR_CLASSES)
