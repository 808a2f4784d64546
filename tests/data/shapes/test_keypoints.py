"""The keypoint view of the scenes: labels agree with the scenes' corners."""
import pytest
import torch

from cvbook.data.shapes import make_keypoint_set
from cvbook.ops import labels_to_keypoints


def test_labels_encode_the_scene_corners():
    data = make_keypoint_set(4, (32, 40), seed=1, supersample=2)
    assert data.images.shape == (4, 1, 32, 40) and data.labels.shape == (4, 4, 5)
    for labels, kp in zip(data.labels, data.keypoints):
        decoded = {tuple(p) for p in labels_to_keypoints(labels).tolist()}
        corners = {tuple(p) for p in kp.tolist()}
        assert decoded <= corners  # one corner per cell, drawn from the cell's corners
        cells = {(y // 8, x // 8) for x, y in corners}
        assert len(decoded) == len(cells)  # every cell with a corner has a label


def test_same_seed_same_set_and_scene_corners():
    a, b = make_keypoint_set(2, 32, seed=3, supersample=1), make_keypoint_set(2, 32, seed=3, supersample=1)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    c = make_keypoint_set(2, 32, seed=4, supersample=1)
    assert not torch.equal(a.images, c.images)


def test_empty_and_bad_size():
    assert len(make_keypoint_set(0, 32)) == 0
    with pytest.raises(ValueError, match="multiple of 8"):
        make_keypoint_set(1, 30)
