import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cvbook.analysis import conv_flops, conv_output_size, conv_params, conv_transpose_output_size


@pytest.mark.parametrize("size,kernel,stride,padding,dilation", [
    (224, 7, 2, 3, 1), (28, 3, 1, 1, 1), (7, 3, 1, 0, 1), (32, 3, 2, 0, 1), (17, 3, 1, 2, 2), (10, 4, 3, 1, 1), (5, 5, 1, 0, 1),
])
def test_conv_output_size_matches_torch(size, kernel, stride, padding, dilation):
    conv = nn.Conv2d(1, 1, kernel, stride, padding, dilation)
    out = conv(torch.zeros(1, 1, size, size))
    assert conv_output_size(size, kernel, stride, padding, dilation) == out.shape[-1]


def test_conv_output_size_hand_values():
    assert conv_output_size(224, 7, stride=2, padding=3) == 112  # (224 + 6 - 7) // 2 + 1 = 111 + 1
    assert conv_output_size(7, 3) == 5                              # valid 3x3 conv: 7 - 3 + 1
    assert conv_output_size(7, 3, dilation=3) == 1                  # k_eff = 3 * 2 + 1 = 7


@pytest.mark.parametrize("kwargs,match", [
    (dict(size=0, kernel=3), "size must be >= 1"),
    (dict(size=5, kernel=3, stride=0), "stride must be >= 1"),
    (dict(size=5, kernel=3, padding=-1), "padding must be >= 0"),
    (dict(size=5, kernel=0), "kernel must be >= 1"),
    (dict(size=3, kernel=5), "larger than the padded input"),
    (dict(size=5, kernel=3, dilation=3), "larger than the padded input"),
])
def test_conv_output_size_rejects_impossible_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        conv_output_size(**kwargs)


def test_conv_output_size_rejects_non_ints():
    with pytest.raises(TypeError, match="size must be an int"):
        conv_output_size(5.0, 3)
    with pytest.raises(TypeError, match="stride must be an int"):
        conv_output_size(5, 3, stride=True)


@pytest.mark.parametrize("size,k,s,p,op", [(4, 3, 2, 1, 1), (5, 4, 2, 1, 0), (3, 3, 1, 0, 0), (7, 2, 3, 0, 2)])
def test_conv_transpose_output_size_matches_torch(size, k, s, p, op):
    layer = nn.ConvTranspose2d(1, 1, k, s, p, output_padding=op)
    assert conv_transpose_output_size(size, k, s, p, op) == layer(torch.zeros(1, 1, size, size)).shape[-1]
    with pytest.raises(ValueError, match="output_padding"):
        conv_transpose_output_size(size, k, 1, 0, output_padding=1)


@pytest.mark.parametrize("cin,cout,k,g,bias", [(3, 64, 7, 1, False), (256, 256, 3, 8, True), (32, 32, 3, 32, False), (16, 8, (1, 5), 2, True)])
def test_conv_params_equals_torch(cin, cout, k, g, bias):
    layer = nn.Conv2d(cin, cout, k, groups=g, bias=bias)
    assert conv_params(cin, cout, k, groups=g, bias=bias) == sum(p.numel() for p in layer.parameters())


def test_conv_params_hand_value_and_errors():
    # the notes' group-conv example: 256 -> 256, 3x3, no groups: 256*3*3*256; 8 groups: one eighth
    assert conv_params(256, 256, 3, bias=False) == 256 * 3 * 3 * 256
    assert conv_params(256, 256, 3, groups=8, bias=False) == 256 * 3 * 3 * 256 // 8
    with pytest.raises(ValueError, match="must divide"):
        conv_params(10, 8, 3, groups=4)
    with pytest.raises(TypeError, match="kernel must be an int or a pair"):
        conv_params(3, 3, (1, 2, 3))


@pytest.mark.parametrize("cin,cout,k,stride,g,size,batch", [(3, 16, 3, 1, 1, 12, 2), (8, 8, 3, 2, 8, 9, 1), (4, 6, (3, 1), 1, 2, 7, 3)])
def test_conv_flops_equals_flop_counter(cin, cout, k, stride, g, size, batch):
    layer = nn.Conv2d(cin, cout, k, stride=stride, groups=g)
    x = torch.zeros(batch, cin, size, size)
    counter = FlopCounterMode(display=False)
    with counter:
        out = layer(x)
    assert conv_flops(cin, cout, k, tuple(out.shape[-2:]), groups=g, batch=batch) == counter.get_total_flops()
