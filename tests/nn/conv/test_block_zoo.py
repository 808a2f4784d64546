"""The attention / multi-scale blocks: SKNet, SCNet, strip pooling, Octave conv, Res2Net; and the
small units of the efficient families (Fire, ShuffleNet units, Inception, compound scaling)."""
import pytest
import torch
from torch import nn

from cvbook.models import Fire, Inception, Res2NetBottleneck, ShuffleV1Unit, ShuffleV2Unit, compound_scaling
from cvbook.nn import OctaveConv, SCConv, SKConv, StripPooling


def _count(m):
    return sum(p.numel() for p in m.parameters())


def test_skconv_attention_is_a_softmax_over_branches(generator):
    m = SKConv(64, branches=3, groups=8).eval()
    x = torch.randn(2, 64, 8, 8, generator=generator)
    assert m(x).shape == (2, 64, 8, 8)
    a = m.last_attention
    assert a.shape == (2, 3, 64)
    torch.testing.assert_close(a.sum(1), torch.ones(2, 64))
    assert m.convs[1][0].dilation == (2, 2)  # the dilated 3x3 that stands in for a 5x5
    assert SKConv(64, groups=8, stride=2)(x).shape == (2, 64, 4, 4)


def test_skconv_with_one_branch_is_the_conv(generator):
    # one branch: the softmax over a single branch is 1, so V = U
    m = SKConv(32, branches=1, groups=4).eval()
    x = torch.randn(1, 32, 6, 6, generator=generator)
    torch.testing.assert_close(m(x), m.convs[0](x))


def test_scconv_shapes_and_parameters(generator):
    m = SCConv(32)
    x = torch.randn(2, 32, 16, 16, generator=generator)
    assert m(x).shape == (2, 32, 16, 16)
    assert SCConv(32, stride=2)(x).shape == (2, 32, 8, 8)
    # four 3x3 convs on C/2 channels + their BNs: as many weights as ONE 3x3 conv C -> C
    assert _count(m) == 4 * (16 * 16 * 9 + 32)
    with pytest.raises(ValueError, match="channels must be even"):
        SCConv(31)


def test_strip_pooling_sees_whole_rows_and_columns(generator):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)  # fixed weights: the gate's ReLU must be active somewhere at (5, 5)
        m = StripPooling(8).eval()
    x = torch.randn(1, 8, 12, 12, generator=generator, requires_grad=True)
    m(x)[0, :, 5, 5].sum().backward()
    g = x.grad[0].abs().sum(0)
    assert g[5, 0] > 0 and g[5, 11] > 0  # far ends of the same row
    assert g[0, 5] > 0 and g[11, 5] > 0  # far ends of the same column
    assert g[0, 0] == 0 and g[10, 10] == 0  # off the row/column band: unseen
    assert m(x).shape == x.shape


def test_octave_conv_has_the_parameters_of_one_conv(generator):
    for a_in, a_out in [(0.5, 0.5), (0.0, 0.25), (0.25, 0.0)]:
        m = OctaveConv(32, 64, 3, a_in, a_out)
        assert _count(m) == 32 * 64 * 9
    m = OctaveConv(32, 64, 3, 0.5, 0.5)
    yh, yl = m(torch.randn(2, 16, 8, 8, generator=generator), torch.randn(2, 16, 4, 4, generator=generator))
    assert yh.shape == (2, 32, 8, 8) and yl.shape == (2, 32, 4, 4)


def test_octave_conv_with_alpha_zero_is_a_plain_conv(generator):
    m = OctaveConv(8, 8, 3, 0.0, 0.0)
    x = torch.randn(1, 8, 6, 6, generator=generator)
    yh, yl = m(x)
    assert yl is None
    torch.testing.assert_close(yh, nn.functional.conv2d(x, m.hh.weight, padding=1))
    with pytest.raises(ValueError, match="alpha_in and alpha_out"):
        OctaveConv(8, 8, 3, 1.0, 0.5)
    with pytest.raises(ValueError, match="high- and .* low-frequency"):
        OctaveConv(8, 8, 3, 0.5, 0.5)(x)


def test_res2net_block(generator):
    b = Res2NetBottleneck(256, 64, base_width=26, scale=4).eval()
    x = torch.randn(1, 256, 8, 8, generator=generator)
    assert b(x).shape == (1, 256, 8, 8)
    assert (b.w, len(b.convs)) == (26, 3)
    # hierarchy: the last group's output depends on group 2's input, the first group's doesn't
    assert not b.stage
    with pytest.raises(ValueError, match="scale must be >= 2"):
        Res2NetBottleneck(256, 64, scale=1)


def test_res2net_receptive_field_grows_across_groups():
    b = Res2NetBottleneck(64, 16, base_width=64, scale=3).eval()  # w = 16
    nn.init.zeros_(b.conv3.weight)
    with torch.no_grad():  # pass only the last group's output (channels 32..47) to the output
        b.conv3.weight[:, 32:48] = torch.randn(64, 16, 1, 1)
    b.relu = nn.Identity()  # make the block linear, so the gradient's support is the receptive field
    x = torch.randn(1, 64, 15, 15, requires_grad=True)
    (b(x) - x)[0, :, 7, 7].sum().backward()  # one output pixel, shortcut removed
    support = (x.grad[0].abs().sum(0) > 0).nonzero()
    # last group = K3(x3 + K2(x2)): two stacked 3x3 convs, a 5x5 window
    assert support[:, 0].max() - support[:, 0].min() == 4
    assert support[:, 1].max() - support[:, 1].min() == 4


def test_fire_module_params_and_shape(generator):
    f = Fire(96, 16, 64, 64)
    # squeeze 96*16+16, expand 16*64+64 and 16*64*9+64
    assert _count(f) == 96 * 16 + 16 + 16 * 64 + 64 + 16 * 64 * 9 + 64
    assert f(torch.randn(1, 96, 7, 7, generator=generator)).shape == (1, 128, 7, 7)


def test_shufflenet_units(generator):
    x = torch.randn(2, 24, 8, 8, generator=generator)
    assert ShuffleV1Unit(24, 240, 2, 3, first_group=False)(x).shape == (2, 240, 4, 4)
    y = torch.randn(2, 116, 8, 8, generator=generator)
    unit = ShuffleV2Unit(116, 116, 1).eval()
    out = unit(y)
    assert out.shape == y.shape
    # channel split: the first half passes through untouched, landing on even channels after shuffle
    torch.testing.assert_close(out[:, 0::2], y[:, :58])
    with pytest.raises(ValueError, match="stride 1"):
        ShuffleV2Unit(24, 116, 1)


def test_inception_block_concatenates_branches(generator):
    m = Inception(192, 64, 96, 128, 16, 32, 32, kernel_5x5=5)
    assert m(torch.randn(1, 192, 7, 7, generator=generator)).shape == (1, 256, 7, 7)
    assert m.branch3[1][0].kernel_size == (5, 5)


def test_compound_scaling():
    d, w, r = compound_scaling(1.0)
    assert (d, w, r) == (1.2, 1.1, 1.15)
    assert d * w**2 * r**2 == pytest.approx(1.92, abs=0.01)  # the paper's constraint: about 2
    assert compound_scaling(0) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="phi must be >= 0"):
        compound_scaling(-1)
