"""Tests for the scikit-learn digits stand-in: values, the bilinear upsampling, splits, the record."""
import math

import pytest
import torch
from sklearn.datasets import load_digits

from cvbook.data import DIGITS_SIZE, digits28_tensors, load_digits28, split_indices
from cvbook.runtime import RECORD_ENV, data_used


@pytest.fixture(autouse=True)
def _no_record_file(monkeypatch):
    monkeypatch.delenv(RECORD_ENV, raising=False)


def bilinear_matrix(n_in: int, n_out: int) -> torch.Tensor:
    """(n_out, n_in) matrix of 1-D linear interpolation with half-pixel centres (align_corners=False):
    output pixel i samples the input at s = (i + 0.5) * n_in / n_out - 0.5, clamped below at 0, and
    mixes input pixels floor(s) and floor(s) + 1 (the last one repeated) with weights 1 - frac, frac."""
    a = torch.zeros(n_out, n_in, dtype=torch.float64)
    for i in range(n_out):
        s = max((i + 0.5) * n_in / n_out - 0.5, 0.0)
        i0 = math.floor(s)
        i1 = min(i0 + 1, n_in - 1)
        frac = s - i0
        a[i, i0] += 1 - frac
        a[i, i1] += frac
    return a


def test_digits28_values_labels_and_upsampling():
    images, labels = digits28_tensors()
    bunch = load_digits()
    assert images.shape == (DIGITS_SIZE, 1, 28, 28) == (1797, 1, 28, 28) and images.dtype == torch.float32
    assert torch.equal(labels, torch.from_numpy(bunch.target).long())
    assert images.min() >= 0.0 and images.max() <= 1.0
    # Bilinear upsampling is separable: image28 = A @ image8 @ A^T with A the 28x8 matrix above.
    a = bilinear_matrix(8, 28)
    for k in (0, 1, 500, 1796):
        expected = a @ (torch.from_numpy(bunch.images[k]) / 16.0) @ a.T
        torch.testing.assert_close(images[k, 0].double(), expected, atol=1e-6, rtol=0)


def test_load_digits28_splits_and_record():
    full = load_digits28()
    assert len(full) == DIGITS_SIZE
    assert any("stand-in for MNIST" in d and "all split" in d for d in data_used())
    train = load_digits28("train", seed=3)
    test = load_digits28("test", seed=3)
    assert len(train) == 1500 and len(test) == 297
    train_idx, test_idx = split_indices(DIGITS_SIZE, 1500, 297, seed=3)
    assert torch.equal(train.tensors[0], full.tensors[0][train_idx])
    assert torch.equal(test.tensors[1], full.tensors[1][test_idx])
    assert torch.equal(load_digits28("test", seed=3).tensors[0], test.tensors[0])  # deterministic
    assert not torch.equal(load_digits28("test", seed=4).tensors[1], test.tensors[1])
    with pytest.raises(ValueError, match="split must be one of"):
        load_digits28("validation")
    with pytest.raises(ValueError, match="n_test must be an int in 1..1796"):
        load_digits28("train", n_test=1797)


def test_split_indices_properties():
    train, test = split_indices(100, 60, 25, seed=0)
    assert len(train) == 60 and len(test) == 25
    assert len(set(train.tolist()) | set(test.tolist())) == 85  # disjoint
    assert all(0 <= i < 100 for i in train.tolist() + test.tolist())
    # The test set is the tail of one permutation, so it does not depend on n_train.
    _, test_again = split_indices(100, 10, 25, seed=0)
    assert torch.equal(test, test_again)
    gen_train, _ = split_indices(100, 60, 25, seed=torch.Generator().manual_seed(0))
    assert torch.equal(gen_train, train)
    with pytest.raises(ValueError, match="exceeds the 100 examples"):
        split_indices(100, 80, 21)
    with pytest.raises(ValueError, match="n_test must be >= 0"):
        split_indices(100, 80, -1)
    with pytest.raises(TypeError, match="n_train must be an int"):
        split_indices(100, 8.0, 1)
