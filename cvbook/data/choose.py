"""MNIST when it is on disk, otherwise the scikit-learn digits stand-in: one call, and it says which.

Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import torch
from torch.utils.data import TensorDataset

from cvbook._checks import as_generator, check_int
from cvbook.data.digits import DIGITS_SIZE, digits28_tensors, split_indices
from cvbook.data.split import DataSplit
from cvbook.data.torchvision_sets import MNIST_CLASSES, _mnist_like, mnist_raw_files_present
from cvbook.runtime import data_root, display_path, record_data

__all__ = ["load_mnist_or_digits"]


def load_mnist_or_digits(
    n_train: int = 1000, n_test: int = 200, root: str | os.PathLike | None = None, seed: int = 0
) -> DataSplit:
    """``n_train`` training and ``n_test`` test digits, 28x28, from MNIST if it is already on disk.

    - If ``root/MNIST/raw`` holds the four uncompressed IDX files (torchvision's layout), the images
      come from MNIST (LeCun et al. 1998): ``n_train`` drawn without replacement from the 60 000
      training images and ``n_test`` from the 10 000 test images. Nothing is ever downloaded here.
    - Otherwise they come from scikit-learn's 1797 digits upsampled to 28x28
      (:func:`cvbook.data.digits28_tensors`), split by :func:`cvbook.data.split_indices`. If
      ``n_train + n_test`` exceeds 1797 both are scaled down in proportion, with a warning, and
      ``source`` gives the sizes actually used.

    The subsets depend only on ``seed``. ``source`` is a sentence such as
    ``"MNIST (torchvision, data/MNIST): 1000 train / 200 test images, drawn with seed 0"``; it is
    also passed to :func:`cvbook.runtime.record_data`.

    Returns:
        A :class:`cvbook.data.DataSplit` (images ``float32 (N, 1, 28, 28)``, classes ``"0"`` ... ``"9"``).

    Raises:
        TypeError: a size is not an int.
        ValueError: ``n_train < 1``, ``n_test < 0``, or more MNIST images asked for than there are.

    Reference: Y. LeCun et al., "Gradient-based learning applied to document recognition", 1998.
    """
    n_train = check_int(n_train, "n_train", minimum=1)
    n_test = check_int(n_test, "n_test", minimum=0)
    root = data_root() if root is None else Path(root)  # one data folder for every notebook
    if mnist_raw_files_present(root, "MNIST"):
        train_all = _mnist_like("MNIST", root, True, False)
        test_all = _mnist_like("MNIST", root, False, False)
        for name, n, full in (("n_train", n_train, train_all), ("n_test", n_test, test_all)):
            if n > len(full):
                raise ValueError(f"{name}={n} exceeds the {len(full)} MNIST images available under {root}")
        g = as_generator(seed)
        train_idx = torch.randperm(len(train_all), generator=g)[:n_train]
        test_idx = torch.randperm(len(test_all), generator=g)[:n_test]
        train = TensorDataset(*(t[train_idx] for t in train_all.tensors))
        test = TensorDataset(*(t[test_idx] for t in test_all.tensors))
        origin = f"MNIST (torchvision, {display_path(root / 'MNIST')})"
    else:
        if n_train + n_test > DIGITS_SIZE:
            asked = (n_train, n_test)
            n_test = round(DIGITS_SIZE * n_test / (n_train + n_test))
            n_train = DIGITS_SIZE - n_test
            warnings.warn(
                f"MNIST is not under {display_path(root / 'MNIST' / 'raw')} and the digits stand-in has only {DIGITS_SIZE} "
                f"images: using {n_train} train / {n_test} test instead of {asked[0]} / {asked[1]}",
                stacklevel=2,
            )
        images, labels = digits28_tensors()
        train_idx, test_idx = split_indices(DIGITS_SIZE, n_train, n_test, seed)
        train = TensorDataset(images[train_idx], labels[train_idx])
        test = TensorDataset(images[test_idx], labels[test_idx])
        origin = f"scikit-learn digits upsampled to 28x28 (stand-in: MNIST not found under {display_path(root / 'MNIST' / 'raw')})"
    source = f"{origin}: {len(train)} train / {len(test)} test images, drawn with seed {seed}"
    record_data(source)
    return DataSplit(train, test, source, tuple(MNIST_CLASSES))
