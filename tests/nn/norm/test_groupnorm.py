import pytest
import torch
from torch import nn

from cvbook.nn.norm import GroupNorm, InstanceNorm2d, LayerNorm, group_norm
from cvbook.testing import assert_module_matches


@pytest.mark.parametrize("groups", [1, 2, 6])
def test_matches_torch(dtype, groups):
    ours, ref = GroupNorm(groups, 6, dtype=dtype), nn.GroupNorm(groups, 6, dtype=dtype)
    with torch.no_grad():
        for m in (ours, ref):
            m.weight.copy_(torch.arange(1, 7, dtype=dtype) / 3)
            m.bias.copy_(torch.arange(6, dtype=dtype) / 5)
    x = torch.randn(3, 6, 4, 5, dtype=dtype, generator=torch.Generator().manual_seed(0))
    # float32 sums of ~100 terms differ from torch's fused kernels in the last bits: the table's tolerance x 10
    assert_module_matches(ours, ref, x, scale=10.0)


def test_gn_one_group_is_layer_norm_and_c_groups_is_instance_norm():
    x = torch.randn(2, 4, 3, 3, dtype=torch.float64)
    torch.testing.assert_close(group_norm(x, 1), LayerNorm((4, 3, 3), elementwise_affine=False)(x))
    torch.testing.assert_close(group_norm(x, 4), InstanceNorm2d(4)(x))


def test_independent_of_batch():
    x = torch.randn(5, 4, 3, 3)
    torch.testing.assert_close(group_norm(x, 2)[:1], group_norm(x[:1], 2))


def test_gradcheck():
    x = torch.randn(2, 4, 2, 3, dtype=torch.float64, requires_grad=True)
    w = torch.rand(4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w: group_norm(x, 2, w), (x, w))


def test_bad_inputs():
    with pytest.raises(ValueError, match="dividing"):
        GroupNorm(3, 4)
    with pytest.raises(ValueError, match="dividing"):
        group_norm(torch.randn(2, 4, 2, 2), 3)
    with pytest.raises(ValueError, match=r"\(N, 4, \*\)"):
        GroupNorm(2, 4)(torch.randn(2, 6, 2, 2))
