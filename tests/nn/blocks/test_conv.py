"""ConvBNAct and make_divisible."""
import pytest
import torch
from torch import nn

from cvbook.nn.blocks import ConvBNAct, make_divisible


@pytest.mark.parametrize("value, expected", [
    (32 * 0.75, 24),   # exact multiple stays
    (37, 40),          # 37 + 4 = 41 -> floor to 40
    (12, 16),          # 12 + 4 = 16
    (11, 16),          # 15 // 8 * 8 = 8 < 0.9 * 11, so add 8
    (3, 8),            # never below min_value = divisor
])
def test_make_divisible_hand_values(value, expected):
    assert make_divisible(value, 8) == expected


def test_make_divisible_matches_torchvision():
    from torchvision.models._utils import _make_divisible

    for v in [1.5, 7, 15.9, 23.2, 100, 1280 * 0.35, 960 * 1.4]:
        assert make_divisible(v, 8) == _make_divisible(v, 8)


def test_conv_bn_act_shapes_and_layers(dtype):
    m = ConvBNAct(4, 8, 3, stride=2).to(dtype)
    y = m(torch.randn(2, 4, 9, 9, dtype=dtype))
    assert y.shape == (2, 8, 5, 5)  # 'same' padding: ceil(9 / 2)
    assert (y >= 0).all()  # ReLU at the end
    assert m[0].bias is None and isinstance(m[1], nn.BatchNorm2d)
    lin = ConvBNAct(4, 8, 1, activation=None)
    assert len(lin) == 2


def test_conv_bn_act_dilation_keeps_size():
    m = ConvBNAct(4, 4, 3, dilation=2)
    assert m(torch.randn(1, 4, 10, 10)).shape == (1, 4, 10, 10)


def test_conv_bn_act_errors():
    with pytest.raises(ValueError, match="groups=3 must divide"):
        ConvBNAct(4, 8, groups=3)
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        ConvBNAct(4, 8, 0)
    with pytest.raises(ValueError, match="divisor must be a positive"):
        make_divisible(10, 0)
