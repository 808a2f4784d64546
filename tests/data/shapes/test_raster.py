"""Tests of the batched inside-tests in cvbook.data.shapes.raster."""
import math

import pytest
import torch

from cvbook.data.shapes.raster import ellipse_inside, grid_cells, polygon_inside, sample_axes


def test_sample_axes_are_pixel_centres_and_supersamples():
    xs, ys = sample_axes(2, 5, 0, 2, ss=1)
    assert xs.shape == (1, 1, 3) and ys.shape == (1, 2, 1)
    # pixel j covers [j, j+1): its centre is j + 0.5
    assert xs.flatten().tolist() == [2.5, 3.5, 4.5]
    xs, _ = sample_axes(0, 1, 0, 1, ss=2)
    assert xs.flatten().tolist() == [0.25, 0.75]


def test_integer_square_covers_exact_pixels():
    # square with corners (3, 2) and (7, 5): columns 3..6, rows 2..4 inside, nothing else
    xs, ys = sample_axes(0, 10, 0, 8)
    verts = torch.tensor([[[3.0, 2.0], [7.0, 2.0], [7.0, 5.0], [3.0, 5.0]]])
    got = polygon_inside(xs, ys, verts)[0]
    want = torch.zeros(8, 10, dtype=torch.bool)
    want[2:5, 3:7] = True
    assert torch.equal(got, want)
    # reversed orientation and a padded (repeated) last vertex give the same mask
    assert torch.equal(polygon_inside(xs, ys, verts.flip(1))[0], want)
    padded = torch.cat([verts, verts[:, -1:], verts[:, -1:]], dim=1)
    assert torch.equal(polygon_inside(xs, ys, padded)[0], want)


def test_triangle_area_converges():
    # right triangle with legs 20 and 10 has area 100; 8x supersampling estimates it closely
    xs, ys = sample_axes(0, 32, 0, 32, ss=8)
    verts = torch.tensor([[[5.0, 5.0], [25.0, 5.0], [5.0, 15.0]]])
    area = polygon_inside(xs, ys, verts).sum().item() / 64
    assert abs(area - 100.0) < 1.0


def test_nonconvex_star_has_a_notch():
    # an arrow-head (concave) polygon: the notch point (5, 5) is outside, (5, 8) is inside
    xs = torch.tensor([5.0]).view(1, 1, 1)
    verts = torch.tensor([[[0.0, 0.0], [5.0, 6.0], [10.0, 0.0], [5.0, 10.0]]])
    assert not polygon_inside(xs, torch.tensor([5.0]).view(1, 1, 1), verts).item()
    assert polygon_inside(xs, torch.tensor([8.0]).view(1, 1, 1), verts).item()


def test_polygon_bad_shape_raises():
    xs, ys = sample_axes(0, 4, 0, 4)
    with pytest.raises(ValueError, match=r"\(B, V, 2\)"):
        polygon_inside(xs, ys, torch.zeros(3, 2))


def test_ellipse_area_and_rotation():
    xs, ys = sample_axes(0, 40, 0, 40, ss=8)
    center = torch.tensor([[20.0, 20.0], [20.0, 20.0]])
    axes = torch.tensor([[12.0, 5.0], [12.0, 5.0]])
    angle = torch.tensor([0.0, math.pi / 2])
    inside = ellipse_inside(xs, ys, center, axes, angle)
    area = inside.flatten(1).sum(1).double() / 64
    assert torch.allclose(area, torch.full((2,), math.pi * 60, dtype=torch.float64), rtol=0.01)  # pi * a * b
    # angle 0: long axis along x; angle pi/2: long axis along y (the transpose)
    assert torch.equal(inside[1], inside[0].T)


def test_grid_cells_checkerboard_counts():
    # axis-aligned 4 x 3 board of 2-pixel cells at (2, 2): 24 x ... pixels, half of each parity
    xs, ys = sample_axes(0, 16, 0, 12)
    inside, parity = grid_cells(
        xs, ys, torch.tensor([[2.0, 2.0]]), torch.tensor([[2.0, 0.0]]), torch.tensor([[0.0, 2.0]]),
        torch.tensor([4.0]), torch.tensor([3.0]),
    )
    assert inside.sum().item() == 4 * 3 * 4  # 12 cells of 2 x 2 pixels
    assert (inside & parity).sum().item() == 6 * 4  # 6 odd cells
    assert not parity[0, 2, 2] and parity[0, 2, 4]  # first cell even, its right neighbour odd
