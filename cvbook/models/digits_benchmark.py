"""scikit-learn's 8x8 digits as a :class:`Benchmark`: a task small CNNs fit in seconds on a CPU.

The chapter's other benchmark (:func:`cvbook.models.small_benchmark`, 8 procedural shapes at
32x32) is too hard for a few hundred CPU steps; the 1797 digits at their native 8x8 resolution are
learnt to a few per cent error by an 8-layer CIFAR ResNet of 4-16 channels in about a hundred
steps, so the fast mode can show *trained* effects (degradation, width, SE gates).

Reference: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI, 1998.
Taught in: notebooks/04_architectures/03_resnet.ipynb (also 01_model_zoo and 07_senet).
"""
from __future__ import annotations

import torch
from torch.utils.data import TensorDataset

from cvbook.data.digits import DIGITS_SIZE, split_indices
from cvbook.models.bench import Benchmark
from cvbook.runtime import record_data

__all__ = ["DIGIT_CLASSES", "digits_benchmark"]

#: Class names of the digits benchmark, in label order.
DIGIT_CLASSES: list[str] = [str(d) for d in range(10)]


def digits_benchmark(n_train: int, n_test: int = 297, seed: int = 0, channels: int = 3) -> Benchmark:
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
        A :class:`cvbook.models.Benchmark` with ``classes = ["0", ..., "9"]``.

    Raises:
        TypeError: a size or the seed is not an int.
        ValueError: sizes out of range, or ``channels`` not 1 or 3.
    """
    for name, v in (("n_train", n_train), ("n_test", n_test), ("seed", seed), ("channels", channels)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"{name} must be an int, got {type(v).__name__}")
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
    return Benchmark(TensorDataset(images[train_idx], labels[train_idx]),
                     TensorDataset(images[test_idx], labels[test_idx]), source, list(DIGIT_CLASSES))
