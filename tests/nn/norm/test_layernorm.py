import pytest
import torch
from torch import nn


def _tol(dtype):
    # float32 sums of ~100 terms differ from torch's fused kernels in the last bits
    return dict(atol=1e-4, rtol=1e-4) if dtype == torch.float32 else {}

from cvbook.nn.norm import LayerNorm, layer_norm


@pytest.mark.parametrize("shape", [(5,), (3, 4, 5)])
def test_matches_torch(dtype, shape):
    ours, ref = LayerNorm(shape, dtype=dtype), nn.LayerNorm(shape, dtype=dtype)
    with torch.no_grad():
        for m in (ours, ref):
            m.weight.copy_(torch.linspace(0.5, 1.5, m.weight.numel(), dtype=dtype).reshape(shape))
            m.bias.fill_(0.3)
    x = torch.randn(2, 3, 4, 5, dtype=dtype)
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    ya, yb = ours(xa), ref(xb)
    torch.testing.assert_close(ya, yb, **_tol(dtype))
    ya.pow(3).sum().backward()
    yb.pow(3).sum().backward()
    torch.testing.assert_close(xa.grad, xb.grad, **_tol(dtype))
    torch.testing.assert_close(ours.weight.grad, ref.weight.grad, **_tol(dtype))
    assert list(ours.state_dict()) == list(ref.state_dict())


def test_hand_value():
    # [1, 2, 3]: mean 2, biased variance 2/3, so the output is (-1, 0, 1) / sqrt(2/3)
    y = layer_norm(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64), 3, eps=0.0)
    torch.testing.assert_close(y, torch.tensor([[-1.0, 0.0, 1.0]], dtype=torch.float64) / (2 / 3) ** 0.5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="last dims"):
        layer_norm(torch.randn(2, 3), 4)
    with pytest.raises(ValueError, match="normalized_shape"):
        LayerNorm(())
