"""The 8-layer CIFAR nets and the 8x8 digits benchmark."""
import pytest
import torch

from cvbook.models import CifarResNet, create
from cvbook.data.benchmarks import digits_benchmark


def _count(m):
    return sum(p.numel() for p in m.parameters())


def test_depth8_hand_count():
    # stem 3*16*9 + BN 32; one block per stage: two 3x3 convs (first takes the previous width) + 2 BNs;
    # FC 64*10 + 10.
    total = 3 * 16 * 9 + 32
    for w, first_in in ((16, 16), (32, 16), (64, 32)):
        total += 9 * first_in * w + 9 * w * w + 4 * w
    total += 64 * 10 + 10
    assert _count(create("cifar_resnet8")) == total
    assert _count(create("cifar_plain8")) == total  # option A is parameter-free
    # depth 14 adds one more block per stage: two w x w 3x3 convs + 2 BNs
    total14 = total + sum(2 * 9 * w * w + 4 * w for w in (16, 32, 64))
    assert _count(create("cifar_resnet14")) == _count(create("cifar_plain14")) == total14


def test_plain8_has_no_shortcut_and_narrow_widths_work():
    plain = create("cifar_plain8", widths=(4, 8, 16), num_classes=10)
    assert isinstance(plain, CifarResNet) and not plain.layer1[0].residual
    assert plain(torch.zeros(2, 3, 8, 8)).shape == (2, 10)
    se = create("se_cifar_resnet8", widths=(4, 8, 16))
    assert sum(type(m).__name__ == "SqueezeExcite" for m in se.modules()) == 3


def test_digits_benchmark_split_and_range():
    b = digits_benchmark(100, 50, seed=1)
    x, y = b.train.tensors
    assert x.shape == (100, 3, 8, 8) and y.shape == (100,) and b.test.tensors[0].shape == (50, 3, 8, 8)
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert torch.equal(x[:, 0], x[:, 2])  # grey repeated
    assert b.classes == tuple(str(d) for d in range(10))
    # disjoint: no test image equals a training image's index set (compare whole images)
    from sklearn.datasets import load_digits

    raw = torch.from_numpy(load_digits().images).float() / 16
    assert torch.equal(x[0, 0], raw[(raw == x[0, 0]).flatten(1).all(1)][0])
    assert digits_benchmark(10, 5, seed=1, channels=1).train.tensors[0].shape == (10, 1, 8, 8)


def test_digits_benchmark_bad_input():
    with pytest.raises(ValueError, match="n_train"):
        digits_benchmark(1797, 1)
    with pytest.raises(ValueError, match="channels"):
        digits_benchmark(10, 5, channels=2)
    with pytest.raises(TypeError, match="int"):
        digits_benchmark(10.0, 5)
