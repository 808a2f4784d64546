import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cvbook.nn import DepthwiseSeparableConv2d, group_conv_by_split, separable_cost_ratio, tied_concat_conv


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
    with pytest.raises(ValueError, match="must be positive"):
        DepthwiseSeparableConv2d(0, 4)


def test_add_then_conv_equals_concat_then_tied_conv():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(2, 4, 6, 6, generator=g, dtype=torch.float64), torch.randn(2, 4, 6, 6, generator=g, dtype=torch.float64)
    conv = nn.Conv2d(4, 5, 3, padding=1).double()
    twin = tied_concat_conv(conv)
    assert twin.weight.shape == (5, 8, 3, 3)
    assert torch.allclose(conv(a + b), twin(torch.cat([a, b], 1)))
    # an untied concat conv (independent halves) is strictly more general: it need not equal the add
    free = nn.Conv2d(8, 5, 3, padding=1).double()
    assert not torch.allclose(conv(a + b), free(torch.cat([a, b], 1)))
    with pytest.raises(TypeError, match="nn.Conv2d"):
        tied_concat_conv(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="groups=1"):
        tied_concat_conv(nn.Conv2d(4, 4, 3, groups=2))


def test_depthwise_separable_keeps_size_for_odd_kernels_by_default():
    for k in (1, 3, 5, 7):
        assert DepthwiseSeparableConv2d(4, 6, k)(torch.zeros(1, 4, 9, 9)).shape == (1, 6, 9, 9)
