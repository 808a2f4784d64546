"""Tests of cvbook.data.shapes.crowds (pairs of overlapping shapes with full and visible boxes)."""
from __future__ import annotations

import pytest
import torch

from cvbook.data.shapes.crowds import make_crowd_batch
from cvbook.ops import box_iou


def test_crowd_batch_layout_and_boxes():
    b = make_crowd_batch(6, n_pairs=1, seed=3)
    assert b.images.shape == (6, 1, 64, 64) and len(b.targets) == 6
    for t in b.targets:
        assert t["boxes"].shape == t["full_boxes"].shape == (2, 4)
        assert t["labels"][0] == t["labels"][1]  # a pair shares its class
        assert t["pair"].tolist() == [0, 0]
        # the visible box lies inside the full box, and the later-drawn shape is fully visible
        assert (t["boxes"][:, :2] >= t["full_boxes"][:, :2]).all() and (t["boxes"][:, 2:] <= t["full_boxes"][:, 2:]).all()
        assert t["visible"][1] == 1.0 and 0 < t["visible"][0] <= 1.0
        assert torch.equal(t["boxes"][1], t["full_boxes"][1])


def test_crowd_pairs_overlap_and_reproducible():
    a, b = make_crowd_batch(8, seed=1), make_crowd_batch(8, seed=1)
    assert torch.equal(a.images, b.images)
    overlaps = torch.stack([box_iou(t["full_boxes"][:1], t["full_boxes"][1:])[0, 0] for t in a.targets])
    assert (overlaps > 0).float().mean() > 0.5  # centres closer than the half-extents: full boxes overlap


def test_crowd_batch_empty_and_bad_input():
    assert make_crowd_batch(0).images.shape == (0, 1, 64, 64)
    with pytest.raises(ValueError, match="spacing"):
        make_crowd_batch(2, spacing=(0.8, 0.2))
    with pytest.raises(ValueError):
        make_crowd_batch(2, kinds=["dragon"])
    with pytest.raises(ValueError):
        make_crowd_batch(2, n_pairs=0)
