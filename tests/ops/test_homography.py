"""Homographies against OpenCV: estimation from 4 points, point and image warping; random draws."""
import cv2
import numpy as np
import pytest
import torch

from cvbook.ops import homography_from_points, random_homography, warp_image, warp_points
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
