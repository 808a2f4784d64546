"""Multi-label view of the scenes: targets are the sets of the detection view's labels."""
import pytest
import torch

from cvbook.data.shapes import make_detection_batch
from cvbook.data.shapes.multilabel import MultilabelSet, make_multilabel_set, multi_hot


def test_targets_are_the_label_sets_of_the_detection_view():
    kinds = ("star", "ellipse", "line")
    ml = make_multilabel_set(6, 32, kinds=kinds, n_objects=(1, 3), seed=4)
    det = make_detection_batch(6, 32, kinds=kinds, n_objects=(1, 3), seed=4)
    assert isinstance(ml, MultilabelSet) and ml.classes == kinds and len(ml) == 6
    assert ml.images.shape == (6, 1, 32, 32) and ml.targets.shape == (6, 3) and ml.targets.dtype == torch.float32
    assert torch.equal(ml.images, det.images)
    for row, t in zip(ml.targets, det.targets):
        assert set(torch.nonzero(row).flatten().tolist()) == set(t["labels"].tolist())
    assert torch.equal(ml.labels_per_image, ml.targets.sum(1).long())
    x, y = ml.dataset()[0]
    assert torch.equal(x, ml.images[0]) and torch.equal(y, ml.targets[0])


def test_reproducible_from_seed_and_generator_advances():
    a, b = make_multilabel_set(3, 24, seed=1), make_multilabel_set(3, 24, seed=1)
    assert torch.equal(a.images, b.images) and torch.equal(a.targets, b.targets)
    g = torch.Generator().manual_seed(1)
    first, second = make_multilabel_set(3, 24, seed=g), make_multilabel_set(3, 24, seed=g)
    assert torch.equal(first.images, a.images) and not torch.equal(first.images, second.images)


def test_multi_hot_hand_values_and_bad_input():
    # class 2 twice counts once; class 0 once; 1 and 3 absent
    assert multi_hot(torch.tensor([2, 0, 2]), 4).tolist() == [1.0, 0.0, 1.0, 0.0]
    assert multi_hot(torch.tensor([], dtype=torch.long), 3).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="lie in 0 .. 3"):
        multi_hot(torch.tensor([4]), 4)
    with pytest.raises(ValueError, match="1-D integer"):
        multi_hot(torch.tensor([0.0, 1.0]), 4)
    with pytest.raises(ValueError, match="num_classes"):
        multi_hot(torch.tensor([0]), 0)


def test_empty_and_bad_arguments():
    empty = make_multilabel_set(0, 16, kinds=("star", "ellipse"))
    assert empty.images.shape == (0, 1, 16, 16) and empty.targets.shape == (0, 2) and len(empty) == 0
    with pytest.raises(ValueError, match="kinds"):
        make_multilabel_set(2, kinds=("circle",))
    with pytest.raises(ValueError, match="n"):
        make_multilabel_set(-1)
