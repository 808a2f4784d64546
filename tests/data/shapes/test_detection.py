"""Detection view of the scenes: labels re-numbered, boxes from the scenes, bad kinds refused."""
import pytest
import torch

from cvbook.data.shapes import SHAPE_CLASSES, make_detection_batch, make_scene_batch


def test_batch_matches_scenes():
    kinds = ("star", "ellipse")
    batch = make_detection_batch(5, 32, kinds=kinds, seed=3, noise=0.0)
    scenes = make_scene_batch(5, 32, seed=3, n_objects=(1, 3), kinds=list(kinds), noise=0.0, supersample=2)
    assert batch.images.shape == (5, 1, 32, 32) and batch.classes == kinds
    for t, s in zip(batch.targets, scenes):
        assert torch.equal(t["boxes"], s.boxes)
        names = [SHAPE_CLASSES[i] for i in s.labels.tolist()]
        assert [kinds[i] for i in t["labels"].tolist()] == names
    sub = batch.subset([4, 0])
    assert len(sub) == 2 and torch.equal(sub.images[1], batch.images[0])


def test_empty_and_bad():
    assert len(make_detection_batch(0)) == 0
    with pytest.raises(ValueError, match="kinds"):
        make_detection_batch(2, kinds=("circle",))
