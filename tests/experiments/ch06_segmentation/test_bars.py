"""The bar-and-dash scenes of the strip-pooling page."""
import pytest
import torch

from cvbook.experiments.ch06_segmentation.bars import BAR_CLASSES, make_bar_set


def test_bars_cross_the_image_and_dashes_are_background():
    s = make_bar_set(6, 48, seed=1)
    assert s.images.shape == (6, 3, 48, 48) and s.classes == BAR_CLASSES
    assert set(s.semantic.unique().tolist()) <= {0, 1}
    for sem, inst in zip(s.semantic, s.instance):
        ids = inst.unique()[1:]
        bars = [i for i in ids if (sem[inst == i] == 1).all()]
        dashes = [i for i in ids if (sem[inst == i] == 0).all()]
        assert len(bars) + len(dashes) == len(ids)  # every object is wholly bar or wholly background
        for i in bars:  # a bar crosses the image (twice the side, centred inside): it spans most of it
            ys, xs = torch.nonzero(inst == i, as_tuple=True)  # (a dash on top may hide an end)
            assert max(ys.max() - ys.min(), xs.max() - xs.min()) >= 0.7 * 48
        for i in dashes:  # a dash spans at most 30 % of the side, plus its width and tilt
            ys, xs = torch.nonzero(inst == i, as_tuple=True)
            assert max(ys.max() - ys.min(), xs.max() - xs.min()) < 0.3 * 48 + 8


def test_same_seed_same_set_and_bad_input():
    a, b = make_bar_set(2, 32, seed=3), make_bar_set(2, 32, seed=3)
    assert torch.equal(a.images, b.images) and torch.equal(a.semantic, b.semantic)
    with pytest.raises(ValueError):
        make_bar_set(0, 32)
    with pytest.raises(ValueError):
        make_bar_set(1, 4)
