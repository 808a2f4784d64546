"""group_conv_by_split equals F.conv2d with groups; bad groups."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.nn import group_conv_by_split


@pytest.mark.parametrize("groups", [1, 2, 4, 8])
def test_group_conv_is_split_convolve_concat(groups, dtype):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 8, 9, 9, dtype=dtype, generator=g)
    w = torch.randn(16, 8 // groups, 3, 3, dtype=dtype, generator=g)
    b = torch.randn(16, dtype=dtype, generator=g)
    tol = dict(atol=1e-5) if dtype == torch.float32 else {}
    assert torch.allclose(group_conv_by_split(x, w, groups, b, 2, 1), F.conv2d(x, w, b, 2, 1, groups=groups), **tol)


def test_group_conv_errors():
    with pytest.raises(ValueError, match="must divide"):
        group_conv_by_split(torch.zeros(1, 6, 4, 4), torch.zeros(4, 2, 1, 1), groups=4)
    with pytest.raises(ValueError, match="weight depth"):
        group_conv_by_split(torch.zeros(1, 8, 4, 4), torch.zeros(4, 3, 1, 1), groups=2)
