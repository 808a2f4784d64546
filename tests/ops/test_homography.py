"""Homographies against OpenCV: estimation from 4 points, point and image warping; random draws."""
import cv2
import numpy as np
import pytest
import torch

from cvbook.ops import (cumulative_homographic_adaptation, homographic_adaptation, homography_from_points,
                        random_homography, warp_image, warp_points)
from cvbook.testing import assert_close


def test_from_points_matches_opencv(generator):
    src = torch.tensor([[0.0, 0.0], [0.0, 50.0], [60.0, 55.0], [58.0, 2.0]])
    dst = src + torch.randn(4, 2, generator=generator) * 5
    h = homography_from_points(src, dst)
    ref = cv2.getPerspectiveTransform(src.numpy(), dst.numpy())
    assert_close(h, torch.from_numpy(ref), scale=1e4)  # OpenCV solves in float32 arithmetic
    assert_close(warp_points(src.double(), h), dst.double(), scale=1e3)


def test_warp_points_matches_opencv(generator):
    h = random_homography((48, 64), generator)
    pts = torch.rand(20, 2, generator=generator, dtype=torch.float64) * 48
    ref = cv2.perspectiveTransform(pts.numpy()[None], h.numpy())[0]
    assert_close(warp_points(pts, h), torch.from_numpy(ref))
    assert warp_points(torch.zeros(0, 2), h).shape == (0, 2)


def test_warp_image_matches_opencv(generator):
    img = torch.rand(1, 40, 48, generator=generator)
    h = random_homography((40, 48), generator)
    ours = warp_image(img, h)[0].numpy()
    ref = cv2.warpPerspective(img[0].numpy(), h.numpy(), (48, 40), flags=cv2.INTER_LINEAR)
    # compare away from the patch's edge, where the two treat out-of-image samples differently
    inside = cv2.warpPerspective(np.ones((40, 48), np.float32), h.numpy(), (48, 40)) > 0.999
    inside = cv2.erode(inside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert inside.sum() > 500
    # OpenCV interpolates with 5-bit fixed-point weights: 1/32 of the range
    assert np.abs(ours - ref)[inside].max() < 1 / 32


def test_random_homography_keeps_the_image_inside_the_patch():
    for seed in range(20):
        h = random_homography((60, 80), seed)
        corners = torch.tensor([[0.0, 0.0], [79.0, 0.0], [0.0, 59.0], [79.0, 59.0]], dtype=torch.float64)
        back = warp_points(corners, torch.linalg.inv(h))  # the warped image's corners come from inside the input
        assert (back[:, 0] >= -1e-6).all() and (back[:, 0] <= 79 + 1e-6).all()
        assert (back[:, 1] >= -1e-6).all() and (back[:, 1] <= 59 + 1e-6).all()
    assert torch.equal(random_homography((60, 80), 3), random_homography((60, 80), 3))
    assert not torch.equal(random_homography((60, 80), 3), random_homography((60, 80), 4))


def test_random_homography_without_distortion_is_a_centred_zoom():
    h = random_homography((41, 41), 0, perspective=0, scaling=0, max_angle=0, translation=False, patch_ratio=0.5)
    # the centred half-size patch is stretched onto the image: a zoom by 2 about the centre (20, 20)
    assert_close(warp_points(torch.tensor([[20.0, 20.0], [30.0, 20.0]], dtype=torch.float64), h),
                 torch.tensor([[20.0, 20.0], [40.0, 20.0]], dtype=torch.float64), scale=1e3)


def test_bad_input():
    with pytest.raises(ValueError, match="shape"):
        warp_points(torch.zeros(3, 3), torch.eye(3))
    with pytest.raises(ValueError, match="patch_ratio"):
        random_homography((10, 10), 0, patch_ratio=1.5)
    with pytest.raises(ValueError, match="shape"):
        homography_from_points(torch.zeros(3, 2), torch.zeros(3, 2))


def test_homographic_adaptation_of_a_covariant_detector_is_the_identity():
    # the heat map is the image itself (exactly covariant) and the warps move by whole pixels (bilinear is exact):
    # every warped-back map equals the original where the warp sees it, so the average does too
    image = torch.rand(1, 12, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    shifts = [torch.tensor([[1.0, 0, dx], [0, 1.0, dy], [0, 0, 1.0]], dtype=torch.float64)
              for dx, dy in ((0, 0), (2, -1), (-3, 2))]
    out = homographic_adaptation(image, lambda x: x[0], shifts)
    assert_close(out, image[0])


def test_homographic_adaptation_averages_over_the_warps_that_see_a_pixel():
    # a detector that returns 1 everywhere: the average is 1 wherever some warp sees the pixel
    image = torch.zeros(1, 16, 16, dtype=torch.float64)
    h = random_homography((16, 16), 3)
    out = homographic_adaptation(image, lambda x: torch.ones(x.shape[-2:], dtype=torch.float64), [torch.eye(3), h])
    assert_close(out, torch.ones(16, 16, dtype=torch.float64))


def test_homographic_adaptation_matches_a_hand_average():
    # two warps: identity and a whole-pixel shift by +2 in x; detector = the image squared (pointwise, covariant),
    # detector 2 = a constant map c, so at pixels seen by both: (f(I) + c') / 2, computed by hand below
    image = torch.rand(1, 8, 10, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    shift = torch.tensor([[1.0, 0, 2], [0, 1.0, 0], [0, 0, 1.0]], dtype=torch.float64)
    calls = []

    def detector(x):
        calls.append(x)
        return torch.full(x.shape[-2:], float(len(calls)), dtype=torch.float64)  # 1 for the first warp, 2 next

    out = homographic_adaptation(image, detector, [torch.eye(3), shift])
    # pixel (x, y) is seen by the shift when x + 2 <= 9, i.e. x <= 7: there (1 + 2) / 2; else 1 alone
    expected = torch.ones(8, 10, dtype=torch.float64)
    expected[:, :8] = 1.5
    assert_close(out, expected)


def test_homographic_adaptation_bad_input():
    with pytest.raises(ValueError, match="homographies"):
        homographic_adaptation(torch.zeros(1, 8, 8), lambda x: x[0], [])
    with pytest.raises(ValueError, match="image"):
        homographic_adaptation(torch.zeros(8, 8), lambda x: x, [torch.eye(3)])


def test_cumulative_adaptation_equals_the_per_warp_loop_on_every_prefix(generator):
    # oracle: the one-warp-at-a-time homographic_adaptation on homographies[:n], for every n
    image = torch.rand(1, 24, 32, dtype=torch.float64, generator=generator)
    hs = [torch.eye(3, dtype=torch.float64)] + [random_homography((24, 32), generator) for _ in range(3)]

    def detector(x):  # a non-linear, not covariant map, so the warps matter
        return (x[..., 0, :, :] ** 2 + x[..., 0, :, :].roll(1, dims=-1)).double()

    out = cumulative_homographic_adaptation(image, detector, hs)
    assert out.shape == (4, 24, 32)
    for n in range(1, 5):
        assert_close(out[n - 1], homographic_adaptation(image, detector, hs[:n]))


def test_cumulative_adaptation_bad_input():
    with pytest.raises(ValueError, match="homographies"):
        cumulative_homographic_adaptation(torch.zeros(1, 8, 8), lambda x: x[:, 0], [])
    with pytest.raises(ValueError, match="heatmap_fn"):
        cumulative_homographic_adaptation(torch.zeros(1, 8, 8), lambda x: x[0, 0], [torch.eye(3)] * 2)
