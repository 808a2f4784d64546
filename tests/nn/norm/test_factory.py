"""get_norm: each kind builds the right layer for (N, C, H, W); unknown kinds raise."""
import pytest
import torch
from torch import nn

from cvbook.nn.norm import NORM_KINDS, BatchNorm2d, GroupNorm, MovingAverageBatchNorm2d, NoisyBatchNorm2d, get_norm


def test_kinds():
    assert isinstance(get_norm("bn", 8), BatchNorm2d)
    assert isinstance(get_norm("gn", 8, groups=4), GroupNorm) and get_norm("gn", 8, groups=4).num_groups == 4
    assert get_norm("gn", 2, groups=4).num_groups == 2  # never more groups than channels
    assert isinstance(get_norm("mabn", 8), MovingAverageBatchNorm2d)
    assert isinstance(get_norm("noisy_bn", 8), NoisyBatchNorm2d)
    assert isinstance(get_norm("none", 8), nn.Identity)


@pytest.mark.parametrize("kind", NORM_KINDS)
def test_every_kind_keeps_the_shape(kind):
    x = torch.randn(4, 6, 5, 5, generator=torch.Generator().manual_seed(0))
    assert get_norm(kind, 6, groups=3)(x).shape == x.shape


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown norm kind 'xx'"):
        get_norm("xx", 4)
