"""A procedural image-classification set: one SuperPoint primitive per image, with nuisances.

Each 32x32 image shows one shape of ``SHAPE_CLASSES`` at a random position, scale, rotation and
colour, on a random background with a brightness gradient, small distractor strokes and blobs
(some behind, some in front of the shape), a background-coloured occluder (35 % of images) that bites into
the shape, and Gaussian pixel noise. Pixel templates do not transfer between positions, rotations
and colours, so a linear classifier on pixels does clearly worse than a small CNN: the set is an
offline stand-in for CIFAR-10 on which depth matters.

Everything is vectorised over the batch (samples are rendered in chunks), and all randomness comes
from one ``torch.Generator``.

Reference: the primitives follow DeTone et al. 2018 (SuperPoint, Synthetic Shapes); SuperPoint
renders scenes for interest points, not a classification set: the nuisances here are ours.
Taught in: notebooks/04_architectures/01_model_zoo.ipynb (the 32x32 stand-in of small_benchmark)
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.utils.data import TensorDataset

from cvbook.data.shapes._checks import check_channels, check_count, check_size, make_rng
from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.primitives import cube_axes
from cvbook.data.shapes.raster import ellipse_inside, grid_cells, polygon_inside, sample_axes

__all__ = ["make_shapes_classification", "render_classification_batch"]

_N_DISTRACTORS = 6  # distractor slots per image, each used with probability 1/3


def make_shapes_classification(
    n: int,
    size: int = 32,
    seed: int | torch.Generator = 0,
    channels: int = 3,
    *,
    supersample: int = 2,
    chunk: int = 256,
) -> TensorDataset:
    """``n`` labelled images of SuperPoint-style shapes, as a ``TensorDataset(images, labels)``.

    - ``images``: ``Tensor[n, channels, size, size]`` float32 in ``[0, 1]``;
    - ``labels``: ``Tensor[n]`` int64, indices into ``SHAPE_CLASSES`` (8 classes). Classes are
      balanced: every class occurs ``n // 8`` or ``n // 8 + 1`` times, in a random order.

    ``seed`` is a non-negative int or a CPU ``torch.Generator`` (which is advanced); the same seed
    gives the same data set. ``supersample`` is the anti-aliasing factor per axis.

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes (the primitives).
    Taught in: notebooks/04_architectures/01_model_zoo.ipynb (the 32x32 stand-in of small_benchmark)
    """
    n = check_count(n, "n", minimum=0)
    height, width = check_size(size)
    if height != width:
        raise ValueError(f"size must be square for classification, got {size!r}")
    channels = check_channels(channels)
    supersample = check_count(supersample, "supersample", minimum=1)
    chunk = check_count(chunk, "chunk", minimum=1)
    g = make_rng(seed)
    n_classes = len(SHAPE_CLASSES)
    labels = (torch.arange(n) % n_classes)[torch.randperm(n, generator=g)]
    images = torch.empty(n, channels, height, height)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        images[start:stop] = render_classification_batch(labels[start:stop], height, channels, g, supersample)
    return TensorDataset(images, labels)


def render_classification_batch(
    labels: Tensor, size: int, channels: int, generator: torch.Generator, supersample: int = 2
) -> Tensor:
    """Render one image per label: ``labels`` ``Tensor[B]`` int64 -> ``Tensor[B, channels, size, size]``.

    The batch step of :func:`make_shapes_classification` (which validates the arguments): images
    are drawn on a ``supersample``-fold grid as a uint8 map of palette indices, then coloured and
    averaged down. Draws from ``generator`` only.

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes (the primitives).
    Taught in: notebooks/04_architectures/01_model_zoo.ipynb (the 32x32 stand-in of small_benchmark)
    """
    g = generator
    b = labels.shape[0]
    ss = supersample
    xs, ys = sample_axes(0, size, 0, size, ss)

    def rand(*shape: int) -> Tensor:
        return torch.rand(*shape, generator=g)

    # Colours: every channel of the foreground differs from the background by 0.25..0.75, so the
    # shape always has contrast; the second colour (checkerboard, stripes, cube) likewise from fg.
    # Painting writes colour *indices* into a uint8 layer map (cheap); colours are looked up once at
    # the end. Palette: 0 background, 1-2 shape colours, 3 the cube's middle shade, 4+ distractors.
    bg = rand(b, channels)
    fg = (bg + 0.25 + 0.5 * rand(b, channels)).remainder(1.0)
    fg2 = (fg + 0.25 + 0.5 * rand(b, channels)).remainder(1.0)
    palette = torch.cat(
        [bg[:, None], fg[:, None], fg2[:, None], ((fg + fg2) / 2)[:, None], rand(b, _N_DISTRACTORS, channels)], dim=1
    )  # (B, 4 + D, C)
    layer = torch.zeros(b, ys.shape[1], xs.shape[2], dtype=torch.uint8)

    _draw_distractors(layer, xs, ys, size, g, front=False)
    # Pose of the main shape: radius 25-45 % of the image side, centre keeps most of it visible.
    radius = size * (0.25 + 0.2 * rand(b))
    center = size / 2 + (rand(b, 2) - 0.5) * (size - 1.4 * radius)[:, None]
    theta = 2 * math.pi * rand(b)
    for k, name in enumerate(SHAPE_CLASSES):
        idx = (labels == k).nonzero().flatten()
        if idx.numel():
            _DRAW[name](layer, idx, xs, ys, center[idx], radius[idx], theta[idx], g)
    _draw_distractors(layer, xs, ys, size, g, front=True)
    _draw_occluder(layer, xs, ys, center, radius, g)

    # Look the colours up, anti-alias, then light the scene with a linear brightness ramp of random
    # direction and strength (+-15 %), and add Gaussian noise of a random level per image.
    flat = layer.long().view(b, 1, -1).expand(-1, channels, -1)
    canvas = palette.transpose(1, 2).gather(2, flat).view(b, channels, ys.shape[1], xs.shape[2])
    image = F.avg_pool2d(canvas, ss) if ss > 1 else canvas
    px = (torch.arange(size, dtype=torch.float32) + 0.5) / size - 0.5
    phi = 2 * math.pi * rand(b)
    amp = 0.3 * (rand(b) - 0.5)
    cos, sin = torch.cos(phi)[:, None, None], torch.sin(phi)[:, None, None]
    ramp = amp[:, None, None] * (cos * px[None, None, :] + sin * px[None, :, None])  # (B, size, size)
    sigma = 0.08 * rand(b)
    image = image + ramp[:, None] + sigma[:, None, None, None] * torch.randn(image.shape, generator=g)
    return image.clamp_(0.0, 1.0)


def _paint(layer: Tensor, idx: Tensor | None, mask: Tensor, value: int) -> None:
    """Write colour index ``value`` into ``layer[idx]`` where ``mask`` (``(b, Hs, Ws)`` bool)."""
    if idx is None:
        layer.masked_fill_(mask, value)
    else:
        layer[idx] = layer[idx].masked_fill_(mask, value)


def _rotate(v: Tensor, theta: Tensor) -> Tensor:
    """Rotate ``(b, ..., 2)`` vectors by ``theta`` ``(b,)``."""
    c, s = torch.cos(theta), torch.sin(theta)
    shape = (-1,) + (1,) * (v.dim() - 2)
    c, s = c.view(shape), s.view(shape)
    return torch.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], dim=-1)


def _radial_polygon(center: Tensor, radius: Tensor, theta: Tensor, angles: Tensor, radii: Tensor) -> Tensor:
    """Vertices ``(b, V, 2)`` at polar ``(radii * radius, angles + theta)`` around ``center``."""
    a = angles + theta[:, None]
    r = radii * radius[:, None]
    return center[:, None, :] + torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=-1)


def _line(layer, idx, xs, ys, center, radius, theta, g):
    b = idx.numel()
    half_len = radius * (0.8 + 0.2 * torch.rand(b, generator=g))
    half_w = 0.6 + 0.9 * torch.rand(b, generator=g)
    corners = torch.tensor([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    local = corners[None] * torch.stack([half_len, half_w], dim=-1)[:, None, :]
    verts = center[:, None, :] + _rotate(local, theta)
    _paint(layer, idx, polygon_inside(xs, ys, verts), 1)


def _regular_ish(n_vertices: int, jitter: float):
    def draw(layer, idx, xs, ys, center, radius, theta, g):
        b = idx.numel()
        base = torch.arange(n_vertices, dtype=torch.float32) * (2 * math.pi / n_vertices)
        angles = base + jitter * (torch.rand(b, n_vertices, generator=g) - 0.5)
        radii = 0.6 + 0.4 * torch.rand(b, n_vertices, generator=g)
        verts = _radial_polygon(center, radius, theta, angles, radii)
        _paint(layer, idx, polygon_inside(xs, ys, verts), 1)

    return draw


def _star(layer, idx, xs, ys, center, radius, theta, g):
    b = idx.numel()
    tips = torch.randint(5, 8, (b,), generator=g)  # 5, 6 or 7 tips
    n_max = 2 * 7
    k = torch.arange(n_max, dtype=torch.float32)
    n_vert = (2 * tips)[:, None]
    # Pad the polygon with its last real vertex (zero-length edges do not change the inside-test).
    kk = torch.minimum(k[None].expand(b, -1), (n_vert - 1).float())
    angles = kk * math.pi / tips[:, None]
    is_tip = kk.long() % 2 == 0
    radii = torch.where(is_tip, 0.85 + 0.15 * torch.rand(b, 1, generator=g), 0.3 + 0.2 * torch.rand(b, 1, generator=g))
    verts = _radial_polygon(center, radius, theta, angles, radii)
    _paint(layer, idx, polygon_inside(xs, ys, verts), 1)


def _board(rows_lo: int, rows_hi: int, cols_lo: int, cols_hi: int):
    def draw(layer, idx, xs, ys, center, radius, theta, g):
        b = idx.numel()
        m = torch.randint(cols_lo, cols_hi + 1, (b,), generator=g)
        n = torch.randint(rows_lo, rows_hi + 1, (b,), generator=g)
        width = 2 * radius * (0.75 + 0.25 * torch.rand(b, generator=g))
        height = width * (0.7 + 0.3 * torch.rand(b, generator=g))
        shear = 0.3 * (torch.rand(b, generator=g) - 0.5)
        ex = _rotate(torch.stack([width / m, torch.zeros(b)], dim=-1), theta)
        ey = _rotate(torch.stack([shear * height / n, height / n], dim=-1), theta)
        origin = center - (m[:, None] * ex + n[:, None] * ey) / 2
        inside, parity = grid_cells(xs, ys, origin, ex, ey, m.float(), n.float())
        _paint(layer, idx, inside & ~parity, 1)
        _paint(layer, idx, inside & parity, 2)

    return draw


def _cube(layer, idx, xs, ys, center, radius, theta, g):
    b = idx.numel()
    alpha = 0.3 + 0.7 * torch.rand(b, generator=g)  # tilt about x
    beta = 0.3 + 0.97 * torch.rand(b, generator=g)  # tilt about y
    edge = radius * (0.75 + 0.25 * torch.rand(b, generator=g))
    axes = cube_axes(alpha, beta) * edge[:, None, None]  # (b, 3, 2) projected edges from front vertex
    axes = _rotate(axes, theta)
    front = center - axes.sum(dim=1) / 2
    for face, (i, j) in enumerate([(0, 1), (1, 2), (2, 0)]):
        ei, ej = axes[:, i], axes[:, j]
        verts = torch.stack([front, front + ei, front + ei + ej, front + ej], dim=1)
        # three shades: fg, (fg + fg2) / 2, fg2 (palette entries 1, 3, 2)
        _paint(layer, idx, polygon_inside(xs, ys, verts), (1, 3, 2)[face])


def _ellipse(layer, idx, xs, ys, center, radius, theta, g):
    b = idx.numel()
    a = radius * (0.7 + 0.3 * torch.rand(b, generator=g))
    minor = a * (0.35 + 0.65 * torch.rand(b, generator=g))
    mask = ellipse_inside(xs, ys, center, torch.stack([a, minor], dim=-1), theta)
    _paint(layer, idx, mask, 1)


_DRAW = {
    "line": _line,
    "triangle": _regular_ish(3, 0.8),
    "quadrilateral": _regular_ish(4, 0.6),
    "star": _star,
    "checkerboard": _board(3, 5, 3, 5),
    "stripes": _board(1, 1, 3, 6),
    "cube": _cube,
    "ellipse": _ellipse,
}


def _draw_distractors(layer: Tensor, xs: Tensor, ys: Tensor, size: int, g: torch.Generator, front: bool) -> None:
    """Half of the distractor slots, each a short stroke or a small blob in its own palette colour.

    Each slot is used with probability 1/3; masks are computed only for the images that use it.
    """
    b = layer.shape[0]
    half = _N_DISTRACTORS // 2
    slots = range(half, _N_DISTRACTORS) if front else range(half)
    corners = torch.tensor([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    for slot in slots:
        kind = torch.randint(0, 6, (b,), generator=g)  # 0: stroke, 1: blob, 2-5: slot unused
        center = size * torch.rand(b, 2, generator=g)
        angle = 2 * math.pi * torch.rand(b, generator=g)
        half_len = 1.0 + 2.5 * torch.rand(b, generator=g)
        half_w = 0.4 + 0.4 * torch.rand(b, generator=g)
        blob_axes = 0.7 + 1.5 * torch.rand(b, 2, generator=g)
        idx = (kind == 0).nonzero().flatten()
        if idx.numel():
            local = corners[None] * torch.stack([half_len[idx], half_w[idx]], -1)[:, None]
            verts = center[idx, None] + _rotate(local, angle[idx])
            _paint(layer, idx, polygon_inside(xs, ys, verts), 4 + slot)
        idx = (kind == 1).nonzero().flatten()
        if idx.numel():
            _paint(layer, idx, ellipse_inside(xs, ys, center[idx], blob_axes[idx], angle[idx]), 4 + slot)


def _draw_occluder(layer: Tensor, xs: Tensor, ys: Tensor, center: Tensor, radius: Tensor, g: torch.Generator) -> None:
    """With probability 0.35, a background-coloured rectangle over one side of the shape."""
    b = layer.shape[0]
    active = torch.rand(b, generator=g) < 0.35
    phi = 2 * math.pi * torch.rand(b, generator=g)
    direction = torch.stack([torch.cos(phi), torch.sin(phi)], -1)
    # The rectangle's near edge sits 0.45..0.8 radii from the shape centre, so it hides a cap.
    depth = radius * (0.45 + 0.35 * torch.rand(b, generator=g))
    idx = active.nonzero().flatten()
    if not idx.numel():
        return
    near = (center + direction * depth[:, None])[idx]
    direction = direction[idx]
    normal = torch.stack([-direction[:, 1], direction[:, 0]], -1)
    far = 2 * radius[idx, None]
    verts = torch.stack(
        [near - normal * far, near + normal * far, near + (direction + normal) * far, near + (direction - normal) * far],
        dim=1,
    )
    _paint(layer, idx, polygon_inside(xs, ys, verts), 0)
