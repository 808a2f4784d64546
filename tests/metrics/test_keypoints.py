"""Keypoint metrics on hand-made cases, and AP against scikit-learn's average precision."""
import math

import numpy as np
import pytest
import torch
from sklearn.metrics import average_precision_score

from cvbook.metrics import (homography_accuracy, homography_corner_error, keypoint_pr, localization_error,
                            repeatability)


def test_hand_made_precision_recall():
    gt = [torch.tensor([[10.0, 10.0], [30.0, 30.0]]), torch.tensor([[5.0, 5.0]])]
    pred = [torch.tensor([[11.0, 10.0], [50.0, 50.0], [10.0, 13.0]]), torch.tensor([[5.0, 8.0]])]
    scores = [torch.tensor([0.9, 0.8, 0.7]), torch.tensor([0.6])]
    pr = keypoint_pr(pred, scores, gt, eps=4)
    # by score: (11,10) correct (d=1); (50,50) wrong; (10,13) wrong: its corner is taken (one-to-one);
    # (5,8) correct (d=3). 3 corners.
    assert pr.correct.tolist() == [True, False, False, True]
    assert torch.allclose(pr.precision, torch.tensor([1, 1 / 2, 1 / 3, 2 / 4], dtype=torch.float64))
    assert torch.allclose(pr.recall, torch.tensor([1 / 3, 1 / 3, 1 / 3, 2 / 3], dtype=torch.float64))
    assert math.isclose(pr.ap, 1 / 3 * 1 + 1 / 3 * 2 / 4)
    assert math.isclose(localization_error(pr), 2.0)  # (1 + 3) / 2
    assert math.isclose(localization_error(pr, threshold=0.85), 1.0)
    assert keypoint_pr(pred, scores, gt, eps=0.5).ap == 0.0


def test_ap_equals_sklearn_times_recall_coverage(generator):
    gt = [torch.rand(15, 2, generator=generator) * 64 for _ in range(4)]
    pred = [g[:10] + torch.randn(10, 2, generator=generator) * 3 for g in gt]
    pred = [torch.cat([p, torch.rand(5, 2, generator=generator) * 64]) for p in pred]
    scores = [torch.rand(15, generator=generator) for _ in pred]
    pr = keypoint_pr(pred, scores, gt, eps=4)
    # sklearn's AP normalises recall by the correct detections; ours by all corners
    y = pr.correct.numpy()
    ref = average_precision_score(y, pr.scores.numpy()) * y.sum() / pr.n_ground_truth
    assert math.isclose(pr.ap, ref, rel_tol=1e-9)


def test_empty_cases():
    pr = keypoint_pr([torch.zeros(0, 2)], [torch.zeros(0)], [torch.ones(3, 2)])
    assert pr.ap == 0.0 and len(pr.precision) == 0 and math.isnan(localization_error(pr))
    pr = keypoint_pr([torch.ones(2, 2)], [torch.ones(2)], [torch.zeros(0, 2)])
    assert pr.ap == 0.0 and not pr.correct.any()


def test_pr_bad_input():
    with pytest.raises(ValueError, match="one list entry per image"):
        keypoint_pr([torch.zeros(0, 2)], [], [torch.zeros(0, 2)])
    with pytest.raises(ValueError, match="scores"):
        keypoint_pr([torch.zeros(2, 2)], [torch.zeros(3)], [torch.zeros(0, 2)])
    with pytest.raises(ValueError, match="eps"):
        keypoint_pr([], [], [], eps=0)


def test_repeatability_by_hand():
    h = torch.tensor([[1.0, 0, 2], [0, 1, 0], [0, 0, 1]], dtype=torch.float64)  # shift right by 2
    p1 = torch.tensor([[10.0, 10.0], [20.0, 20.0], [39.0, 5.0]])  # the last warps to x = 41: outside
    p2 = torch.tensor([[12.0, 11.0], [30.0, 30.0]])  # (30, 30) warps back to (28, 30): inside
    # image 1 -> 2: (12,10) matches (12,11); (22,20) does not. Image 2: (12,11) matched, (30,30) not.
    assert math.isclose(repeatability(p1, p2, h, (40, 40), eps=3), 2 / 4)
    assert math.isclose(repeatability(p1, p1, torch.eye(3), (40, 40)), 1.0)
    assert math.isnan(repeatability(torch.zeros(0, 2), torch.zeros(0, 2), torch.eye(3), (40, 40)))
    assert repeatability(p1, torch.zeros(0, 2), torch.eye(3), (40, 40)) == 0.0


def test_homography_corner_error_and_accuracy():
    true = torch.eye(3, dtype=torch.float64)
    est = torch.tensor([[1.0, 0, 3], [0, 1, 4], [0, 0, 1]], dtype=torch.float64)  # every corner off by 5
    assert math.isclose(homography_corner_error(est, true, (30, 40)), 5.0)
    assert homography_corner_error(None, true, (30, 40)) == math.inf
    acc = homography_accuracy([0.5, 2.0, 5.0, math.inf])
    assert acc == {1.0: 0.25, 3.0: 0.5, 5.0: 0.75}
    with pytest.raises(ValueError, match="empty"):
        homography_accuracy([])
    assert np.isfinite(homography_corner_error(true, true, (30, 40)))
