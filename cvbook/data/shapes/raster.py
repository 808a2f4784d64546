"""Batched inside-tests on a (super)sampled pixel grid: the rasteriser behind every shape.

Coordinates: ``x`` runs to the right (columns), ``y`` runs down (rows). Pixel ``(row i, col j)``
covers the square ``[j, j+1) x [i, i+1)``; its centre is ``(x, y) = (j + 0.5, i + 0.5)``. With
``ss``-fold supersampling a pixel holds ``ss * ss`` sample points at ``j + (k + 0.5) / ss``, so no
sample ever lies on an integer coordinate and a polygon with integer vertices covers whole pixels
exactly. Anti-aliasing = average the hard inside-tests over the samples of a pixel.

All tests broadcast: ``xs`` has shape ``(1, 1, Ws)`` and ``ys`` ``(1, Hs, 1)`` (from
:func:`sample_axes`), the shape parameters carry a leading batch dimension ``B``, and the result is
``Tensor[B, Hs, Ws]`` bool.

Reference: DeTone et al. 2018 (SuperPoint, Synthetic Shapes) render with OpenCV; this is a
torch-only re-implementation (even-odd polygon rule, analytic ellipses and parallelogram grids).
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
"""
from __future__ import annotations


import torch
from torch import Tensor

__all__ = ["sample_axes", "polygon_inside", "ellipse_inside", "grid_cells"]




def sample_axes(
    x0: int, x1: int, y0: int, y1: int, ss: int = 1, dtype: torch.dtype = torch.float32
) -> tuple[Tensor, Tensor]:
    """Sample coordinates of the pixel window ``cols [x0, x1) x rows [y0, y1)``.

    Returns ``xs`` of shape ``(1, 1, (x1 - x0) * ss)`` and ``ys`` of shape ``(1, (y1 - y0) * ss, 1)``,
    in pixel units (sample ``k`` of the window sits at ``x0 + (k + 0.5) / ss``).
    """
    xs = (torch.arange((x1 - x0) * ss, dtype=dtype) + 0.5) / ss + x0
    ys = (torch.arange((y1 - y0) * ss, dtype=dtype) + 0.5) / ss + y0
    return xs.view(1, 1, -1), ys.view(1, -1, 1)


def polygon_inside(xs: Tensor, ys: Tensor, vertices: Tensor) -> Tensor:
    """Even-odd (crossing number) test of simple polygons.

    ``vertices``: ``Tensor[B, V, 2]`` as ``(x, y)``, in order (either orientation); repeated
    vertices (zero-length edges) are allowed and change nothing, which lets polygons with different
    vertex counts share one batch (pad with the last vertex). Returns ``Tensor[B, Hs, Ws]`` bool.
    """
    if vertices.dim() != 3 or vertices.shape[-1] != 2:
        raise ValueError(f"vertices must have shape (B, V, 2), got {tuple(vertices.shape)}")
    vx = vertices[..., 0].to(xs.dtype)[:, :, None, None]  # (B, V, 1, 1)
    vy = vertices[..., 1].to(xs.dtype)[:, :, None, None]
    n_vertices = vertices.shape[1]
    inside = torch.zeros(vertices.shape[0], ys.shape[1], xs.shape[2], dtype=torch.bool)
    for i in range(n_vertices):
        j = i - 1  # previous vertex; -1 wraps to the last one (closing edge)
        xi, yi, xj, yj = vx[:, i], vy[:, i], vx[:, j], vy[:, j]  # (B, 1, 1)
        crosses = (yi > ys) != (yj > ys)  # (B, Hs, 1): the edge spans this row of samples
        dy = torch.where(yj == yi, torch.ones_like(yi), yj - yi)  # horizontal edges never cross
        x_cross = xi + (ys - yi) * (xj - xi) / dy  # (B, Hs, 1)
        # Rows the edge does not span get x_cross = -inf, so the full-size work is one compare.
        x_cross = torch.where(crosses, x_cross, float("-inf"))
        inside ^= xs < x_cross
    return inside


def ellipse_inside(xs: Tensor, ys: Tensor, center: Tensor, axes: Tensor, angle: Tensor) -> Tensor:
    """Points inside rotated ellipses.

    ``center``: ``Tensor[B, 2]`` (x, y); ``axes``: ``Tensor[B, 2]`` semi-axes (along the rotated x
    and y directions); ``angle``: ``Tensor[B]`` radians, rotating the first axis from +x towards +y
    (clockwise on screen, because y points down). Returns ``Tensor[B, Hs, Ws]`` bool.
    """
    dx = xs - center[:, 0, None, None].to(xs.dtype)
    dy = ys - center[:, 1, None, None].to(xs.dtype)
    c = torch.cos(angle).to(xs.dtype)[:, None, None]
    s = torch.sin(angle).to(xs.dtype)[:, None, None]
    u = (c * dx + s * dy) / axes[:, 0, None, None]
    v = (c * dy - s * dx) / axes[:, 1, None, None]
    return u * u + v * v <= 1.0


def grid_cells(
    xs: Tensor, ys: Tensor, origin: Tensor, ex: Tensor, ey: Tensor, m: Tensor, n: Tensor
) -> tuple[Tensor, Tensor]:
    """A parallelogram of ``m x n`` cells: origin + a * ex + b * ey with 0 <= a < m, 0 <= b < n.

    ``origin``, ``ex``, ``ey``: ``Tensor[B, 2]`` (one cell's edge vectors); ``m``, ``n``:
    ``Tensor[B]`` cell counts along ``ex`` and ``ey``. Returns ``(inside, parity)``, both
    ``Tensor[B, Hs, Ws]`` bool; ``parity`` is ``(floor(a) + floor(b)) odd`` (a checkerboard; with
    ``n = 1`` it alternates along ``ex`` only: stripes).
    """
    det = ex[:, 0] * ey[:, 1] - ex[:, 1] * ey[:, 0]
    dx = xs - origin[:, 0, None, None].to(xs.dtype)
    dy = ys - origin[:, 1, None, None].to(xs.dtype)

    def col(t: Tensor) -> Tensor:
        return t.to(xs.dtype)[:, None, None]

    # Solve [ex ey] (a, b)^T = (dx, dy)^T with the 2x2 inverse (Cramer's rule).
    a = (col(ey[:, 1] / det) * dx) - (col(ey[:, 0] / det) * dy)
    b = (col(ex[:, 0] / det) * dy) - (col(ex[:, 1] / det) * dx)
    inside = (a >= 0) & (b >= 0) & (a < col(m)) & (b < col(n))
    parity = (torch.floor(a) + torch.floor(b)).remainder(2) == 1
    return inside, parity
