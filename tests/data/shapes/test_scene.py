"""Tests of render_shapes / Scene: hand-computed scenes, occlusion, oracles."""
import math

import pytest
import torch

from cvbook.data.shapes import (
    SHAPE_CLASSES,
    checkerboard,
    cube,
    ellipse,
    line,
    masks_to_boxes_exclusive,
    polygon,
    render_shapes,
    star,
    stripes,
)

SQUARE = [(10.0, 12.0), (30.0, 12.0), (30.0, 22.0), (10.0, 22.0)]


def test_single_square_by_hand():
    # an axis-aligned 20 x 10 square with integer corners covers columns 10..29 and rows 12..21
    scene = render_shapes([polygon(SQUARE, 1.0)], (40, 50), background=0.0)
    assert scene.image.shape == (1, 40, 50) and scene.masks.shape == (1, 40, 50)
    assert scene.labels.tolist() == [SHAPE_CLASSES.index("quadrilateral")]
    # x1 = min col = 10, x2 = max col + 1 = 30; y1 = 12, y2 = 21 + 1 = 22
    assert scene.boxes.tolist() == [[10.0, 12.0, 30.0, 22.0]]
    assert scene.masks.sum().item() == 200
    want = torch.zeros(40, 50)
    want[12:22, 10:30] = 1.0
    assert torch.equal(scene.image[0], want)  # whole pixels, no anti-aliasing at integer edges
    # the 4 corners, in the given order, as (x, y)
    assert scene.keypoints.tolist() == [list(p) for p in SQUARE]
    assert scene.keypoint_instance.tolist() == [0, 0, 0, 0]


def test_occlusion_clips_mask_box_and_keypoints():
    # the second square covers the first one's bottom-right corner (30, 22)
    second = polygon([(25.0, 18.0), (40.0, 18.0), (40.0, 30.0), (25.0, 30.0)], 0.5)
    scene = render_shapes([polygon(SQUARE, 1.0), second], (40, 50))
    first_mask, second_mask = scene.masks
    assert not (first_mask & second_mask).any()
    # visible part of the first: 200 pixels minus the 5 x 4 overlap (cols 25..29, rows 18..21)
    assert first_mask.sum().item() == 200 - 20
    assert second_mask.sum().item() == 15 * 12
    assert scene.boxes.tolist() == [[10.0, 12.0, 30.0, 22.0], [25.0, 18.0, 40.0, 30.0]]
    kps = {(tuple(p), int(i)) for p, i in zip(scene.keypoints.tolist(), scene.keypoint_instance)}
    assert ((30.0, 22.0), 0) not in kps  # hidden under the second square
    assert ((10.0, 12.0), 0) in kps and ((30.0, 12.0), 0) in kps and ((10.0, 22.0), 0) in kps
    # all 4 corners of the top square are visible: x <= 40 < 50 and y <= 30 < 40 lie in the image
    assert {p for p, i in kps if i == 1} == {(25.0, 18.0), (40.0, 18.0), (40.0, 30.0), (25.0, 30.0)}


def test_fully_hidden_object_is_dropped():
    small = polygon([(12.0, 14.0), (16.0, 14.0), (16.0, 18.0), (12.0, 18.0)], 0.3)
    scene = render_shapes([small, polygon(SQUARE, 1.0)], (40, 50))
    assert scene.labels.tolist() == [SHAPE_CLASSES.index("quadrilateral")]
    assert scene.masks.shape == (1, 40, 50)
    assert scene.keypoint_instance.tolist() == [0, 0, 0, 0]  # re-indexed to the survivor


def test_keypoints_outside_image_are_dropped():
    # square hanging over the right border: corners at x = 60 lie outside a 50-wide image
    scene = render_shapes([polygon([(40.0, 5.0), (60.0, 5.0), (60.0, 15.0), (40.0, 15.0)], 1.0)], (40, 50))
    assert scene.keypoints.tolist() == [[40.0, 5.0], [40.0, 15.0]]
    assert scene.boxes.tolist() == [[40.0, 5.0, 50.0, 15.0]]


