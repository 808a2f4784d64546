"""Inverted residual (MobileNetV2/V3 and EfficientNet's MBConv)."""
import pytest
import torch
from torch import nn

from cvbook.nn.blocks import InvertedResidual, SqueezeExcite


def test_residual_only_when_shapes_match(generator):
    same = InvertedResidual(8, 8, 1, 48)
    down = InvertedResidual(8, 16, 2, 48)
    assert same.use_residual and not down.use_residual
    x = torch.randn(2, 8, 8, 8, generator=generator)
    assert down(x).shape == (2, 16, 4, 4)
    # with the projection's BN zeroed, the block is exactly the identity: the shortcut is there
    nn.init.zeros_(same.block[-1][1].weight)
    nn.init.zeros_(same.block[-1][1].bias)
    assert torch.equal(same.eval()(x), x)


def test_projection_is_linear_and_expansion_is_optional():
    b = InvertedResidual(16, 24, 2, 96)
    assert len(b.block[-1]) == 2  # conv + BN, no activation: the linear bottleneck
    assert len(b.block) == 3  # expand, depthwise, project
    no_expand = InvertedResidual(16, 16, 1, 16)
    assert len(no_expand.block) == 2 and no_expand.block[0][0].groups == 16


def test_parameter_count_by_hand():
    # expand 1x1 16->96 (+BN 192), dw 3x3 96 (+BN 192), project 1x1 96->24 (+BN 48)
    b = InvertedResidual(16, 24, 2, 96)
    assert sum(p.numel() for p in b.parameters()) == 16 * 96 + 192 + 9 * 96 + 192 + 96 * 24 + 48


def test_se_variant():
    b = InvertedResidual(16, 16, 1, 64, 5, nn.Hardswish, se_channels=16, se_gate=nn.Hardsigmoid)
    assert isinstance(b.block[2], SqueezeExcite) and b.block[1][0].kernel_size == (5, 5)


def test_bad_stride():
    with pytest.raises(ValueError, match="stride must be 1 or 2"):
        InvertedResidual(8, 8, 3, 16)
