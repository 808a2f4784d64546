"""Tests for load_mnist_or_digits: MNIST when on disk, the digits stand-in otherwise, and what it records."""
import pytest
import torch

from cvbook.data import (DIGITS_SIZE, DataSplit, digits28_tensors, load_mnist_or_digits, split_indices, write_idx)
from cvbook.runtime import RECORD_ENV, data_used


@pytest.fixture(autouse=True)
def _no_record_file(monkeypatch):
    monkeypatch.delenv(RECORD_ENV, raising=False)


def write_indexed_mnist(root, n_train=50, n_test=20):
    """A fake MNIST whose image k has pixel (0, 0) = k and label k % 10, so every drawn image can be traced."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = torch.zeros(n, 28, 28, dtype=torch.uint8)
        images[:, 0, 0] = torch.arange(n, dtype=torch.uint8)
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", (torch.arange(n) % 10).to(torch.uint8))


def test_falls_back_to_digits(tmp_path):
    split = load_mnist_or_digits(n_train=100, n_test=30, root=tmp_path, seed=1)
    assert isinstance(split, DataSplit)
    assert split.source.startswith("scikit-learn digits upsampled to 28x28 (stand-in: MNIST not found under")
    assert "100 train / 30 test images, drawn with seed 1" in split.source
    assert split.source in data_used()
    images, labels = digits28_tensors()
    train_idx, test_idx = split_indices(DIGITS_SIZE, 100, 30, seed=1)
    assert torch.equal(split.train.tensors[0], images[train_idx]) and torch.equal(split.train.tensors[1], labels[train_idx])
    assert torch.equal(split.test.tensors[0], images[test_idx]) and torch.equal(split.test.tensors[1], labels[test_idx])
    assert split.train.tensors[0].shape == (100, 1, 28, 28)
    again = load_mnist_or_digits(n_train=100, n_test=30, root=tmp_path, seed=1)
    assert torch.equal(again.train.tensors[0], split.train.tensors[0])
    other = load_mnist_or_digits(n_train=100, n_test=30, root=tmp_path, seed=2)
    assert not torch.equal(other.train.tensors[1], split.train.tensors[1])


def test_fallback_shrinks_with_warning(tmp_path):
    with pytest.warns(UserWarning, match="digits stand-in has only 1797 images"):
        split = load_mnist_or_digits(n_train=6000, n_test=1000, root=tmp_path)
    # 1797 * 1000 / 7000 = 256.7 -> 257 test, the other 1540 train.
    assert (len(split.train), len(split.test)) == (1540, 257)
    assert "1540 train / 257 test" in split.source


def test_uses_mnist_when_on_disk(tmp_path):
    write_indexed_mnist(tmp_path)
    split = load_mnist_or_digits(n_train=12, n_test=5, root=tmp_path, seed=0)
    assert split.source == f"MNIST (torchvision, {tmp_path / 'MNIST'}): 12 train / 5 test images, drawn with seed 0"
    for ds, n, pool in ((split.train, 12, 50), (split.test, 5, 20)):
        x, y = ds.tensors
        assert x.shape == (n, 1, 28, 28) and x.dtype == torch.float32
        k = (x[:, 0, 0, 0] * 255).round().long()  # recover each image's index in the fake file
        assert len(set(k.tolist())) == n and int(k.max()) < pool  # drawn without replacement
        assert torch.equal(y, k % 10)  # labels travel with their images
        assert x[:, 0, 1:, :].abs().sum() == 0
    # Same seed, same subset.
    assert torch.equal(load_mnist_or_digits(12, 5, tmp_path, 0).train.tensors[0], split.train.tensors[0])
    with pytest.raises(ValueError, match="n_train=51 exceeds the 50 MNIST images"):
        load_mnist_or_digits(n_train=51, n_test=5, root=tmp_path)


def test_bad_sizes(tmp_path):
    with pytest.raises(ValueError, match="n_train must be >= 1"):
        load_mnist_or_digits(n_train=0, root=tmp_path)
    with pytest.raises(TypeError, match="n_test must be an int"):
        load_mnist_or_digits(n_test=2.5, root=tmp_path)
