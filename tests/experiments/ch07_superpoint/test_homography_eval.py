"""Chapter 7's matching and homography evaluation: precision, RANSAC estimation, ORB and SuperPoint matches."""
import math

import cv2
import numpy as np
import pytest
import torch

from cvbook.experiments.ch07_superpoint.descriptors import grey_photo, superpoint_from_magicpoint
from cvbook.experiments.ch07_superpoint.homography_eval import (Matches, estimate_homography, matching_precision,
                                                                orb_matches, score_pair, superpoint_matches)
from cvbook.metrics import homography_corner_error
from cvbook.models import create
from cvbook.ops import random_homography, warp_points
from cvbook.testing import tolerance

SIZE = (96, 128)
EYE = torch.eye(3, dtype=torch.float64)


def exact_matches(h, n=30, seed=0):
    g = torch.Generator().manual_seed(seed)
    p = torch.rand(n, 2, generator=g, dtype=torch.float64) * torch.tensor([SIZE[1] - 1.0, SIZE[0] - 1.0])
    return Matches(p, warp_points(p, h), (n, n))


def test_matching_precision_by_hand():
    p = torch.tensor([[10.0, 10.0], [20.0, 30.0], [40.0, 5.0], [7.0, 7.0]], dtype=torch.float64)
    q = p.clone()
    q[3] += torch.tensor([3.0, 4.0], dtype=torch.float64)  # 5 px away: wrong at eps 3, right at eps 5
    m = Matches(p, q, (4, 4))
    assert matching_precision(m, EYE, eps=3.0) == 0.75
    assert matching_precision(m, EYE, eps=5.0) == 1.0
    shift = torch.tensor([[1.0, 0, 2], [0, 1.0, 0], [0, 0, 1.0]], dtype=torch.float64)  # H moves 2 px right
    assert matching_precision(Matches(p, p + torch.tensor([2.0, 0.0], dtype=torch.float64), (4, 4)), shift, 0.5) == 1.0


def test_matching_precision_empty_and_bad_input():
    empty = Matches(torch.zeros(0, 2), torch.zeros(0, 2), (0, 0))
    assert math.isnan(matching_precision(empty, EYE))
    with pytest.raises(ValueError):
        matching_precision(empty, EYE, eps=0.0)
    with pytest.raises(ValueError):
        matching_precision(empty, torch.eye(2))


def test_estimate_homography_recovers_h_from_exact_matches():
    h = random_homography(SIZE, 3)
    est = estimate_homography(exact_matches(h))
    # OpenCV fits in float64 and refines with Levenberg-Marquardt to its own stopping rule, not to machine
    # precision: the corner error is far below a pixel but above float64's table value, hence float32's, scaled
    assert homography_corner_error(est, h, SIZE) < tolerance(torch.float32, scale=10)[0]


def test_estimate_homography_ignores_an_outlier():
    h = random_homography(SIZE, 4)
    m = exact_matches(h, n=40)
    q = m.points2.clone()
    q[0] += 30.0  # one gross outlier: RANSAC leaves it out
    est = estimate_homography(Matches(m.points1, q, m.n_points))
    assert homography_corner_error(est, h, SIZE) < tolerance(torch.float32, scale=10)[0]


def test_estimate_homography_too_few_matches():
    m = exact_matches(EYE, n=3)
    assert estimate_homography(m) is None
    assert homography_corner_error(estimate_homography(m), EYE, SIZE) == float("inf")
    with pytest.raises(ValueError):
        estimate_homography(m, ransac_threshold=-1.0)


def test_orb_matches_a_photo_with_itself():
    im = grey_photo("camera", max_side=128)
    m = orb_matches(im, im, n_features=50)
    assert 0 < len(m) <= 50 and m.n_points[0] == m.n_points[1]
    assert torch.equal(m.points1, m.points2)  # identical images: every cross-checked match is the point itself
    # the same pipeline written with OpenCV directly
    u8 = (im[0].clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    orb = cv2.ORB_create(nfeatures=50)
    k, d = orb.detectAndCompute(u8, None)
    ref = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(d, d)
    assert len(ref) == len(m) and m.n_points == (len(k), len(k))


def test_orb_matches_blank_image_is_empty():
    m = orb_matches(torch.zeros(1, 64, 64), torch.zeros(1, 64, 64))
    assert len(m) == 0 and m.points1.shape == (0, 2) and m.n_points == (0, 0)


def test_superpoint_matches_an_image_with_itself():
    mp = create("magicpoint", seed=0, widths=(2, 2, 4, 4), head_channels=4).eval()
    sp = superpoint_from_magicpoint(mp, descriptor_dim=8, seed=0)
    im = torch.rand(1, 48, 64, generator=torch.Generator().manual_seed(0))
    m = superpoint_matches(sp, im, im, top_k=20, border=4)
    assert m.n_points == (20, 20) and len(m) > 0
    assert torch.equal(m.points1, m.points2)
    assert np.all(m.points1.numpy() >= 4)


def test_score_pair_with_exact_matches():
    h = random_homography(SIZE, 5)
    m = exact_matches(h)
    s = score_pair(lambda a, b: m, torch.zeros(1, *SIZE), torch.zeros(1, *SIZE), h)
    assert s.n_matches == 30 and s.precision == 1.0
    assert s.corner_error < tolerance(torch.float32, scale=10)[0]
    none = score_pair(lambda a, b: Matches(torch.zeros(0, 2), torch.zeros(0, 2), (0, 0)), torch.zeros(1, *SIZE),
                      torch.zeros(1, *SIZE), h)
    assert none.corner_error == float("inf") and none.n_matches == 0 and math.isnan(none.precision)
