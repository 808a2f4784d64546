"""Tests of cvbook.experiments.ch05_detection.crowds (the toy crowd regression)."""
from __future__ import annotations

import pytest
import torch

from cvbook.data.shapes.crowds import make_crowd_batch
from cvbook.experiments.ch05_detection.crowds import crowd_regression


def test_plain_regression_without_ambiguity_finds_targets():
    data = make_crowd_batch(6, seed=0)
    r = crowd_regression(data, alpha=0.0, ambiguity=0.0, steps=200)
    gt = torch.cat([t["full_boxes"] for t in data.targets])
    assert r.boxes.shape == gt.shape
    assert r.iou_target > 0.95 and r.hit == 1.0  # q = 0: the deltas converge to the targets


def test_repgt_lowers_overlap_with_neighbour():
    data = make_crowd_batch(8, seed=1)
    plain = crowd_regression(data, alpha=0.0, steps=100)
    rep = crowd_regression(data, alpha=0.5, steps=100)
    assert rep.iog_neighbour < plain.iog_neighbour and rep.pair_iou < plain.pair_iou
    assert plain.gt_pair_iou == rep.gt_pair_iou


def test_bad_input():
    data = make_crowd_batch(2, n_pairs=2, seed=0)
    with pytest.raises(ValueError, match="pair"):
        crowd_regression(data, alpha=0.0)
    with pytest.raises(ValueError):
        crowd_regression(make_crowd_batch(2), alpha=0.0, ambiguity=1.5)
