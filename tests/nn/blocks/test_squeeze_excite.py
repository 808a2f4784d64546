"""Squeeze-and-excitation against a hand-written computation."""
import pytest
import torch

from cvbook.nn.blocks import SqueezeExcite


def test_matches_manual_formula(dtype, generator):
    se = SqueezeExcite(6, 2).to(dtype)
    x = torch.randn(3, 6, 5, 4, generator=generator, dtype=dtype)
    s = x.mean((2, 3))  # (B, C)
    w1, b1 = se.fc1.weight.view(2, 6), se.fc1.bias
    w2, b2 = se.fc2.weight.view(6, 2), se.fc2.bias
    gate = torch.sigmoid(torch.relu(s @ w1.T + b1) @ w2.T + b2)
    torch.testing.assert_close(se(x), x * gate[:, :, None, None])
    assert se.last_weights.shape == (3, 6)
    assert ((se.last_weights > 0) & (se.last_weights < 1)).all()


def test_parameter_count():
    # two "fully connected" 1x1 convs with bias: C*C/r + C/r + C/r*C + C
    assert sum(p.numel() for p in SqueezeExcite(64, 4).parameters()) == 64 * 4 + 4 + 4 * 64 + 64


def test_gradcheck(generator):
    se = SqueezeExcite(4, 2).double()
    x = torch.randn(2, 4, 3, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(se, (x,))


def test_errors():
    with pytest.raises(ValueError, match="must be positive"):
        SqueezeExcite(4, 0)
    with pytest.raises(ValueError, match="expected \\(B, C, H, W\\)"):
        SqueezeExcite(4, 2)(torch.randn(4, 3))
