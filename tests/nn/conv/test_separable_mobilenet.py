"""The depthwise separable convolution as MobileNet v1's unit (BN and ReLU after each conv): shapes,
parameters, equality with the ConvBNAct pair, and the 1/N + 1/Dk^2 cost ratio."""
import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cvbook.nn import ConvBNAct, DepthwiseSeparableConv2d, separable_cost_ratio


def DepthwiseSeparableConv(cin, cout, stride=1):  # MobileNet v1's unit
    return DepthwiseSeparableConv2d(cin, cout, 3, stride, norm_layer=nn.BatchNorm2d, activation=nn.ReLU)


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


def test_mobilenet_unit_equals_the_conv_bn_act_pair():
    g = torch.Generator().manual_seed(0)
    m = DepthwiseSeparableConv(8, 16, stride=2).eval()
    ref = nn.Sequential(ConvBNAct(8, 8, 3, 2, groups=8), ConvBNAct(8, 16, 1)).eval()
    ref.load_state_dict(m.state_dict())  # same structure, same parameter names
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=g))
        ref.load_state_dict(m.state_dict())
    x = torch.randn(2, 8, 10, 10, generator=g)
    torch.testing.assert_close(m(x), ref(x))
    bare = DepthwiseSeparableConv2d(8, 16, 3, 2)
    bn_params = 2 * (8 + 16)  # weight and bias of the two BatchNorm2d
    assert sum(p.numel() for p in m.parameters()) == sum(p.numel() for p in bare.parameters()) + bn_params
