"""Depthwise separable convolution: shapes, parameters and the 1/N + 1/Dk^2 cost ratio."""
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cvbook.nn import separable_cost_ratio
from cvbook.nn.blocks import DepthwiseSeparableConv


def _flops(m, x):
    with FlopCounterMode(display=False) as fc:
        m(x)
    return fc.get_total_flops()


@pytest.mark.parametrize("m_in, n_out, k", [(16, 32, 3), (32, 64, 3), (64, 128, 5)])
def test_cost_ratio_equals_counted_flops(m_in, n_out, k):
    x = torch.zeros(1, m_in, 14, 14)
    std = nn.Conv2d(m_in, n_out, k, padding=k // 2, bias=False)
    dw = nn.Conv2d(m_in, m_in, k, padding=k // 2, groups=m_in, bias=False)
    pw = nn.Conv2d(m_in, n_out, 1, bias=False)
    ratio = (_flops(dw, x) + _flops(pw, x)) / _flops(std, x)
    assert ratio == pytest.approx(separable_cost_ratio(n_out, k), rel=1e-12)


def test_notes_example_656_parameters():
    # notes 003: 16 input channels, 32 outputs: 3*3*16 + 1*1*16*32 = 656 weights (no BN)
    m = DepthwiseSeparableConv(16, 32)
    conv_weights = sum(c.weight.numel() for c in m.modules() if isinstance(c, nn.Conv2d))
    assert conv_weights == 656


def test_shape_and_errors():
    m = DepthwiseSeparableConv(8, 16, stride=2)
    assert m(torch.randn(2, 8, 10, 10)).shape == (2, 16, 5, 5)
    with pytest.raises(ValueError, match="positive"):
        separable_cost_ratio(0, 3)
