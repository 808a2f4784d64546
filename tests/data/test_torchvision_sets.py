"""Tests for the torchvision wrappers on tiny fake data sets written by the tests (no network)."""
import os
import pickle

import numpy as np
import pytest
import torch
import torchvision

from cvbook.data import (
    CIFAR10_CLASSES,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
    mnist_raw_files_present,
    read_cifar10,
    write_idx,
)
from cvbook.runtime import RECORD_ENV, data_used


@pytest.fixture(autouse=True)
def _no_record_file(monkeypatch):
    monkeypatch.delenv(RECORD_ENV, raising=False)


def write_fake_mnist(root, name="MNIST", n_train=6, n_test=4, seed=0):
    """torchvision's layout: root/<name>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte."""
    g = torch.Generator().manual_seed(seed)
    raw = root / name / "raw"
    raw.mkdir(parents=True)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = torch.randint(0, 256, (n, 28, 28), generator=g, dtype=torch.uint8)
        labels = torch.randint(0, 10, (n,), generator=g, dtype=torch.uint8)
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels)
        out[prefix] = (images, labels)
    return out


@pytest.mark.parametrize(("loader", "name"), [(load_mnist, "MNIST"), (load_fashion_mnist, "FashionMNIST")])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_like_on_fake_files(tmp_path, loader, name, train):
    written = write_fake_mnist(tmp_path, name)
    images, labels = written["train" if train else "t10k"]
    ds = loader(root=tmp_path, train=train)
    x, y = ds.tensors
    assert x.shape == (len(images), 1, 28, 28) and x.dtype == torch.float32
    assert y.dtype == torch.int64 and torch.equal(y, labels.long())
    assert torch.equal(x, images.unsqueeze(1).float() / 255)  # exactly the stored bytes divided by 255
    assert 0.0 <= x.min() and x.max() <= 1.0
    # Oracle: torchvision's own dataset object on the same files.
    tv = getattr(torchvision.datasets, name)(root=str(tmp_path), train=train)
    assert torch.equal((x * 255).round().to(torch.uint8).squeeze(1), tv.data)
    split = "train" if train else "test"
    assert any(d.startswith(f"{'MNIST' if name == 'MNIST' else 'Fashion-MNIST'} {split} split") for d in data_used())


def test_mnist_missing_raises_clear_error(tmp_path):
    assert not mnist_raw_files_present(tmp_path)
    with pytest.raises(FileNotFoundError, match="MNIST \\(train\\) not found .*download=True"):
        load_mnist(root=tmp_path)
    with pytest.raises(TypeError, match="train must be a bool"):
        load_mnist(root=tmp_path, train="yes")
    write_fake_mnist(tmp_path)
    assert mnist_raw_files_present(tmp_path)


def write_fake_cifar(root, n_per_batch=2, n_test=3, seed=0):
    """cifar-10-batches-py with five train pickles, a test pickle and batches.meta (wrong MD5 sums)."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    batches = {}
    for name, n in [(f"data_batch_{i}", n_per_batch) for i in range(1, 6)] + [("test_batch", n_test)]:
        entry = {"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), "labels": rng.integers(0, 10, n).tolist()}
        with open(folder / name, "wb") as f:
            pickle.dump(entry, f)
        batches[name] = entry
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": CIFAR10_CLASSES}, f)
    return batches


def test_read_cifar10_layout(tmp_path):
    batches = write_fake_cifar(tmp_path)
    images, labels = read_cifar10(tmp_path / "cifar-10-batches-py", train=True)
    assert images.shape == (10, 3, 32, 32) and images.dtype == torch.uint8
    assert labels.tolist() == sum((batches[f"data_batch_{i}"]["labels"] for i in range(1, 6)), [])
    # Hand layout: row k of a batch holds 1024 red, 1024 green, 1024 blue values, each 32x32 row-major,
    # so pixel (c, r, col) of image 0 is data[0, c*1024 + r*32 + col].
    row = batches["data_batch_1"]["data"][0]
    for c, r, col in [(0, 0, 0), (1, 5, 7), (2, 31, 31), (0, 12, 30)]:
        assert images[0, c, r, col].item() == row[c * 1024 + r * 32 + col]
    test_images, _ = read_cifar10(tmp_path / "cifar-10-batches-py", train=False)
    assert test_images.shape == (3, 3, 32, 32)


def test_load_cifar10_verify_false_and_torchvision_oracle(tmp_path, monkeypatch):
    write_fake_cifar(tmp_path)
    # torchvision checks MD5 sums, so it refuses the fake files: a clear error, not a crash.
    with pytest.raises(FileNotFoundError, match="CIFAR-10 \\(train\\) not found or corrupted"):
        load_cifar10(root=tmp_path)
    ds = load_cifar10(root=tmp_path, verify=False)
    x, y = ds.tensors
    assert x.shape == (10, 3, 32, 32) and x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    assert any(d.startswith("CIFAR-10 train split (cvbook.data.read_cifar10, not MD5-checked") for d in data_used())
    # Oracle: let torchvision accept the fake files (skip only the MD5 check) and compare.
    import torchvision.datasets.cifar as tv_cifar

    monkeypatch.setattr(tv_cifar, "check_integrity", lambda path, md5=None: os.path.isfile(path))
    tv = torchvision.datasets.CIFAR10(root=str(tmp_path), train=True)
    assert torch.equal(torch.from_numpy(tv.data).permute(0, 3, 1, 2), (x * 255).round().to(torch.uint8))
    assert y.tolist() == tv.targets
    checked = load_cifar10(root=tmp_path, verify=True)  # through torchvision, now that it accepts them
    assert torch.equal(checked.tensors[0], x) and torch.equal(checked.tensors[1], y)


def test_read_cifar10_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="data_batch_1"):
        read_cifar10(tmp_path, train=True)
    with open(tmp_path / "test_batch", "wb") as f:
        pickle.dump({"data": np.zeros((2, 100), dtype=np.uint8), "labels": [0, 1]}, f)
    with pytest.raises(ValueError, match="shape \\(n, 3072\\)"):
        read_cifar10(tmp_path, train=False)
    with open(tmp_path / "test_batch", "wb") as f:
        pickle.dump({"pixels": 1}, f)
    with pytest.raises(ValueError, match="not a CIFAR-10 batch"):
        read_cifar10(tmp_path, train=False)
