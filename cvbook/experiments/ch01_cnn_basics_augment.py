"""What each data augmentation buys when training data is scarce: one small CNN trained on one or two
hundred images with one augmentation switched on at a time, scored on a clean test set.

- :func:`augment_data`: a small train / test split of scikit-learn's digits, upsampled to 28x28
  (``"digits28"``, :func:`cvbook.data.digits.load_digits28`) or at their own 8x8 (``"digits"``); one
  grey channel, 10 classes, and a mirrored digit is not a digit of its class.
- :data:`AUGMENTATIONS` and :func:`augment_batch`: ``"none"``, ``"flip"``, ``"crop"``, ``"colour"``,
  ``"cutout"``, ``"all-but-flip"`` (crop, colour, cutout in that order) and ``"all"`` (flip, crop, colour,
  cutout), with strengths scaled to the image size unless given.
- :func:`small_cnn` and :func:`train_augmented`: Adam on the training set with a fresh augmentation
  of every batch (all randomness from ``seed``), then the test error in %.

Reference: the augmentations and their CIFAR strengths follow Krizhevsky et al. 2012 (flips, crops),
He et al. 2016 (pad by 4, crop 32) and DeVries and Taylor 2017 (cutout of 16 on 32 pixels); the set-up
(data sizes, network, Adam) is ours, sized for a CPU.
Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.data import TensorDataset

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.data.augment import color_jitter, cutout, random_crop, random_horizontal_flip
from cvbook.runtime import record_data

__all__ = ["AUGMENTATIONS", "AugmentData", "AugmentStrength", "AugmentRun", "augment_data", "augment_batch",
           "small_cnn", "train_augmented"]

#: The conditions of the comparison, in table order.
AUGMENTATIONS: tuple[str, ...] = ("none", "flip", "crop", "colour", "cutout", "all-but-flip", "all")


@dataclass(frozen=True)
class AugmentData:
    """``train`` / ``test`` TensorDatasets of ``(N, C, S, S)`` floats in [0, 1] and int64 labels."""

    name: str
    train: TensorDataset
    test: TensorDataset
    classes: tuple[str, ...]
    source: str


def augment_data(name: str, n_train: int, n_test: int, seed: int = 0) -> AugmentData:
    """A small split of scikit-learn's digits: ``"digits28"`` upsampled to ``(N, 1, 28, 28)``
    (:func:`cvbook.data.digits.load_digits28`, split by :func:`cvbook.data.digits.split_indices`) or
    ``"digits"`` at ``(N, 1, 8, 8)`` (:func:`cvbook.data.digits_benchmark`). Both record the data.

    The same ``seed`` gives the same images for both names (the same split of the same 1797 digits).

    Raises:
        ValueError: an unknown ``name`` or sizes out of range.
    """
    check_int(n_train, "n_train", minimum=1)
    check_int(n_test, "n_test", minimum=1)
    if name == "digits28":
        from cvbook.data.digits import DIGITS_SIZE, load_digits28, split_indices

        if n_train + n_test > DIGITS_SIZE:
            raise ValueError(f"need n_train + n_test <= {DIGITS_SIZE}, got {n_train} and {n_test}")
        x, y = load_digits28("all").tensors
        train_idx, test_idx = split_indices(DIGITS_SIZE, n_train, n_test, seed)
        source = (f"scikit-learn digits upsampled to 28x28, {n_train} train / {n_test} test "
                  f"(split seed {seed})")
        record_data(source)
        train = TensorDataset(x[train_idx], y[train_idx])
        test = TensorDataset(x[test_idx], y[test_idx])
        return AugmentData(name, train, test, tuple(str(k) for k in range(10)), source)
    if name == "digits":
        from cvbook.data import digits_benchmark

        split = digits_benchmark(n_train, n_test, seed=seed, channels=1)
        return AugmentData(name, split.train, split.test, tuple(split.classes), split.source)
    raise ValueError(f"name must be 'digits28' or 'digits', got {name!r}")


@dataclass(frozen=True)
class AugmentStrength:
    """Strengths of the four augmentations: flip probability, crop padding in pixels, brightness and
    contrast jitter, cutout side in pixels. The defaults are the CIFAR recipe scaled to a 16-pixel image
    (padding 4 and cutout 16 on 32 pixels: an eighth and a half of the side)."""

    flip_p: float = 0.5
    padding: int = 2
    brightness: float = 0.4
    contrast: float = 0.4
    cutout_size: int = 8

    @classmethod
    def for_size(cls, size: int) -> "AugmentStrength":
        """The defaults scaled to an image of side ``size``: padding ``size // 8``, cutout ``size // 2``."""
        check_int(size, "size", minimum=2)
        return cls(padding=max(1, size // 8), cutout_size=max(1, size // 2))


def augment_batch(x: Tensor, name: str, strength: AugmentStrength, generator: torch.Generator) -> Tensor:
    """Apply the augmentation ``name`` of :data:`AUGMENTATIONS` to a batch ``(B, C, H, W)``.

    ``"all"`` chains flip, crop, colour and cutout in that order; ``"all-but-flip"`` the last three.
    Cutout fills with the batch's mean pixel, standing in for the paper's 0 on normalised images.

    Raises:
        ValueError: an unknown ``name``.
    """
    if name not in AUGMENTATIONS:
        raise ValueError(f"name must be one of {AUGMENTATIONS}, got {name!r}")
    chains = {"all": ("flip", "crop", "colour", "cutout"), "all-but-flip": ("crop", "colour", "cutout")}
    steps = chains.get(name, (name,))
    for step in steps:
        if step == "flip":
            x = random_horizontal_flip(x, strength.flip_p, generator)
        elif step == "crop":
            x = random_crop(x, tuple(x.shape[-2:]), strength.padding, generator)
        elif step == "colour":
            x = color_jitter(x, strength.brightness, strength.contrast, generator)
        elif step == "cutout":
            x = cutout(x, strength.cutout_size, value=float(x.mean()) if x.numel() else 0.0, generator=generator)
    return x


def small_cnn(in_channels: int, num_classes: int, image_size: int, width: int = 8, seed: int = 0) -> nn.Sequential:
    """``(B, C, S, S) -> (B, K)``: two blocks of 3x3 conv (padding 1), BN, ReLU and 2x2 max-pool
    (``width``, ``2 width`` channels), then a linear layer on the ``2 width (S/4)^2`` features.

    A fully connected head (no global pooling) so that nothing but the data and the augmentation
    makes the network invariant to where things are. Weights from ``seed``: He-normal convolutions,
    zero biases, torch's default uniform range for the linear layer.

    Raises:
        ValueError: ``image_size`` not a positive multiple of 4.
    """
    check_int(width, "width", minimum=1)
    check_int(image_size, "image_size", minimum=4)
    if image_size % 4:
        raise ValueError(f"image_size must be a multiple of 4 (two 2x2 poolings), got {image_size}")
    g = as_generator(seed)
    layers: list[nn.Module] = []
    c_in = in_channels
    for c in (width, 2 * width):
        conv = nn.Conv2d(c_in, c, 3, padding=1)
        with torch.no_grad():
            conv.weight.normal_(0.0, (2.0 / (c_in * 9)) ** 0.5, generator=g)
            conv.bias.zero_()
        layers += [conv, nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c
    head = nn.Linear(c_in * (image_size // 4) ** 2, num_classes)
    with torch.no_grad():
        bound = 1.0 / head.in_features ** 0.5
        head.weight.uniform_(-bound, bound, generator=g)
        head.bias.uniform_(-bound, bound, generator=g)
    return nn.Sequential(*layers, nn.Flatten(), head)


@dataclass(frozen=True)
class AugmentRun:
    """One run: the data set's name, the augmentation, the seed, the final training loss (on augmented
    batches) and the clean training and test error in %."""

    data: str
    augmentation: str
    seed: int
    train_loss: float
    train_error: float
    test_error: float


def _error(model: nn.Module, x: Tensor, y: Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return 100.0 * (model(x).argmax(1) != y).double().mean().item()


def train_augmented(data: AugmentData, augmentation: str, seed: int = 0, *, epochs: int = 30,
                    batch_size: int = 32, lr: float = 3e-3, width: int = 8,
                    strength: AugmentStrength | None = None) -> AugmentRun:
    """Train :func:`small_cnn` with Adam for ``epochs`` epochs on ``data.train`` (a new permutation every
    epoch, the last short batch dropped, every batch augmented afresh), then score it on clean images.

    All randomness (weights, order, augmentation) comes from ``seed``.

    Raises:
        ValueError: an unknown augmentation, a batch larger than the training set.
    """
    if augmentation not in AUGMENTATIONS:
        raise ValueError(f"augmentation must be one of {AUGMENTATIONS}, got {augmentation!r}")
    check_int(epochs, "epochs", minimum=1)
    check_int(batch_size, "batch_size", minimum=1)
    check_positive(lr, "lr")
    x_train, y_train = data.train.tensors
    n = len(y_train)
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} is larger than the training set ({n})")
    strength = strength or AugmentStrength.for_size(x_train.shape[-1])
    model = small_cnn(x_train.shape[1], len(data.classes), x_train.shape[-1], width=width, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g_order, g_aug = as_generator(seed + 1000), as_generator(seed + 2000)
    loss = torch.tensor(float("nan"))
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g_order)
        model.train()
        for b in range(n // batch_size):
            idx = perm[b * batch_size:(b + 1) * batch_size]
            x = augment_batch(x_train[idx], augmentation, strength, g_aug)
            loss = F.cross_entropy(model(x), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return AugmentRun(data.name, augmentation, seed, loss.item(), _error(model, x_train, y_train),
                      _error(model, *data.test.tensors))
