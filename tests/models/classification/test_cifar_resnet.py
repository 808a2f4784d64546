"""CIFAR ResNets and plain nets: parameter counts against the paper, shortcuts A/B/C."""
import pytest
import torch

from cvbook.models import CifarResNet, ShortcutA, create
from cvbook.models.classification.preact_resnet import PreActResNet


def _count(m):
    return sum(p.numel() for p in m.parameters())


def _two_sig(x: float) -> float:
    """Round to two significant figures, the precision of the paper's Table 6 (0.27M ... 1.7M)."""
    from math import floor, log10

    return round(x, 1 - int(floor(log10(abs(x)))))


# He et al. 2016, Table 6: "# params" of the CIFAR-10 ResNets (option A)
PAPER = {20: 0.27, 32: 0.46, 44: 0.66, 56: 0.85, 110: 1.7}


@pytest.mark.parametrize("depth", sorted(PAPER))
def test_cifar_resnet_counts_match_paper_to_two_significant_figures(depth):
    m = create(f"cifar_resnet{depth}")
    assert _two_sig(_count(m) / 1e6) == PAPER[depth]


@pytest.mark.parametrize("depth", [20, 56])
def test_plain_net_has_the_same_parameters_as_option_a_resnet(depth):
    # option A shortcuts are parameter-free, so the plain and residual nets differ only in wiring
    assert _count(create(f"cifar_plain{depth}")) == _count(create(f"cifar_resnet{depth}"))


def test_hand_count_resnet20():
    # stem 3*16*9 + BN 32; stage k has 3 blocks of two 3x3 convs + 2 BNs at width w_k, the first
    # conv of stages 2-3 has w/2 inputs; FC 64*10 + 10.
    n, total = 3, 3 * 16 * 9 + 32
    for w, first_in in ((16, 16), (32, 16), (64, 32)):
        total += (first_in * w * 9 + w * w * 9 + 4 * w) + (n - 1) * (2 * w * w * 9 + 4 * w)
    total += 64 * 10 + 10
    assert _count(create("cifar_resnet20")) == total


def test_shortcut_options_b_and_c_add_projections():
    a = _count(CifarResNet(20, shortcut="A"))
    b = _count(CifarResNet(20, shortcut="B"))
    c = _count(CifarResNet(20, shortcut="C"))
    # B: 1x1 conv + BN at the two stage transitions (16->32, 32->64)
    assert b - a == (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64)
    # C: a projection on all 9 blocks (3 per stage; the first of stage 2 and 3 change width)
    proj = 3 * (16 * 16 + 32) + (16 * 32 + 64) + 2 * (32 * 32 + 64) + (32 * 64 + 128) + 2 * (64 * 64 + 128)
    assert c - a == proj


def test_shortcut_a_subsamples_and_zero_pads():
    x = torch.arange(2 * 4 * 4 * 4, dtype=torch.float32).view(2, 4, 4, 4)
    y = ShortcutA(4, 8, 2)(x)
    assert y.shape == (2, 8, 2, 2)
    assert torch.equal(y[:, 2:6], x[:, :, ::2, ::2])
    assert y[:, :2].abs().sum() == 0 and y[:, 6:].abs().sum() == 0


def test_forward_shapes_and_gradients_reach_every_parameter(generator):
    for name in ("cifar_resnet20", "cifar_plain20", "preact_cifar_resnet20", "se_cifar_resnet20"):
        m = create(name, seed=0, num_classes=7)
        out = m(torch.randn(2, 3, 32, 32, generator=generator))
        assert out.shape == (2, 7)
        out.square().sum().backward()
        grads = {k: p.grad for k, p in m.named_parameters()}
        assert all(g is not None for g in grads.values()), name  # every parameter is on the graph
        # and almost all receive a non-zero signal (a few ReLU units of an SE gate may be dead)
        nonzero = sum(bool(g.abs().sum() > 0) for g in grads.values())
        assert nonzero >= 0.95 * len(grads), (name, nonzero, len(grads))


def test_preact_cifar_moves_bns_but_keeps_the_count():
    # v2 moves each BN in front of its conv. Gains: a final BN (64 ch, +128). Losses: the stem BN
    # (16 ch, -32), and the first BN of the two width-changing blocks now sees the narrower input
    # (16 instead of 32: -32; 32 instead of 64: -64). Net change 128 - 32 - 32 - 64 = 0.
    assert _count(create("preact_cifar_resnet20")) == _count(create("cifar_resnet20"))


def test_bad_arguments():
    with pytest.raises(ValueError, match="6n\\+2"):
        CifarResNet(21)
    with pytest.raises(ValueError, match="shortcut must be one of"):
        CifarResNet(20, shortcut="D")
    with pytest.raises(ValueError, match="only add channels"):
        ShortcutA(8, 4, 2)
    with pytest.raises(ValueError, match="stem must be"):
        PreActResNet(None, [1], [16], stem="other")
