"""The small benchmarks of chapter 4: shapes, sources, downsampling, bad input."""
import pytest
import torch

from cvbook.data import DataSplit, small_benchmark


def test_small_benchmark_shapes_and_source():
    b = small_benchmark(16, 8, seed=0)
    assert isinstance(b, DataSplit)
    x, y = b.train.tensors
    assert x.shape == (16, 3, 32, 32) and y.dtype == torch.int64
    assert len(b.test) == 8 and int(y.max()) < len(b.classes)
    assert "CIFAR-10" in b.source or "shapes" in b.source
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0


def test_downsampling_is_an_area_average():
    big, small = small_benchmark(4, 4, seed=1), small_benchmark(4, 4, seed=1, size=16)
    x32, x16 = big.train.tensors[0], small.train.tensors[0]
    assert x16.shape == (4, 3, 16, 16)
    # pixel (0, 0) of the 16x16 image is the mean of the top-left 2x2 block of the 32x32 one
    torch.testing.assert_close(x16[:, :, 0, 0], x32[:, :, :2, :2].mean((2, 3)))
    assert "downsampled to 16x16" in small.source


def test_errors():
    with pytest.raises(ValueError, match="must be positive"):
        small_benchmark(0, 1)
    with pytest.raises(ValueError, match="size must divide 32"):
        small_benchmark(4, 4, size=12)
