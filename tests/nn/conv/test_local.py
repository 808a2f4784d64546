import pytest
import torch
from torch import nn

from cvbook.analysis import count_params
from cvbook.nn import LocallyConnected2d


def test_equals_conv_when_weights_are_shared(dtype):
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1).to(dtype)
    local = LocallyConnected2d.from_conv(conv, (9, 9)).to(dtype)
    x = torch.randn(2, 3, 9, 9, dtype=dtype)
    tol = dict(atol=1e-6) if dtype == torch.float32 else {}
    assert torch.allclose(local(x), conv(x), **tol)


def test_parameter_count_and_gradcheck():
    layer = LocallyConnected2d(2, 3, (6, 6), 3, generator=torch.Generator().manual_seed(0))
    # 4x4 positions, each with 3 x 2 x 3 x 3 weights, plus a bias per output unit (3 x 4 x 4)
    assert count_params(layer) == 16 * 3 * 2 * 9 + 3 * 16
    layer = layer.double()
    x = torch.randn(1, 2, 6, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(layer, (x,))


def test_not_translation_equivariant_unlike_conv():
    g = torch.Generator().manual_seed(1)
    layer = LocallyConnected2d(1, 1, (8, 8), 3, bias=False, generator=g)
    x = torch.zeros(1, 1, 8, 8)
    x[0, 0, 3, 3] = 1
    shifted = torch.roll(x, 1, dims=-1)
    assert not torch.allclose(torch.roll(layer(x), 1, dims=-1)[..., 1:-1], layer(shifted)[..., 1:-1])


def test_errors():
    with pytest.raises(ValueError, match="channel counts"):
        LocallyConnected2d(0, 1, (4, 4), 3)
    layer = LocallyConnected2d(1, 1, (4, 4), 3)
    with pytest.raises(ValueError, match=r"expected input \(B, 1, 4, 4\)"):
        layer(torch.zeros(1, 1, 5, 5))
    with pytest.raises(ValueError, match="square, undilated"):
        LocallyConnected2d.from_conv(nn.Conv2d(1, 1, 3, dilation=2), (8, 8))
