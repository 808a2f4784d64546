"""MagicPoint's fast and full recipes: scene sizes, training set, optimiser, decoding and evaluation.

The fast recipe is what a CPU can train in seconds per seed: 32x32 scenes (4x4 cells), a narrow
network (same structure as the paper's, fewer channels), Adam with a cosine-decayed learning rate,
half of the training scenes with Gaussian pixel noise (the paper trains with noise augmentation).
Every detector, MagicPoint and the OpenCV baselines alike, is decoded with one NMS radius and scored
by AP within ``eps`` px. The full recipe is the paper's: 120x160 scenes, widths 64-64-128-128,
a 256-channel head, NMS radius 4.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 4 and Table 2.
Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from cvbook._checks import as_generator, check_positive
from cvbook.data.shapes.keypoints import KeypointSet, make_keypoint_set
from cvbook.experiments.ch07_superpoint.cache import cached
from cvbook.experiments.ch07_superpoint.train import MagicPointRun, train_magicpoint
from cvbook.runtime import by_mode

__all__ = ["MagicPointRecipe", "FAST_RECIPE", "FULL_RECIPE", "magicpoint_recipe", "training_scenes",
           "with_noise", "train_recipe", "validation_scenes", "magicpoint_run"]


@dataclass(frozen=True)
class MagicPointRecipe:
    """Everything that decides a MagicPoint run and its evaluation.

    ``size``: scene ``(H, W)``; ``n_train``: training scenes, of which ``noisy_fraction`` carry
    Gaussian noise of std ``noise`` (the noisy test set uses the same std); ``threshold``: the
    decoding threshold (low, so the precision-recall curve covers the whole range); ``nms_radius``:
    the NMS radius of every detector; ``eps``: the correctness radius of AP in px.
    """

    size: tuple[int, int] = (32, 32)
    n_train: int = 1024
    noisy_fraction: float = 0.5
    noise: float = 0.1
    epochs: int = 8
    batch_size: int = 32
    lr: float = 5e-3
    widths: tuple[int, int, int, int] = (8, 16, 32, 32)
    head_channels: int = 64
    threshold: float = 0.001
    nms_radius: int = 2
    eps: float = 4.0
    n_test: int = 100
    supersample: int = 2


FAST_RECIPE = MagicPointRecipe()
# the paper's network and image size; NMS radius 4 as its demo (departure: a fixed set, not on-the-fly scenes)
FULL_RECIPE = MagicPointRecipe(size=(120, 160), n_train=10000, epochs=40, lr=1e-3, widths=(64, 64, 128, 128),
                               head_channels=256, nms_radius=4, n_test=500)


def magicpoint_recipe() -> MagicPointRecipe:
    """The recipe of the current mode: :data:`FAST_RECIPE` or :data:`FULL_RECIPE` (``CVBOOK_MODE``)."""
    return by_mode(fast=FAST_RECIPE, full=FULL_RECIPE)


def training_scenes(recipe: MagicPointRecipe, seed: int = 100) -> KeypointSet:
    """The training set of a recipe: ``n_train`` scenes, the first ``noisy_fraction`` of them noisy,
    then shuffled together by the loader.

    Args:
        recipe: the recipe.
        seed: the scenes' seed (the test sets use others).

    Returns:
        A :class:`KeypointSet` of ``recipe.n_train`` scenes.

    Raises:
        ValueError: ``noisy_fraction`` outside [0, 1].
    """
    if not 0 <= recipe.noisy_fraction <= 1:
        raise ValueError(f"noisy_fraction must lie in [0, 1], got {recipe.noisy_fraction}")
    n_noisy = int(round(recipe.n_train * recipe.noisy_fraction))
    g = as_generator(seed)
    noisy = make_keypoint_set(n_noisy, recipe.size, g, noise=recipe.noise, supersample=recipe.supersample)
    clean = make_keypoint_set(recipe.n_train - n_noisy, recipe.size, g, supersample=recipe.supersample)
    return KeypointSet(torch.cat([noisy.images, clean.images]), torch.cat([noisy.labels, clean.labels]),
                       noisy.keypoints + clean.keypoints)


def with_noise(data: KeypointSet, std: float, seed: int = 0) -> KeypointSet:
    """The same scenes with Gaussian pixel noise of std ``std`` added (clamped to [0, 1]); the
    keypoints and labels are unchanged.

    Args:
        data: the scenes.
        std: the noise's standard deviation (image range [0, 1]).
        seed: the noise's seed.

    Returns:
        A :class:`KeypointSet` with the noisy images.

    Raises:
        ValueError: a negative ``std``.
    """
    std = check_positive(std, "std", strict=False)
    g = as_generator(seed)
    noisy = (data.images + std * torch.randn(data.images.shape, generator=g)).clamp(0.0, 1.0)
    return KeypointSet(noisy, data.labels, data.keypoints)


def train_recipe(seed: int, recipe: MagicPointRecipe, train: KeypointSet,
                 val: KeypointSet | None = None) -> MagicPointRun:
    """Train MagicPoint by the recipe: Adam, learning rate decayed by a cosine to 0 over the epochs.

    Args:
        seed: the model's initialisation and the batches' order.
        recipe: the recipe.
        train, val: training and (optional) validation scenes.

    Returns:
        A :class:`MagicPointRun` (model in eval mode, per-epoch losses).
    """
    epochs = recipe.epochs
    return train_magicpoint(seed, train, val, epochs=epochs, batch_size=recipe.batch_size, lr=recipe.lr,
                            widths=recipe.widths, head_channels=recipe.head_channels,
                            scheduler=lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs))


def validation_scenes(recipe: MagicPointRecipe, seed: int = 300) -> KeypointSet:
    """The 64 noise-free validation scenes of a recipe (seed 300; the training scenes use 100, the tests 1)."""
    return make_keypoint_set(64, recipe.size, seed=seed, supersample=recipe.supersample)


def magicpoint_run(seed: int, recipe: MagicPointRecipe | None = None) -> MagicPointRun:
    """The chapter's MagicPoint of one seed: :func:`train_recipe` on :func:`training_scenes` (seed 100)
    with :func:`validation_scenes`, trained once and then loaded from the disk cache
    (:func:`cvbook.experiments.ch07_superpoint.cache.cached`, keyed on the recipe, the seed, the code
    and the torch version). Pages 04 and 05 share it; training is deterministic on the CPU, so a
    cached run is the run the page would train.

    Args:
        seed: the model's initialisation and batch order.
        recipe: the recipe (default: :func:`magicpoint_recipe`).

    Returns:
        A :class:`MagicPointRun` (model in eval mode, per-epoch losses).

    Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
    """
    recipe = magicpoint_recipe() if recipe is None else recipe

    def compute() -> MagicPointRun:
        return train_recipe(seed, recipe, training_scenes(recipe, seed=100), validation_scenes(recipe))

    return cached("magicpoint", (recipe, seed, "train100", "val300"), compute)
