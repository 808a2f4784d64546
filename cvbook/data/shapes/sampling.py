"""Random scenes: sample primitives' geometry and colours, then render them.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 4 (Synthetic Shapes): random
primitives on a blurred-noise background, with image noise and blur.
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook.data.shapes import primitives as P
from cvbook.data.shapes._checks import check_channels, check_count, check_kinds, check_n_objects, check_size, make_rng
from cvbook.data.shapes.primitives import Shape
from cvbook.data.shapes.scene import Scene, render_shapes

__all__ = ["random_shape", "smooth_background", "render_scene", "make_scene_batch"]


def _contrast(base: Tensor, u: Tensor) -> Tensor:
    """A colour differing from ``base`` by 0.3..0.7 in every channel (wrapping around 1)."""
    return (base + 0.3 + 0.4 * u).remainder(1.0)


def random_shape(kind: str, height: int, width: int, g: torch.Generator, base: Tensor, *,
                 radius: tuple[float, float] = (0.12, 0.30), margin: float = 0.1) -> Shape:
    """One primitive of ``kind`` with random pose, size and colours contrasting with ``base``.

    Sizes scale with ``s = min(height, width)``: the radius is uniform in ``radius`` (fractions of
    ``s``; default 12-30 %); the centre lies anywhere in the image less a ``margin`` (a fraction of
    each side; default the middle 80 %). ``base``: ``Tensor[C]`` (the local background colour).
    The one primitive sampler of the package: scenes and the classification set both draw here.
    """
    (kind,) = check_kinds([kind])
    lo, hi = radius
    if not 0 < lo <= hi or not 0 <= margin < 0.5:
        raise ValueError(f"radius must be 0 < lo <= hi and margin in [0, 0.5), got {radius!r}, {margin!r}")
    s = min(height, width)
    u = torch.rand(16, generator=g).tolist()
    c_u = torch.rand(3, base.numel(), generator=g)
    fg = _contrast(base, c_u[0])
    fg2 = _contrast(fg, c_u[1])  # second colour (boards, cube) contrasts with the first
    span = 1.0 - 2.0 * margin
    cx, cy = width * (margin + span * u[0]), height * (margin + span * u[1])
    r = s * (lo + (hi - lo) * u[2])
    theta = 2 * math.pi * u[3]
    if kind == "line":
        d = (math.cos(theta) * r, math.sin(theta) * r)
        width_px = 1.5 + 1.5 * u[4]
        return P.line((cx - d[0], cy - d[1]), (cx + d[0], cy + d[1]), width_px, fg)
    if kind in ("triangle", "quadrilateral"):
        nv = 3 if kind == "triangle" else 4
        jitter = 0.8 if nv == 3 else 0.6
        ang = torch.tensor([theta + 2 * math.pi * k / nv + jitter * (u[4 + k] - 0.5) for k in range(nv)])
        rad = r * (0.6 + 0.4 * torch.tensor(u[8 : 8 + nv]))
        verts = torch.stack([cx + rad * torch.cos(ang), cy + rad * torch.sin(ang)], dim=-1)
        return P.polygon(verts, fg)
    if kind == "star":
        # inner radius >= 0.4 r keeps the tips from being too sharp to show at this resolution
        return P.star((cx, cy), r, r * (0.4 + 0.15 * u[4]), 5 + int(3 * u[5]), theta, fg)
    if kind in ("checkerboard", "stripes"):
        m = 3 + int(3 * u[4])
        n = 3 + int(3 * u[5]) if kind == "checkerboard" else 1
        w = 2 * r * (0.8 + 0.2 * u[6])
        h = w * (0.7 + 0.3 * u[7])
        shear = 0.3 * (u[8] - 0.5)
        ct, st = math.cos(theta), math.sin(theta)
        ex = (ct * w / m, st * w / m)
        ey_local = (shear * h / n, h / n)
        ey = (ct * ey_local[0] - st * ey_local[1], st * ey_local[0] + ct * ey_local[1])
        origin = (cx - (m * ex[0] + n * ey[0]) / 2, cy - (m * ex[1] + n * ey[1]) / 2)
        if kind == "checkerboard":
            return P.checkerboard(origin, ex, ey, m, n, (fg, fg2))
        return P.stripes(origin, ex, ey, m, (fg, fg2))
    if kind == "cube":
        shades = (fg, (fg + fg2) / 2, fg2)
        return P.cube((cx, cy), r * (0.8 + 0.2 * u[4]), 0.3 + 0.7 * u[5], 0.3 + 0.97 * u[6], theta, shades)
    # ellipse
    a = r * (0.7 + 0.3 * u[4])
    return P.ellipse((cx, cy), (a, a * (0.35 + 0.65 * u[5])), theta, fg)


def smooth_background(height: int, width: int, channels: int, g: torch.Generator) -> Tensor:
    """Blurred-noise background ``Tensor[C, H, W]``: a flat level plus a smooth +-0.15 texture.

    SuperPoint blurs random noise; here coarse 4x4 noise is upsampled bicubically (same look).
    """
    level = 0.15 + 0.7 * torch.rand(channels, 1, 1, generator=g)
    coarse = torch.rand(1, channels, 4, 4, generator=g) - 0.5
    texture = F.interpolate(coarse, size=(height, width), mode="bicubic", align_corners=False)[0]
    return (level + 0.3 * texture).clamp(0.0, 1.0)


def _gaussian_blur(image: Tensor, sigma: float) -> Tensor:
    radius = max(1, int(math.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-(t**2) / (2 * sigma**2))
    k = k / k.sum()
    c = image.shape[0]
    x = F.pad(image[None], (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    x = F.conv2d(x, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)
    return x[0]


def render_scene(
    size: int | tuple[int, int] = 64,
    n_objects: int | tuple[int, int] = (1, 4),
    kinds: Sequence[str] | None = None,
    seed: int | torch.Generator = 0,
    noise: float = 0.0,
    *,
    blur: float = 0.0,
    channels: int = 1,
    supersample: int = 4,
) -> Scene:
    """A random Synthetic-Shapes scene with labels, boxes, visible masks and keypoints.

    - ``size``: ``H`` (square) or ``(H, W)``; ``n_objects``: a count or an inclusive range
      ``(min, max)`` (objects that end up fully occluded are dropped, so ``N`` may be smaller);
    - ``kinds``: the kinds to draw from (default: all ``SHAPE_CLASSES``), chosen uniformly;
    - ``seed``: non-negative int or CPU ``torch.Generator`` (advanced); same seed, same scene;
    - ``noise``: std of Gaussian pixel noise added at the end; ``blur``: std in pixels of a
      Gaussian blur applied before the noise (0 = none). Both leave labels, masks and keypoints
      untouched. ``channels``: 1 (grey, as in SuperPoint) or 3.

    Returns a :class:`Scene`: image ``[C, H, W]`` in [0, 1], labels ``[N]``, boxes ``[N, 4]`` xyxy
    (x2, y2 exclusive), masks ``[N, H, W]``, keypoints ``[K, 2]`` (x, y), keypoint_instance ``[K]``.

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes.
    Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
    """
    height, width = check_size(size)
    lo, hi = check_n_objects(n_objects)
    kinds = check_kinds(kinds)
    channels = check_channels(channels)
    supersample = check_count(supersample, "supersample", minimum=1)
    for name, value in (("noise", noise), ("blur", blur)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    g = make_rng(seed)
    background = smooth_background(height, width, channels, g)
    count = lo + int(torch.randint(hi - lo + 1, (1,), generator=g))
    picks = torch.randint(len(kinds), (count,), generator=g).tolist()
    base = background.mean(dim=(1, 2))
    shapes = [random_shape(kinds[k], height, width, g, base) for k in picks]
    scene = render_shapes(
        shapes, (height, width), background=background, channels=channels, supersample=supersample
    )
    image = scene.image
    if blur > 0:
        image = _gaussian_blur(image, float(blur))
    if noise > 0:
        image = image + float(noise) * torch.randn(image.shape, generator=g)
    scene.image = image.clamp(0.0, 1.0)
    return scene


def make_scene_batch(
    n: int, size: int | tuple[int, int] = 64, seed: int | torch.Generator = 0, **kwargs
) -> list[Scene]:
    """``n`` scenes from one generator: ``[render_scene(size, seed=g, **kwargs) for _ in range(n)]``.

    Scene ``i`` depends on ``seed`` and ``i`` only through the shared generator, so the list is
    reproducible as a whole. Extra keyword arguments go to :func:`render_scene`.
    """
    n = check_count(n, "n", minimum=0)
    g = make_rng(seed)
    return [render_scene(size, seed=g, **kwargs) for _ in range(n)]
