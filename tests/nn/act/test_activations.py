import pytest
import torch
import torch.nn.functional as F

from cvbook.nn import ACTIVATIONS, derivative, elu, gelu, leaky_relu, prelu, relu, rrelu, sigmoid, silu, tanh


def test_activations_match_torch(dtype):
    x = torch.linspace(-6, 6, 101, dtype=dtype)
    pairs = [(sigmoid(x), torch.sigmoid(x)), (tanh(x), torch.tanh(x)), (relu(x), F.relu(x)),
             (leaky_relu(x, 0.2), F.leaky_relu(x, 0.2)), (elu(x, 0.7), F.elu(x, 0.7)),
             (gelu(x), F.gelu(x)), (gelu(x, "tanh"), F.gelu(x, approximate="tanh")), (silu(x), F.silu(x)),
             (rrelu(x), F.rrelu(x, training=False))]
    for ours, ref in pairs:
        assert torch.allclose(ours, ref, atol=1e-6)


def test_tanh_is_accurate_for_tiny_and_huge_inputs():
    # For |x| < 1e-8, tanh x = x to double precision; 2 sigmoid(2x) - 1 would return 0 below ~1e-17.
    x = torch.tensor([1e-30, -1e-20, 1e-10, 50.0, -800.0], dtype=torch.float64)
    assert torch.allclose(tanh(x), torch.tanh(x), rtol=1e-15, atol=0)


def test_prelu_per_channel_matches_torch(generator):
    x = torch.randn(2, 3, 4, 4, generator=generator)
    w = torch.tensor([0.1, 0.25, 0.5])
    assert torch.allclose(prelu(x, w), F.prelu(x, w))
    with pytest.raises(ValueError, match="PReLU with 3 slopes"):
        prelu(torch.zeros(2, 4), w)


def test_rrelu_training_slopes_within_bounds(generator):
    x = -torch.ones(10000)
    y = rrelu(x, 0.1, 0.3, training=True, generator=generator)
    slopes = -y
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean().item() - 0.2) < 0.005       # mean of U(0.1, 0.3), 10000 draws (std ~ 6e-4)


def test_derivatives_by_formula():
    x = torch.linspace(-4, 4, 17, dtype=torch.float64)
    s = torch.sigmoid(x)
    assert torch.allclose(derivative("sigmoid", x), s * (1 - s))
    assert torch.allclose(derivative("tanh", x), 1 - torch.tanh(x) ** 2)
    assert torch.equal(derivative("relu", x), (x > 0).double())
    assert derivative("sigmoid", x).max().item() == pytest.approx(0.25)
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "gelu", "silu"}
    with pytest.raises(ValueError, match="unknown activation"):
        derivative("swish2", x)
    with pytest.raises(ValueError, match="approximate must be"):
        gelu(x, "erf")


@pytest.mark.parametrize("fn", [sigmoid, tanh, elu, gelu, silu])
def test_smooth_activations_gradcheck(fn):
    x = torch.randn(30, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
    assert torch.autograd.gradcheck(fn, (x,))
