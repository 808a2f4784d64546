"""scikit-learn's bundled handwritten digits, upsampled to 28x28: the offline stand-in for MNIST.

``sklearn.datasets.load_digits`` ships with scikit-learn (no download): 1797 grey-level images of the
digits 0-9, 8x8 pixels, each pixel a count in ``0..16`` (the number of "on" pixels in a 4x4 block of
a 32x32 bitmap; UCI "Optical Recognition of Handwritten Digits", Alpaydin and Kaynak 1998).

To stand in for MNIST (28x28 grey, values in ``[0, 1]``) each image is

1. divided by 16, so values lie in ``[0, 1]``;
2. resized from 8x8 to 28x28 with bilinear interpolation,
   ``torch.nn.functional.interpolate(mode="bilinear", align_corners=False, antialias=False)``:
   every output pixel is a convex combination of at most four input pixels, so values stay in ``[0, 1]``.

This is a stand-in, not MNIST: the digits fill the whole 28x28 frame (MNIST centres a 20x20 box in
28x28), strokes are blurry, and there are 1797 images instead of 70 000. Results on it are not
comparable with published MNIST numbers; :func:`load_digits28` records it as such.

Reference: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
Learning Repository, 1998. MNIST (what it stands in for): LeCun et al., Proc. IEEE 86(11), 1998.
Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.utils.data import TensorDataset

from cvbook._checks import as_generator
from cvbook.runtime import record_data
from cvbook._checks import check_int

__all__ = ["DIGITS_SIZE", "digits28_tensors", "load_digits28", "split_indices"]

#: Number of images in scikit-learn's digits.
DIGITS_SIZE = 1797

_SPLITS = ("all", "train", "test")


def digits28_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 digits as ``(images float32 (1797, 1, 28, 28) in [0, 1], labels int64 (1797,))``,
    in scikit-learn's order. Does not record anything; use :func:`load_digits28` in notebooks."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = torch.from_numpy(bunch.images).to(torch.float32).div_(16.0).unsqueeze(1)  # (N, 1, 8, 8)
    images = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False, antialias=False)
    images.clamp_(0.0, 1.0)  # bilinear is convex; this only removes float rounding outside [0, 1]
    return images, torch.from_numpy(bunch.target).to(torch.int64)


def split_indices(
    n: int, n_train: int, n_test: int, seed: int | torch.Generator = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Disjoint random train/test indices into ``range(n)``: ``Tensor[n_train]``, ``Tensor[n_test]``.

    One permutation ``p = randperm(n)`` drawn from ``seed``; train is ``p[:n_train]``, test is the
    last ``n_test`` entries ``p[n - n_test:]``, so the same seed gives the same test set whatever
    ``n_train`` is.
    """
    for name, value in (("n", n), ("n_train", n_train), ("n_test", n_test)):
        check_int(value, name, minimum=0)
    if n_train + n_test > n:
        raise ValueError(f"n_train + n_test = {n_train + n_test} exceeds the {n} examples available")
    perm = torch.randperm(n, generator=as_generator(seed))
    return perm[:n_train], perm[n - n_test :]


def load_digits28(split: str = "all", n_test: int = 297, seed: int = 0) -> TensorDataset:
    """scikit-learn's digits upsampled to 28x28, a stand-in for MNIST (see the module docstring).

    Returns a TensorDataset: images ``float32 (N, 1, 28, 28)`` in ``[0, 1]``, labels ``int64 (N,)``
    in ``0..9``. ``split="all"`` gives all 1797 images in scikit-learn's order; ``"test"`` gives
    ``n_test`` images and ``"train"`` the other ``1797 - n_test`` (1500 by default), chosen by
    :func:`split_indices` from ``seed``.
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    images, labels = digits28_tensors()
    if split != "all":
        if isinstance(n_test, bool) or not isinstance(n_test, int) or not 0 < n_test < DIGITS_SIZE:
            raise ValueError(f"n_test must be an int in 1..{DIGITS_SIZE - 1}, got {n_test!r}")
        train_idx, test_idx = split_indices(DIGITS_SIZE, DIGITS_SIZE - n_test, n_test, seed)
        idx = train_idx if split == "train" else test_idx
        images, labels = images[idx], labels[idx]
    record_data(
        f"scikit-learn digits upsampled to 28x28 (stand-in for MNIST), {split} split, {len(labels)} images"
    )
    return TensorDataset(images, labels)
