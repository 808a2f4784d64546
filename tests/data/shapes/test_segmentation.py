"""The segmentation view of the scenes: label maps agree with the scenes' instance masks."""
import pytest
import torch

from cvbook.data.shapes import SHAPE_CLASSES, instance_map, make_segmentation_set, render_scene, semantic_map


def test_maps_agree_with_masks():
    scene = render_scene(48, n_objects=3, seed=1)
    sem, inst = semantic_map(scene), instance_map(scene)
    assert sem.shape == inst.shape == (48, 48)
    for n, (mask, label) in enumerate(zip(scene.masks, scene.labels)):
        assert (inst[mask] == n + 1).all()
        assert (sem[mask] == label + 1).all()  # all kinds: label = 1 + index into SHAPE_CLASSES
    background = ~scene.masks.any(0)
    assert (sem[background] == 0).all() and (inst[background] == 0).all()


def test_set_with_kinds_is_reproducible():
    a = make_segmentation_set(3, 32, seed=2, kinds=["ellipse", "line"])
    b = make_segmentation_set(3, 32, seed=2, kinds=["ellipse", "line"])
    assert torch.equal(a.semantic, b.semantic) and torch.equal(a.images, b.images)
    assert a.classes == ("background", "ellipse", "line") and a.num_classes == 3 and len(a) == 3
    assert a.semantic.max() <= 2 and a.images.shape == (3, 1, 32, 32)


def test_kind_not_in_kinds_raises():
    scene = render_scene(32, n_objects=1, kinds=["star"], seed=0)
    with pytest.raises(ValueError, match="not in kinds"):
        semantic_map(scene, kinds=["ellipse"])
    assert "star" in SHAPE_CLASSES
