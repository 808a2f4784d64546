"""SuperPoint's shape primitives as explicit geometry: parts to fill, plus their corner keypoints.

A :class:`Shape` is a list of filled parts (polygons, ellipses, parallelogram grids of cells), each
with a colour, plus ``keypoints``: ``Tensor[K, 2]`` in ``(x, y)`` pixel coordinates (x to the right,
y down; pixel ``(row i, col j)`` covers ``[j, j+1) x [i, i+1)``, so the corner of an integer-aligned
square lies exactly at an integer ``(x, y)``). The constructors below take geometry in those
coordinates; random geometry comes from :mod:`cvbook.data.shapes.sampling`.

Keypoints per kind (as in SuperPoint's Synthetic Shapes): line: its 2 endpoints; triangle and
quadrilateral: the vertices; star: the tips and the inner vertices; checkerboard of m x n cells:
the (m-1)(n-1) inner corners; stripes: the 2(m+1) ends of the stripe boundaries; cube: its 7
visible vertices; ellipse: none.

Colours are floats in [0, 1]: a scalar (grey, broadcast to every channel) or 3 values (RGB).

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 4 (Synthetic Shapes).
Departures: SuperPoint's stars are line segments radiating from a centre and its checkerboards are
perspective-warped; here stars are filled star polygons and boards are affine (parallelograms).
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence, Union

import torch
from torch import Tensor

from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.raster import ellipse_inside, grid_cells, polygon_inside

__all__ = [
    "Part",
    "Shape",
    "line",
    "polygon",
    "star",
    "checkerboard",
    "stripes",
    "cube",
    "cube_axes",
    "ellipse",
]

ColorLike = Union[float, Sequence[float], Tensor]


def _color(value: ColorLike) -> Tensor:
    c = torch.as_tensor(value, dtype=torch.float32).flatten()
    if c.numel() not in (1, 3):
        raise ValueError(f"a colour is one grey value or 3 RGB values, got {c.numel()} values")
    if (c < 0).any() or (c > 1).any():
        raise ValueError(f"colour values must lie in [0, 1], got {c.tolist()}")
    return c


def _points(value: object, name: str, n: int | None = None) -> Tensor:
    p = torch.as_tensor(value, dtype=torch.float32)
    if p.dim() == 1:
        p = p.view(1, -1)
    if p.dim() != 2 or p.shape[1] != 2 or (n is not None and p.shape[0] != n):
        count = f"{n} " if n is not None else ""
        raise ValueError(f"{name} must be {count}(x, y) points, shape (K, 2), got shape {tuple(p.shape)}")
    return p


@dataclass
class Part:
    """One filled region: ``kind`` is "polygon", "ellipse" or "grid".

    ``geometry`` holds tensors: polygon ``vertices`` ``[V, 2]``; ellipse ``center`` ``[2]``,
    ``axes`` ``[2]`` (semi-axes), ``angle`` (radians, x towards y); grid ``origin``, ``ex``, ``ey``
    ``[2]`` and ``m``, ``n`` (cell counts). ``colors`` is ``[1 or 2, C]``: grids paint their even
    cells with ``colors[0]`` and odd cells with ``colors[1]``.
    """

    kind: str
    geometry: dict[str, Tensor]
    colors: Tensor

    def __post_init__(self) -> None:
        if self.kind not in ("polygon", "ellipse", "grid"):
            raise ValueError(f"unknown part kind {self.kind!r}; expected 'polygon', 'ellipse' or 'grid'")

    def bounds(self) -> tuple[float, float, float, float]:
        """``(x0, y0, x1, y1)``: a box around the part, in pixel coordinates."""
        geo = self.geometry
        if self.kind == "polygon":
            pts = geo["vertices"]
        elif self.kind == "ellipse":
            r = float(geo["axes"].max())
            pts = torch.stack([geo["center"] - r, geo["center"] + r])
        else:
            o, a, b = geo["origin"], geo["ex"] * geo["m"], geo["ey"] * geo["n"]
            pts = torch.stack([o, o + a, o + b, o + a + b])
        lo, hi = pts.min(dim=0).values, pts.max(dim=0).values
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])

    def fill(self, xs: Tensor, ys: Tensor) -> list[tuple[Tensor, Tensor]]:
        """``[(mask, colour), ...]``: ``mask`` ``Tensor[Hs, Ws]`` bool on the sample grid ``xs, ys``."""
        geo = self.geometry
        if self.kind == "polygon":
            return [(polygon_inside(xs, ys, geo["vertices"][None])[0], self.colors[0])]
        if self.kind == "ellipse":
            mask = ellipse_inside(xs, ys, geo["center"][None], geo["axes"][None], geo["angle"].view(1))
            return [(mask[0], self.colors[0])]
        inside, parity = grid_cells(
            xs, ys, geo["origin"][None], geo["ex"][None], geo["ey"][None], geo["m"].view(1), geo["n"].view(1)
        )
        return [(inside[0] & ~parity[0], self.colors[0]), (inside[0] & parity[0], self.colors[1])]


@dataclass
class Shape:
    """A primitive: ``kind`` (one of ``SHAPE_CLASSES``), filled ``parts`` in drawing order, and
    ``keypoints`` ``Tensor[K, 2]`` as ``(x, y)`` pixel coordinates."""

    kind: str
    parts: list[Part]
    keypoints: Tensor = field(default_factory=lambda: torch.zeros(0, 2))

    def __post_init__(self) -> None:
        if self.kind not in SHAPE_CLASSES:
            raise ValueError(f"unknown shape kind {self.kind!r}; expected one of {SHAPE_CLASSES}")

    @property
    def label(self) -> int:
        """Index of ``kind`` in ``SHAPE_CLASSES``."""
        return SHAPE_CLASSES.index(self.kind)


def _poly(vertices: Tensor, color: ColorLike) -> Part:
    return Part("polygon", {"vertices": vertices}, _color(color)[None])


def line(p0: Sequence[float], p1: Sequence[float], width: float, color: ColorLike) -> Shape:
    """A segment from ``p0`` to ``p1`` (``(x, y)``), ``width`` pixels thick (a thin rectangle).

    Keypoints: the two endpoints ``[p0, p1]``.
    """
    ends = _points([p0, p1], "line endpoints", 2)
    if not width > 0:
        raise ValueError(f"line width must be positive, got {width}")
    d = ends[1] - ends[0]
    length = float(d.norm())
    if length == 0:
        raise ValueError("line endpoints must differ")
    normal = torch.stack([-d[1], d[0]]) / length * (width / 2)
    verts = torch.stack([ends[0] + normal, ends[1] + normal, ends[1] - normal, ends[0] - normal])
    return Shape("line", [_poly(verts, color)], ends.clone())


def polygon(vertices: Sequence[Sequence[float]] | Tensor, color: ColorLike) -> Shape:
    """A filled triangle (3 vertices) or quadrilateral (4), vertices ``(x, y)`` in order.

    Keypoints: the vertices. Non-convex (but simple) quadrilaterals are allowed.
    """
    verts = _points(vertices, "polygon vertices")
    kinds = {3: "triangle", 4: "quadrilateral"}
    if verts.shape[0] not in kinds:
        raise ValueError(f"a polygon needs 3 or 4 vertices, got {verts.shape[0]}")
    return Shape(kinds[verts.shape[0]], [_poly(verts, color)], verts.clone())


def star(
    center: Sequence[float], outer: float, inner: float, n_tips: int, angle: float, color: ColorLike
) -> Shape:
    """A filled star polygon: ``n_tips`` tips at radius ``outer``, inner vertices at ``inner``.

    The first tip points at ``angle`` radians (from +x towards +y). Keypoints: tips and inner
    vertices alternating, ``2 * n_tips`` of them.
    """
    if not isinstance(n_tips, int) or n_tips < 3:
        raise ValueError(f"a star needs an int n_tips >= 3, got {n_tips!r}")
    if not 0 < inner < outer:
        raise ValueError(f"a star needs 0 < inner < outer, got inner={inner}, outer={outer}")
    c = _points(center, "star center", 1)[0]
    k = torch.arange(2 * n_tips, dtype=torch.float32)
    a = angle + k * math.pi / n_tips
    r = torch.where(k.long() % 2 == 0, torch.tensor(float(outer)), torch.tensor(float(inner)))
    verts = c + torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=-1)
    return Shape("star", [_poly(verts, color)], verts.clone())


def _grid_part(origin, ex, ey, m: int, n: int, colors) -> Part:
    c0, c1 = _color(colors[0]), _color(colors[1])
    if c0.numel() != c1.numel():
        raise ValueError("both colours of a board must have the same number of channels")
    geometry = {
        "origin": _points(origin, "origin", 1)[0],
        "ex": _points(ex, "ex", 1)[0],
        "ey": _points(ey, "ey", 1)[0],
        "m": torch.tensor(float(m)),
        "n": torch.tensor(float(n)),
    }
    det = geometry["ex"][0] * geometry["ey"][1] - geometry["ex"][1] * geometry["ey"][0]
    if float(det) == 0:
        raise ValueError("ex and ey must not be parallel")
    return Part("grid", geometry, torch.stack([c0, c1]))


def checkerboard(
    origin: Sequence[float], ex: Sequence[float], ey: Sequence[float], m: int, n: int,
    colors: tuple[ColorLike, ColorLike],
) -> Shape:
    """An ``m x n`` board: cell ``(i, j)`` spans ``origin + [i, i+1) ex + [j, j+1) ey``.

    ``ex``, ``ey`` are one cell's edge vectors ``(x, y)``; cell ``(0, 0)`` has ``colors[0]``.
    Keypoints: the ``(m-1)(n-1)`` inner corners ``origin + i ex + j ey``, ``1 <= i < m``,
    ``1 <= j < n`` (j-major order: all i for j = 1 first).
    """
    for name, v in (("m", m), ("n", n)):
        if not isinstance(v, int) or v < 2:
            raise ValueError(f"a checkerboard needs an int {name} >= 2, got {v!r}")
    part = _grid_part(origin, ex, ey, m, n, colors)
    g = part.geometry
    i = torch.arange(1, m, dtype=torch.float32)
    j = torch.arange(1, n, dtype=torch.float32)
    jj, ii = torch.meshgrid(j, i, indexing="ij")
    kps = g["origin"] + ii.reshape(-1, 1) * g["ex"] + jj.reshape(-1, 1) * g["ey"]
    return Shape("checkerboard", [part], kps)


def stripes(
    origin: Sequence[float], ex: Sequence[float], ey: Sequence[float], m: int,
    colors: tuple[ColorLike, ColorLike],
) -> Shape:
    """``m`` parallel stripes: stripe ``i`` spans ``origin + [i, i+1) ex + [0, 1) ey``.

    Keypoints: both ends of each of the ``m + 1`` stripe boundaries, ``origin + i ex`` and
    ``origin + i ex + ey`` for ``i = 0..m``: ``2 (m + 1)`` points.
    """
    if not isinstance(m, int) or m < 2:
        raise ValueError(f"stripes need an int m >= 2, got {m!r}")
    part = _grid_part(origin, ex, ey, m, 1, colors)
    g = part.geometry
    i = torch.arange(m + 1, dtype=torch.float32).view(-1, 1)
    near = g["origin"] + i * g["ex"]
    kps = torch.stack([near, near + g["ey"]], dim=1).reshape(-1, 2)
    return Shape("stripes", [part], kps)


def cube_axes(alpha: Tensor, beta: Tensor) -> Tensor:
    """Orthographic image of a unit cube's three edges leaving its front (nearest) vertex.

    The cube is rotated by ``R = Rx(alpha) @ Ry(beta)``; the camera looks along -z. Column ``i`` of
    ``R`` is the cube's axis ``i``; the front vertex is ``sum_i s_i R[:, i] / 2`` with
    ``s_i = sign(R[2, i])``, and the edges leaving it go along ``-s_i R[:, i]``. The three faces
    meeting there face the camera (normal z-components ``|R[2, i]| > 0`` for angles in (0, pi/2)).
    ``alpha``, ``beta``: ``Tensor[b]``. Returns ``Tensor[b, 3, 2]``: the (x, y) image of each edge.
    """
    ca, sa, cb, sb = torch.cos(alpha), torch.sin(alpha), torch.cos(beta), torch.sin(beta)
    zeros, ones = torch.zeros_like(alpha), torch.ones_like(alpha)
    ry = torch.stack([cb, zeros, sb, zeros, ones, zeros, -sb, zeros, cb], -1).view(-1, 3, 3)
    rx = torch.stack([ones, zeros, zeros, zeros, ca, -sa, zeros, sa, ca], -1).view(-1, 3, 3)
    r = rx @ ry
    sign = torch.sign(r[:, 2, :])  # (b, 3)
    edges = -(sign[:, None, :] * r)  # columns: edge directions
    return edges[:, :2, :].transpose(1, 2)  # (b, 3, 2)


def cube(
    center: Sequence[float], edge: float, alpha: float, beta: float, angle: float,
    colors: tuple[ColorLike, ColorLike, ColorLike],
) -> Shape:
    """An orthographically projected cube showing three faces.

    The cube (edge length ``edge`` pixels) is tilted by ``alpha`` about x and ``beta`` about y (see
    :func:`cube_axes`), then rotated in the image by ``angle``; its projected centre is ``center``.
    The three visible faces get ``colors[0..2]``. Keypoints: the 7 visible vertices (front vertex,
    then the 3 ends of its edges, then the 3 outer corners).
    """
    if not edge > 0:
        raise ValueError(f"cube edge must be positive, got {edge}")
    c = _points(center, "cube center", 1)[0]
    axes = cube_axes(torch.tensor([float(alpha)]), torch.tensor([float(beta)]))[0] * edge
    ca, sa = math.cos(angle), math.sin(angle)
    rot = torch.tensor([[ca, -sa], [sa, ca]])
    axes = axes @ rot.T  # (3, 2)
    front = c - axes.sum(dim=0) / 2
    parts, outer = [], []
    for face, (i, j) in enumerate([(0, 1), (1, 2), (2, 0)]):
        corner = front + axes[i] + axes[j]
        outer.append(corner)
        verts = torch.stack([front, front + axes[i], corner, front + axes[j]])
        parts.append(_poly(verts, colors[face]))
    kps = torch.cat([front[None], front + axes, torch.stack(outer)])
    return Shape("cube", parts, kps)


def ellipse(center: Sequence[float], axes: Sequence[float], angle: float, color: ColorLike) -> Shape:
    """A filled ellipse with semi-axes ``axes = (a, b)``, the first rotated by ``angle`` from +x
    towards +y. No keypoints."""
    c = _points(center, "ellipse center", 1)[0]
    ab = torch.as_tensor(axes, dtype=torch.float32).flatten()
    if ab.numel() != 2 or (ab <= 0).any():
        raise ValueError(f"ellipse axes must be two positive semi-axes, got {axes!r}")
    part = Part("ellipse", {"center": c, "axes": ab, "angle": torch.tensor(float(angle))}, _color(color)[None])
    return Shape("ellipse", [part], torch.zeros(0, 2))