@pytest.mark.parametrize("m, n", [(2, 2), (3, 4), (5, 3)])
def test_checkerboard_inner_corners(m, n):
    # an m x n board of 4-pixel cells has (m - 1)(n - 1) inner corners at origin + 4 (i, j)
    board = checkerboard((4.0, 4.0), (4.0, 0.0), (0.0, 4.0), m, n, (1.0, 0.5))
    assert board.keypoints.shape == ((m - 1) * (n - 1), 2)
    scene = render_shapes([board], 32, background=0.0)
    assert scene.keypoints.shape[0] == (m - 1) * (n - 1)
    want = {(4.0 + 4 * i, 4.0 + 4 * j) for i in range(1, m) for j in range(1, n)}
    assert {tuple(p) for p in scene.keypoints.tolist()} == want
    assert scene.masks.sum().item() == 16 * m * n
    # cell (0, 0) has colour 1.0, cell (1, 0) colour 0.5
    assert scene.image[0, 5, 5].item() == 1.0 and scene.image[0, 5, 9].item() == 0.5


def test_stripes_keypoints_and_colours():
    s = stripes((2.0, 3.0), (3.0, 0.0), (0.0, 10.0), 4, (1.0, 0.25))
    assert s.keypoints.shape == (2 * (4 + 1), 2)
    scene = render_shapes([s], 20)
    assert scene.boxes.tolist() == [[2.0, 3.0, 14.0, 13.0]]
    assert scene.image[0, 5, 2:14].tolist() == [1.0] * 3 + [0.25] * 3 + [1.0] * 3 + [0.25] * 3


def test_cube_has_seven_visible_vertices_and_hexagon_area():
    shape = cube((32.0, 32.0), 20.0, 0.6, 0.7, 0.3, (0.9, 0.6, 0.3))
    assert shape.keypoints.shape == (7, 2)
    scene = render_shapes([shape], 64, supersample=8)
    assert scene.keypoints.shape == (7, 2)
    # the silhouette is the three parallelogram faces: area = sum |e_i x e_j|
    e = shape.keypoints[1:4] - shape.keypoints[0]
    area = sum(abs(float(e[i, 0] * e[j, 1] - e[i, 1] * e[j, 0])) for i, j in [(0, 1), (1, 2), (2, 0)])
    assert abs(scene.masks.sum().item() - area) < 0.05 * area
    # three shades appear
    values = set(torch.round(scene.image[0][scene.masks[0]] * 100).int().tolist())
    assert {90, 60, 30} <= values


def test_line_star_ellipse():
    scene = render_shapes(
        [line((5.0, 5.0), (25.0, 5.0), 2.0, 1.0), star((40.0, 40.0), 12.0, 6.0, 5, 0.0, 1.0),
         ellipse((15.0, 40.0), (10.0, 5.0), 0.0, 1.0)],
        64,
        supersample=8,
    )
    assert scene.labels.tolist() == [SHAPE_CLASSES.index(k) for k in ("line", "star", "ellipse")]
    counts = torch.bincount(scene.keypoint_instance, minlength=3).tolist()
    assert counts == [2, 10, 0]  # 2 endpoints, 5 tips + 5 inner vertices, none for the ellipse
    # a 20 x 2 line from x = 5 to 25 around y = 5: rows 4..5, columns 5..24
    assert scene.boxes[0].tolist() == [5.0, 4.0, 25.0, 6.0]
    assert abs(scene.masks[2].sum().item() - math.pi * 50) < 0.05 * math.pi * 50


def test_rgb_colours_and_channel_mismatch():
    scene = render_shapes([polygon(SQUARE, (1.0, 0.0, 0.5))], (40, 50), channels=3, background=(0.0, 0.2, 0.0))
    assert scene.image[:, 15, 15].tolist() == [1.0, 0.0, 0.5]
    assert scene.image[:, 0, 0].tolist() == pytest.approx([0.0, 0.2, 0.0])
    with pytest.raises(ValueError, match="3-channel colour"):
        render_shapes([polygon(SQUARE, (1.0, 0.0, 0.5))], (40, 50), channels=1)


def test_masks_to_boxes_matches_torchvision():
    from torchvision.ops import masks_to_boxes

    g = torch.Generator().manual_seed(0)
    masks = torch.rand(6, 20, 30, generator=g) > 0.97
    masks[:, 3, 4] = True
    # torchvision's boxes are inclusive (x2 = max col); ours add 1 to x2 and y2
    want = masks_to_boxes(masks) + torch.tensor([0.0, 0.0, 1.0, 1.0])
    assert torch.equal(masks_to_boxes_exclusive(masks), want)
    with pytest.raises(ValueError, match="at least one pixel"):
        masks_to_boxes_exclusive(torch.zeros(1, 4, 4, dtype=torch.bool))


