"""The groupable penalty: weights by hand, the prox against a brute-force minimiser, dense -> group conv."""
import pytest
import torch
from torch import nn

from cvbook.optim.groupable import (groupable_penalty, groupable_prox_, groupable_weights, off_block_fraction,
                                    to_group_conv)
from cvbook.testing import assert_close


def test_weights_by_hand_for_four_groups():
    # blocks 0..3 in a binary hierarchy {0,1} {2,3}: same block 0, same pair 0.5, across the split 1
    p = groupable_weights(4, 4, 4)
    expected = torch.tensor([[0, .5, 1, 1], [.5, 0, 1, 1], [1, 1, 0, .5], [1, 1, .5, 0]])
    assert torch.equal(p, expected)
    assert torch.equal(groupable_weights(4, 2, 2), torch.tensor([[0., 1], [0, 1], [1, 0], [1, 0]]))
    assert torch.equal(groupable_weights(3, 5, 1), torch.zeros(3, 5))        # one group: nothing penalised


def test_penalty_by_hand():
    # 2 groups, 2x2 kernels of ones: the two off-block kernels have norm 2 and weight 1 -> R = 4
    w = torch.ones(2, 2, 2, 2)
    assert_close(groupable_penalty(w, 2), torch.tensor(4.0))
    assert off_block_fraction(w, 2) == pytest.approx(0.5)


def test_prox_minimises_the_proximal_objective():
    # prox_{tau R}(v) = argmin_u 0.5 ||u - v||^2 + tau * P ||u||: compare kernel by kernel with a line search along v
    g = torch.Generator().manual_seed(0)
    v = torch.randn(4, 4, 3, 3, generator=g, dtype=torch.float64)
    tau = 1.2
    u = groupable_prox_(v.clone(), 4, tau)
    p = groupable_weights(4, 4, 4).double()
    ts = torch.linspace(0, 1, 20001, dtype=torch.float64)    # the minimiser is a shrink of v: u = t v, t in [0, 1]
    for o in range(4):
        for i in range(4):
            n = v[o, i].norm()
            obj = 0.5 * (1 - ts) ** 2 * n ** 2 + tau * p[o, i] * ts * n
            assert_close(u[o, i], ts[obj.argmin()] * v[o, i], scale=1e7)    # grid step 5e-5 of t
    assert torch.equal(u[0, 0], v[0, 0])                                       # P = 0: untouched
    assert off_block_fraction(groupable_prox_(v.clone(), 4, 100.0), 4) == 0.0  # a large tau zeroes all off-block


def test_group_conv_equals_block_diagonal_dense_conv():
    torch.manual_seed(0)
    dense = nn.Conv2d(8, 12, 3, padding=1)
    with torch.no_grad():
        dense.weight.mul_((groupable_weights(12, 8, 4) == 0)[:, :, None, None])
    grouped = to_group_conv(dense, 4)
    assert grouped.groups == 4 and grouped.weight.shape == (12, 2, 3, 3)
    x = torch.randn(2, 8, 5, 5, generator=torch.Generator().manual_seed(1))
    assert_close(grouped(x), dense(x))


def test_bad_input():
    with pytest.raises(ValueError, match="power of 2"):
        groupable_weights(6, 6, 3)
    with pytest.raises(ValueError, match="must divide"):
        groupable_weights(6, 4, 4)
    with pytest.raises(ValueError, match="positive int"):
        groupable_weights(0, 4, 1)
    with pytest.raises(ValueError, match="non-empty"):
        groupable_penalty(torch.zeros(0, 4, 3, 3), 2)
    with pytest.raises(ValueError, match="tau must be >= 0"):
        groupable_prox_(torch.ones(2, 2, 1, 1), 2, -1.0)
    with pytest.raises(ValueError, match="all zero"):
        off_block_fraction(torch.zeros(2, 2, 1, 1), 2)
    with pytest.raises(TypeError, match="nn.Conv2d"):
        to_group_conv(nn.Linear(4, 4), 2)
    with pytest.raises(ValueError, match="dense"):
        to_group_conv(nn.Conv2d(4, 4, 1, groups=2), 2)
