"""The G1-G4 micro-benchmark stacks keep FLOPs (nearly) fixed while the design varies."""
import pytest
import torch

from cvbook.analysis import count_flops
from cvbook.experiments.ch04_architectures.guidelines import (G1_RATIOS, conv1x1_mac, g1_stack, g2_stack, g2_width, g3_stack,
                                      g4_stack)


def test_mac_hand_value_and_minimum_at_equal_widths():
    # 1x1 conv 2 -> 3 on 4x5: read 20*2, write 20*3, weights 6 -> 106
    assert conv1x1_mac(4, 5, 2, 3) == 40 + 60 + 6
    h = w = 28
    macs = {r: conv1x1_mac(h, w, c1, c2) for r, (c1, c2) in G1_RATIOS.items()}
    assert min(macs, key=macs.get) == "1:1"
    with pytest.raises(ValueError, match="positive"):
        conv1x1_mac(0, 1, 1, 1)


def test_g1_flops_nearly_equal():
    x = torch.zeros(1, 128, 14, 14)
    flops = [count_flops(g1_stack(c1, c2), torch.zeros(1, c1, 14, 14)) for c1, c2 in G1_RATIOS.values()]
    assert max(flops) / min(flops) < 1.06  # c1*c2 = 16384, 16200, 16224, 15552 (paper: same pairs)
    assert g1_stack(128, 128)(x).shape == x.shape


def test_g2_widths_match_the_paper_and_flops_nearly_equal():
    assert [g2_width(128, g) for g in (1, 2, 4, 8)] == [128, 180, 256, 360]
    flops = [count_flops(g2_stack(g2_width(128, g), g), torch.zeros(1, g2_width(128, g), 8, 8))
             for g in (1, 2, 4, 8)]
    assert max(flops) / min(flops) < 1.02
    with pytest.raises(ValueError, match="must divide"):
        g2_stack(130, 4)


@pytest.mark.parametrize("fragments", [1, 2, 4])
@pytest.mark.parametrize("parallel", [False, True])
def test_g3_flops_nearly_equal(fragments, parallel):
    x = torch.zeros(1, 128, 8, 8)
    ref = count_flops(g3_stack(128, 1, False), x)
    # within 6 %: series widths are rounded, and the first block starts from 128 channels
    assert abs(count_flops(g3_stack(128, fragments, parallel), x) / ref - 1) < 0.06


def test_g4_identical_flops_and_shapes():
    x = torch.randn(1, 32, 8, 8)
    flops = {(r, s): count_flops(g4_stack(32, r, s, n=2), x) for r in (True, False) for s in (True, False)}
    assert len(set(flops.values())) == 1
    assert g4_stack(32, True, True, n=2)(x).shape == x.shape
    with pytest.raises(ValueError, match="divisible by 4"):
        g4_stack(30, True, True)
