"""The small benchmarks of chapter 4: CIFAR-10 when it is on disk, else the procedural 32x32 shapes
(``small_benchmark``); and scikit-learn's 8x8 digits (``digits_benchmark``), a task small CNNs fit in
seconds on a CPU.

The shapes at 32x32 are too hard for a few hundred CPU steps; the 1797 digits at their native 8x8
resolution are learnt to a few per cent error by an 8-layer CIFAR ResNet of 4-16 channels in about a
hundred steps, so the fast mode can show *trained* effects (degradation, width, SE gates).

Both return a :class:`cvbook.data.DataSplit` and record their choice with
:func:`cvbook.runtime.record_data`. Nothing is downloaded.

Reference: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI, 1998.
Taught in: notebooks/04_architectures/01_model_zoo.ipynb and notebooks/04_architectures/03_resnet.ipynb
"""
from __future__ import annotations

import torch
from torch.utils.data import TensorDataset

from cvbook._checks import as_generator, check_int
from cvbook.data.digits import DIGITS_SIZE, split_indices
from cvbook.data.split import DataSplit
from cvbook.runtime import record_data

__all__ = ["DIGIT_CLASSES", "digits_benchmark", "small_benchmark"]

#: Class names of the digits benchmark, in label order.
DIGIT_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))


def _subset(ds: TensorDataset, n: int, g: torch.Generator) -> TensorDataset:
    idx = torch.randperm(len(ds), generator=g)[:n]
    return TensorDataset(*(t[idx] for t in ds.tensors))


def small_benchmark(n_train: int, n_test: int, seed: int = 0, root: str | None = None,
                    size: int = 32) -> DataSplit:
    """``n_train``/``n_test`` images from CIFAR-10 (random subsets, if on disk) or from
    :func:`cvbook.data.shapes.make_shapes_classification` (8 classes; other seeds for the test set).

    ``size < 32`` area-averages the 32x32 images down (``size`` must divide 32), which the fast
    mode uses to cut the cost of training deep nets on a CPU by ``(32/size)^2``.

    Nothing is downloaded. The choice is recorded with :func:`cvbook.runtime.record_data`.
    """
    if n_train <= 0 or n_test <= 0:
        raise ValueError(f"n_train and n_test must be positive, got {n_train}, {n_test}")
    if size <= 0 or 32 % size:
        raise ValueError(f"size must divide 32 (32, 16, 8, ...), got {size}")
    g = as_generator(seed)
    try:
        from cvbook.data import CIFAR10_CLASSES, load_cifar10

        train = _subset(load_cifar10(root, train=True, verify=False), n_train, g)
        test = _subset(load_cifar10(root, train=False, verify=False), n_test, g)
        source = f"CIFAR-10 (random {n_train} train / {n_test} test images)"
        classes = tuple(CIFAR10_CLASSES)
    except (RuntimeError, FileNotFoundError, OSError, ValueError):
        from cvbook.data.shapes import SHAPE_CLASSES, make_shapes_classification

        train = make_shapes_classification(n_train, size=32, seed=seed)
        test = make_shapes_classification(n_test, size=32, seed=seed + 10_000)
        source = (f"procedural shapes 32x32, 8 classes ({n_train} train / {n_test} test; "
                  "CIFAR-10 not on disk)")
        classes = tuple(SHAPE_CLASSES)
    if size != 32:
        k = 32 // size
        train, test = (TensorDataset(torch.nn.functional.avg_pool2d(d.tensors[0], k), d.tensors[1])
                       for d in (train, test))
        source += f", downsampled to {size}x{size}"
    record_data(source)
    return DataSplit(train, test, source, classes)


def digits_benchmark(n_train: int, n_test: int = 297, seed: int = 0, channels: int = 3) -> DataSplit:
    """``n_train`` / ``n_test`` disjoint random digits at 8x8, values in [0, 1].

    Images are ``float32 (N, channels, 8, 8)`` (the grey image repeated ``channels`` times, so
    3-channel CIFAR nets take them unchanged), labels ``int64 (N,)`` in ``0..9``. The split comes
    from :func:`cvbook.data.digits.split_indices` with ``seed``; the choice is recorded with
    :func:`cvbook.runtime.record_data`.

    Args:
        n_train: training images, ``1 <= n_train <= 1797 - n_test``.
        n_test: test images, ``>= 1``.
        seed: seed of the split.
        channels: ``1`` or ``3``.

    Returns:
        A :class:`cvbook.data.DataSplit` with ``classes = ["0", ..., "9"]``.

    Raises:
        TypeError: a size or the seed is not an int.
        ValueError: sizes out of range, or ``channels`` not 1 or 3.
    """
    for name, v in (("n_train", n_train), ("n_test", n_test), ("seed", seed), ("channels", channels)):
        check_int(v, name)
    if n_train < 1 or n_test < 1 or n_train + n_test > DIGITS_SIZE:
        raise ValueError(f"need n_train >= 1, n_test >= 1 and n_train + n_test <= {DIGITS_SIZE}, "
                         f"got {n_train} and {n_test}")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = torch.from_numpy(bunch.images).to(torch.float32).div_(16.0).unsqueeze(1)  # (N, 1, 8, 8)
    images = images.expand(-1, channels, -1, -1).contiguous()
    labels = torch.from_numpy(bunch.target).to(torch.int64)
    train_idx, test_idx = split_indices(DIGITS_SIZE, n_train, n_test, seed)
    source = f"scikit-learn digits 8x8, 10 classes ({n_train} train / {n_test} test)"
    record_data(source)
    return DataSplit(TensorDataset(images[train_idx], labels[train_idx]),
                     TensorDataset(images[test_idx], labels[test_idx]), source, DIGIT_CLASSES)
