import pytest
import torch

from cvbook.nn.norm import BatchNorm1d, deep_sigmoid_mlp, gradient_flow


def test_structure_and_outputs():
    m = deep_sigmoid_mlp(6, 3, depth=4, width=5, bn=True)
    assert sum(isinstance(l, BatchNorm1d) for l in m) == 4
    out = gradient_flow(m, torch.randn(8, 6), torch.randint(0, 3, (8,)))
    assert len(out["grad_norm"]) == 4 and len(out["saturated"]) == 4
    assert all(0.0 <= s <= 1.0 for s in out["saturated"])


def test_large_init_saturates_and_bn_fixes_it():
    # with weights N(0, 4^2) the pre-activations have std ~ 4 sqrt(width) >> 4.6: nearly all units saturate
    x, y = torch.randn(32, 16), torch.randint(0, 2, (32,))
    plain = gradient_flow(deep_sigmoid_mlp(16, 2, depth=3, width=16, init_std=4.0), x, y)
    normed = gradient_flow(deep_sigmoid_mlp(16, 2, depth=3, width=16, init_std=4.0, bn=True), x, y)
    assert min(plain["saturated"]) > 0.5
    # after BN the pre-activations are N(0, 1)-like, and P(|z| > 4.6) is tiny
    assert max(normed["saturated"]) < 0.05


def test_bad_inputs():
    with pytest.raises(ValueError, match="depth and width"):
        deep_sigmoid_mlp(4, 2, depth=0)
