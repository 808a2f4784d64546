import pytest
import torch
from torch import nn

from cvbook.analysis import count_params, receptive_field
from cvbook.nn.blocks import conv_stack
from cvbook.testing import assert_close


def test_layout_and_same_padding():
    m = conv_stack(3, kernel_size=5, channels=4, in_channels=2)
    kinds = [type(l).__name__ for l in m]
    assert kinds == ["Conv2d", "ReLU", "Conv2d", "ReLU", "Conv2d"]  # ReLU between, none after the last
    assert m[0].in_channels == 2 and all(c.out_channels == 4 for c in m if isinstance(c, nn.Conv2d))
    assert m(torch.zeros(1, 2, 11, 11)).shape == (1, 4, 11, 11)
    # no bias: 5*5*(2*4 + 4*4 + 4*4) weights
    assert count_params(m) == 25 * (8 + 16 + 16)


def test_linear_stack_has_no_relu():
    assert all(isinstance(l, nn.Conv2d) for l in conv_stack(4, relu=False))


@pytest.mark.parametrize("depth", [1, 2, 5])
def test_receptive_field_by_hand(depth):
    # stride 1: RF = 1 + sum_l d_l (k - 1); plain 3x3 -> 2L + 1, doubling rates -> 2^(L+1) - 1
    assert receptive_field(conv_stack(depth), 64)[-1].rf == 2 * depth + 1
    rates = [2**l for l in range(depth)]
    assert receptive_field(conv_stack(depth, dilation=rates), 128)[-1].rf == 2 ** (depth + 1) - 1


def test_matches_hand_built_module(dtype):
    # the same layers built by hand with the same seed give the same function
    m = conv_stack(2, kernel_size=3, dilation=[1, 2], channels=3, in_channels=1, seed=7).to(dtype)
    torch.manual_seed(7)
    ref = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1, bias=False), nn.ReLU(),
                        nn.Conv2d(3, 3, 3, padding=2, dilation=2, bias=False)).to(dtype)
    x = torch.randn(2, 1, 9, 9, dtype=dtype, generator=torch.Generator().manual_seed(0))
    assert_close(m(x), ref(x))


def test_seed_is_reproducible_and_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b = conv_stack(3, channels=2, seed=1), conv_stack(3, channels=2, seed=1)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    c = conv_stack(3, channels=2, seed=2)
    assert not torch.equal(a[0].weight, c[0].weight)


def test_stride_shrinks_the_map():
    assert conv_stack(2, stride=2)(torch.zeros(1, 1, 16, 16)).shape == (1, 1, 4, 4)


def test_bad_input():
    with pytest.raises(ValueError, match="depth"):
        conv_stack(0)
    with pytest.raises(ValueError, match="one rate per layer"):
        conv_stack(3, dilation=[1, 2])
    with pytest.raises(TypeError, match="dilation"):
        conv_stack(2, dilation="12")
    with pytest.raises(TypeError, match="channels"):
        conv_stack(2, channels=2.0)
    with pytest.raises(ValueError, match="dilation"):
        conv_stack(2, dilation=0)
