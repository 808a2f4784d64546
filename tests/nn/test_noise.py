"""cvbook.nn.noise: Gaussian noise injection, identity in evaluation."""
import pytest
import torch

from cvbook.nn import GaussianNoise, gaussian_noise
from cvbook.testing import assert_close


def test_noise_statistics(dtype):
    # 200k zeros + N(0, 0.3^2): sample mean within 5 standard errors (5 * 0.3 / sqrt(2e5) = 3.4e-3) of 0,
    # sample std within 1 % of 0.3 (the std of a sample std is 0.3 / sqrt(2 * 2e5) = 4.7e-4, 1 % = 6 of those)
    x = torch.zeros(200_000, dtype=dtype)
    y = gaussian_noise(x, 0.3, generator=torch.Generator().manual_seed(0))
    assert y.dtype == dtype and y.shape == x.shape
    assert abs(y.mean().item()) < 5 * 0.3 / 200_000 ** 0.5
    assert abs(y.std().item() / 0.3 - 1) < 0.01


def test_noise_is_added_to_the_input_and_reproducible(dtype):
    x = torch.randn(4, 3, 5, 5, generator=torch.Generator().manual_seed(1), dtype=dtype)
    y1 = gaussian_noise(x, 0.5, generator=torch.Generator().manual_seed(2))
    y2 = gaussian_noise(x, 0.5, generator=torch.Generator().manual_seed(2))
    eps = torch.randn(x.shape, generator=torch.Generator().manual_seed(2), dtype=dtype)
    assert torch.equal(y1, y2)                       # same generator state, same noise
    assert_close(y1, x + 0.5 * eps)                  # exactly x + std * N(0, 1) from that stream


def test_eval_mode_and_zero_std_are_the_identity():
    x = torch.randn(10, 7)
    layer = GaussianNoise(0.2, generator=torch.Generator().manual_seed(0))
    assert not torch.equal(layer(x), x)              # training: noise
    layer.eval()
    assert layer(x) is x                             # evaluation: the input itself, as nn.Dropout
    assert gaussian_noise(x, 0.0) is x
    assert gaussian_noise(x, 1.0, training=False) is x
    assert "std=0.2" in repr(layer)


def test_gradient_is_the_identity():
    x = torch.randn(50, dtype=torch.float64, requires_grad=True)
    w = torch.randn(50, dtype=torch.float64)
    (gaussian_noise(x, 0.7, generator=torch.Generator().manual_seed(3)) * w).sum().backward()
    assert torch.equal(x.grad, w)                    # d(x + c)/dx = 1 for the constant noise c


def test_two_layers_draw_different_noise():
    x = torch.zeros(100)
    a, b = GaussianNoise(1.0), GaussianNoise(1.0)    # own streams from OS entropy
    assert not torch.equal(a(x), b(x))


def test_empty_input():
    x = torch.zeros(0, 3)
    assert gaussian_noise(x, 0.5, generator=torch.Generator().manual_seed(0)).shape == (0, 3)


def test_bad_input():
    with pytest.raises(ValueError, match="std must be >= 0"):
        gaussian_noise(torch.zeros(3), -0.1)
    with pytest.raises(ValueError, match="std must be >= 0"):
        GaussianNoise(-1.0)
    with pytest.raises(TypeError, match="std must be a number"):
        GaussianNoise("0.1")
    with pytest.raises(TypeError, match="floating-point tensor"):
        gaussian_noise(torch.zeros(3, dtype=torch.int64), 0.1)
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        gaussian_noise([0.0, 1.0], 0.1)
