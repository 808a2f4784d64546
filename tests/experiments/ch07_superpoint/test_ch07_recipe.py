"""The chapter-7 MagicPoint recipe: mode choice, training scenes, added noise, the cosine-decayed run."""
import dataclasses
import math

import pytest
import torch

from cvbook.experiments.ch07_superpoint.recipe import (FAST_RECIPE, FULL_RECIPE, MagicPointRecipe, magicpoint_recipe,
                                                       train_recipe, training_scenes, with_noise)
from cvbook.ops import labels_to_keypoints
from cvbook.testing import assert_close

TINY = MagicPointRecipe(size=(16, 16), n_train=6, noisy_fraction=0.5, noise=0.2, epochs=2, batch_size=4, lr=4e-3,
                        widths=(2, 2, 2, 2), head_channels=4, supersample=1)


@pytest.mark.parametrize("mode, expected", [("fast", FAST_RECIPE), ("full", FULL_RECIPE)])
def test_recipe_follows_the_mode(monkeypatch, mode, expected):
    monkeypatch.setenv("CVBOOK_MODE", mode)
    assert magicpoint_recipe() == expected


def test_full_recipe_is_the_papers_network():
    assert FULL_RECIPE.widths == (64, 64, 128, 128) and FULL_RECIPE.head_channels == 256
    assert FULL_RECIPE.nms_radius == 4 and FULL_RECIPE.size == (120, 160)


def test_training_scenes_count_and_labels():
    data = training_scenes(TINY, seed=3)
    assert data.images.shape == (6, 1, 16, 16) and data.labels.shape == (6, 2, 2) and len(data.keypoints) == 6
    assert 0 <= float(data.images.min()) and float(data.images.max()) <= 1
    for labels, corners in zip(data.labels, data.keypoints):  # every labelled point is one of the scene's corners
        assert {tuple(p) for p in labels_to_keypoints(labels).tolist()} <= {tuple(p) for p in corners.tolist()}
    again = training_scenes(TINY, seed=3)
    assert torch.equal(again.images, data.images)  # one seed, one set


def test_training_scenes_noise_goes_to_the_first_part():
    # the noisy scenes come first; with noise 0 they are plain scenes, so noise only changes those
    quiet = training_scenes(dataclasses.replace(TINY, noise=0.0), seed=3)
    noisy = training_scenes(TINY, seed=3)
    assert not torch.equal(quiet.images[:3], noisy.images[:3])
    for name in ("noisy_fraction",):
        with pytest.raises(ValueError, match=name):
            training_scenes(dataclasses.replace(TINY, noisy_fraction=1.5))


def test_training_scenes_empty():
    data = training_scenes(dataclasses.replace(TINY, n_train=0))
    assert len(data) == 0


def test_with_noise_std_and_labels():
    grey = torch.full((4, 1, 32, 32), 0.5)
    base = training_scenes(dataclasses.replace(TINY, n_train=4, noisy_fraction=0.0))
    data = dataclasses.replace(base, images=grey)
    assert torch.equal(with_noise(data, 0.0).images, grey)
    noisy = with_noise(data, 0.1, seed=1)
    assert noisy.labels is data.labels and noisy.keypoints is data.keypoints
    # at mid-grey a std of 0.1 is never clamped (|z| > 5 is out of reach for 4096 draws): the difference is N(0, 0.01)
    diff = noisy.images - grey
    assert abs(float(diff.std()) - 0.1) < 0.1 * 0.1  # 10 %: the std of 4096 samples varies by about 1 %
    assert torch.equal(with_noise(data, 0.1, seed=1).images, noisy.images)
    with pytest.raises(ValueError, match="std"):
        with_noise(data, -0.1)


def test_train_recipe_decays_the_learning_rate_by_a_cosine():
    data = training_scenes(TINY, seed=0)
    run = train_recipe(0, TINY, data, data)
    assert not run.model.training and len(run.history) == TINY.epochs
    lrs = run.history["lr"]
    # cosine over 2 epochs: lr at the start of epoch 2 is lr * (1 + cos(pi / 2)) / 2 = lr / 2
    assert_close(torch.tensor(lrs, dtype=torch.float64),
                 torch.tensor([TINY.lr, TINY.lr * (1 + math.cos(math.pi / 2)) / 2], dtype=torch.float64))
    assert all(math.isfinite(v) for v in run.history["val_loss"])
