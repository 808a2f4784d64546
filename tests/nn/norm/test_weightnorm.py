import pytest
import torch
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from cvbook.nn.norm import WeightNormConv2d, WeightNormLinear, weight_norm_weight


def test_conv_matches_torch_parametrization(dtype):
    torch.manual_seed(0)
    ours = WeightNormConv2d(3, 4, 3, padding=1, dtype=dtype)
    ref = weight_norm(nn.Conv2d(3, 4, 3, padding=1, dtype=dtype))
    with torch.no_grad():
        ref.parametrizations.weight.original0.copy_(ours.weight_g * 1.7)
        ours.weight_g.mul_(1.7)
        ref.parametrizations.weight.original1.copy_(ours.weight_v)
        ref.bias.copy_(ours.bias)
    x = torch.randn(2, 3, 5, 5, dtype=dtype)
    ya, yb = ours(x), ref(x)
    torch.testing.assert_close(ya, yb)
    ya.square().sum().backward()
    yb.square().sum().backward()
    tol = dict(atol=1e-4, rtol=1e-4) if dtype == torch.float32 else {}  # float32 summation order differs
    torch.testing.assert_close(ours.weight_g.grad, ref.parametrizations.weight.original0.grad, **tol)
    torch.testing.assert_close(ours.weight_v.grad, ref.parametrizations.weight.original1.grad, **tol)


def test_linear_init_equals_plain_weight_and_norm_is_g():
    torch.manual_seed(0)
    plain = nn.Linear(5, 3)
    torch.manual_seed(0)
    wn = WeightNormLinear(5, 3)
    torch.testing.assert_close(wn.effective_weight, plain.weight)
    with torch.no_grad():
        wn.weight_g.fill_(2.0)
    # every output row of w = g v / ||v|| has length g = 2
    torch.testing.assert_close(wn.effective_weight.norm(dim=1), torch.full((3,), 2.0))
    assert wn(torch.randn(4, 5)).shape == (4, 3)


def test_hand_value_and_errors():
    v = torch.tensor([[3.0, 4.0]])  # norm 5
    torch.testing.assert_close(weight_norm_weight(v, torch.tensor([[10.0]])), torch.tensor([[6.0, 8.0]]))
    with pytest.raises(ValueError, match="dim must index"):
        weight_norm_weight(v, torch.ones(1, 1), dim=2)
    with pytest.raises(ValueError, match="at least one dimension"):
        weight_norm_weight(torch.tensor(1.0), torch.tensor(1.0))
