import pytest
import torch
from torch import nn


def _tol(dtype):
    # float32 sums of ~100 terms differ from torch's fused kernels in the last bits
    return dict(atol=1e-4, rtol=1e-4) if dtype == torch.float32 else {}

from cvbook.nn.norm import InstanceNorm2d, instance_norm


@pytest.mark.parametrize("affine", [False, True])
def test_matches_torch(dtype, affine):
    ours, ref = InstanceNorm2d(3, affine=affine, dtype=dtype), nn.InstanceNorm2d(3, affine=affine, dtype=dtype)
    if affine:
        with torch.no_grad():
            for m in (ours, ref):
                m.weight.copy_(torch.tensor([0.5, 1.0, 2.0], dtype=dtype))
                m.bias.copy_(torch.tensor([0.1, -0.2, 0.3], dtype=dtype))
    x = torch.randn(2, 3, 4, 5, dtype=dtype)
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    ya, yb = ours(xa), ref(xb)
    torch.testing.assert_close(ya, yb, **_tol(dtype))
    ya.pow(3).sum().backward()
    yb.pow(3).sum().backward()
    torch.testing.assert_close(xa.grad, xb.grad, **_tol(dtype))
    assert list(ours.state_dict()) == list(ref.state_dict())


def test_bad_inputs():
    with pytest.raises(ValueError, match="4D input"):
        instance_norm(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match="more than 1 spatial"):
        instance_norm(torch.randn(2, 3, 1, 1))
    with pytest.raises(ValueError, match="expects 3 channels"):
        InstanceNorm2d(3)(torch.randn(2, 4, 2, 2))
