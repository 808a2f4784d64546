import pytest
import torch
from torch import nn

from cvbook.nn.norm import InstanceNorm2d, instance_norm
from cvbook.testing import assert_module_matches


@pytest.mark.parametrize("affine", [False, True])
def test_matches_torch(dtype, affine):
    ours, ref = InstanceNorm2d(3, affine=affine, dtype=dtype), nn.InstanceNorm2d(3, affine=affine, dtype=dtype)
    if affine:
        with torch.no_grad():
            for m in (ours, ref):
                m.weight.copy_(torch.tensor([0.5, 1.0, 2.0], dtype=dtype))
                m.bias.copy_(torch.tensor([0.1, -0.2, 0.3], dtype=dtype))
    x = torch.randn(2, 3, 4, 5, dtype=dtype, generator=torch.Generator().manual_seed(0))
    # float32 sums of ~100 terms differ from torch's fused kernels in the last bits: the table's tolerance x 10
    assert_module_matches(ours, ref, x, scale=10.0)


def test_bad_inputs():
    with pytest.raises(ValueError, match="4D input"):
        instance_norm(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match="more than 1 spatial"):
        instance_norm(torch.randn(2, 3, 1, 1))
    with pytest.raises(ValueError, match="expects 3 channels"):
        InstanceNorm2d(3)(torch.randn(2, 4, 2, 2))