def test_polygon_matches_skimage_oracle():
    skdraw = pytest.importorskip("skimage.draw")
    g = torch.Generator().manual_seed(1)
    for _ in range(20):
        v = torch.rand(4, 2, generator=g) * 30 + 1
        c = v.mean(0)
        v = v[torch.atan2(v[:, 1] - c[1], v[:, 0] - c[0]).argsort()]  # a simple (star-shaped) quad
        scene = render_shapes([polygon(v, 1.0)], 32, supersample=1)
        # skimage puts pixel centres at integers (row, col); ours at (x, y) = (col + 0.5, row + 0.5)
        rr, cc = skdraw.polygon(v[:, 1].numpy() - 0.5, v[:, 0].numpy() - 0.5, shape=(32, 32))
        want = torch.zeros(32, 32, dtype=torch.bool)
        want[torch.as_tensor(rr), torch.as_tensor(cc)] = True
        got = scene.masks[0] if len(scene.masks) else torch.zeros(32, 32, dtype=torch.bool)
        assert torch.equal(got, want)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: polygon([(0, 0), (1, 1)], 1.0), ValueError, "3 or 4 vertices"),
        (lambda: polygon(SQUARE, 1.5), ValueError, r"in \[0, 1\]"),
        (lambda: line((0, 0), (0, 0), 1.0, 1.0), ValueError, "must differ"),
        (lambda: star((0, 0), 5.0, 6.0, 5, 0.0, 1.0), ValueError, "inner < outer"),
        (lambda: checkerboard((0, 0), (1, 0), (2, 0), 3, 3, (0, 1)), ValueError, "parallel"),
        (lambda: checkerboard((0, 0), (1, 0), (0, 1), 1, 3, (0, 1)), ValueError, "m >= 2"),
        (lambda: ellipse((0, 0), (1.0, -1.0), 0.0, 1.0), ValueError, "positive semi-axes"),
        (lambda: render_shapes([polygon(SQUARE, 1.0)], 0), ValueError, "size must be positive"),
        (lambda: render_shapes(["square"], 10), TypeError, "Shape objects"),
        (lambda: render_shapes([], 10, background=torch.zeros(1, 5, 5)), ValueError, "background image"),
    ],
)
def test_bad_geometry_raises(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_pixel_ties_go_to_the_later_object():
    # supersample 2: pixel (0, 0) has samples at x = 0.25 and 0.75. A covers x < 0.5, B covers
    # x > 0.5: two samples each, a tie, which the later-drawn B wins.
    a = polygon([(0.0, 0.0), (0.5, 0.0), (0.5, 1.0), (0.0, 1.0)], 1.0)
    b = polygon([(0.5, 0.0), (1.0, 0.0), (1.0, 1.0), (0.5, 1.0)], 0.5)
    scene = render_shapes([a, b], 4, supersample=2)
    assert scene.labels.shape == (1,)  # A lost its only pixel and is dropped
    assert scene.masks[0, 0, 0] and scene.masks.sum() == 1
    # alone, A ties with the background (2 of 4 samples) and wins the pixel; the image averages
    alone = render_shapes([a], 4, supersample=2)
    assert alone.masks[0, 0, 0] and alone.image[0, 0, 0].item() == 0.5


def test_part_bounds_and_kind_checks():
    from cvbook.data.shapes import Part, Shape

    # an ellipse's box is its centre +- its largest semi-axis (a safe, rotation-free bound)
    e = ellipse((10.0, 20.0), (6.0, 2.0), 0.3, 1.0).parts[0]
    assert e.bounds() == (4.0, 14.0, 16.0, 26.0)
    # a 3 x 2 board of (2, 0) x (0, 5) cells from (1, 1) spans x 1..7, y 1..11
    board = checkerboard((1.0, 1.0), (2.0, 0.0), (0.0, 5.0), 3, 2, (0.0, 1.0)).parts[0]
    assert board.bounds() == (1.0, 1.0, 7.0, 11.0)
    with pytest.raises(ValueError, match="unknown shape kind 'blob'"):
        Shape("blob", [])
    with pytest.raises(ValueError, match="unknown part kind 'spline'"):
        Part("spline", {}, torch.zeros(1, 1))
