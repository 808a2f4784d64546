"""DepthwiseSeparableConv2d (bare): shapes, parameters, the 1/N + 1/k^2 cost ratio against counted FLOPs."""
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cvbook.nn import DepthwiseSeparableConv2d, separable_cost_ratio


@pytest.mark.parametrize("cin,cout,k", [(32, 64, 3), (16, 128, 5), (64, 64, 3)])
def test_separable_cost_ratio_matches_counted_flops(cin, cout, k):
    x = torch.zeros(1, cin, 14, 14)
    flops = []
    for layer in (nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), DepthwiseSeparableConv2d(cin, cout, k, padding=k // 2)):
        counter = FlopCounterMode(display=False)
        with counter:
            layer(x)
        flops.append(counter.get_total_flops())
    # MobileNet eq. 5: (Dk^2 M DF^2 + M N DF^2) / (Dk^2 M N DF^2) = 1/N + 1/Dk^2, exactly
    assert flops[1] / flops[0] == pytest.approx(separable_cost_ratio(cout, k), rel=1e-12)
    assert separable_cost_ratio(64, 3) == pytest.approx(1 / 64 + 1 / 9)
    with pytest.raises(ValueError, match="must be positive"):
        separable_cost_ratio(0, 3)


def test_depthwise_separable_shapes_and_params():
    layer = DepthwiseSeparableConv2d(8, 16, 3, stride=2)
    assert layer(torch.zeros(2, 8, 10, 10)).shape == (2, 16, 5, 5)
    assert sum(p.numel() for p in layer.parameters()) == 8 * 9 + 8 * 16  # depthwise 3x3 + pointwise 1x1
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        DepthwiseSeparableConv2d(0, 4)
    with pytest.raises(TypeError, match="must be an int"):
        DepthwiseSeparableConv2d(8, 4.0)


def test_depthwise_separable_keeps_size_for_odd_kernels_by_default():
    for k in (1, 3, 5, 7):
        assert DepthwiseSeparableConv2d(4, 6, k)(torch.zeros(1, 4, 9, 9)).shape == (1, 6, 9, 9)
