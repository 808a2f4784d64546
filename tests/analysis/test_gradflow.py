"""Gradient flow: the deep sigmoid MLP's saturation and gradients; weight_grad_norms against autograd."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cvbook.analysis import gradient_flow
from cvbook.analysis.gradflow import weight_grad_norms
from cvbook.models import deep_sigmoid_mlp
from cvbook.nn.norm import BatchNorm1d
from cvbook.testing import assert_close


def test_structure_and_outputs():
    m = deep_sigmoid_mlp(6, 3, depth=4, width=5, bn=True)
    assert sum(isinstance(l, BatchNorm1d) for l in m) == 4
    out = gradient_flow(m, torch.randn(8, 6), torch.randint(0, 3, (8,)))
    assert len(out.grad_norm) == 4 and len(out.saturated) == 4
    assert all(0.0 <= s <= 1.0 for s in out.saturated)


def test_large_init_saturates_and_bn_fixes_it():
    # with weights N(0, 4^2) the pre-activations have std ~ 4 sqrt(width) >> 4.6: nearly all units saturate
    x, y = torch.randn(32, 16), torch.randint(0, 2, (32,))
    plain = gradient_flow(deep_sigmoid_mlp(16, 2, depth=3, width=16, init_std=4.0), x, y)
    normed = gradient_flow(deep_sigmoid_mlp(16, 2, depth=3, width=16, init_std=4.0, bn=True), x, y)
    assert min(plain.saturated) > 0.5
    # after BN the pre-activations are N(0, 1)-like, and P(|z| > 4.6) is tiny
    assert max(normed.saturated) < 0.05


def test_bad_inputs():
    with pytest.raises(ValueError, match="depth and width"):
        deep_sigmoid_mlp(4, 2, depth=0)


def _model(g: torch.Generator) -> nn.Sequential:
    with torch.random.fork_rng(devices=[]):  # nn's default init, without touching the global state
        torch.manual_seed(0)
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 1), nn.Flatten(),
                             nn.Linear(4 * 5 * 5, 3)).double()


def test_equals_autograd(generator):
    m = _model(generator)
    x = torch.randn(6, 1, 5, 5, generator=generator, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    got = weight_grad_norms(m, x, y)
    params = [m[0].weight, m[2].weight, m[4].weight]
    grads = torch.autograd.grad(F.cross_entropy(m(x), y), params)
    assert_close(torch.tensor(got, dtype=torch.float64), torch.stack([g.norm() for g in grads]))


def test_select_picks_layers_in_order(generator):
    m = _model(generator)
    x = torch.randn(2, 1, 5, 5, generator=generator, dtype=torch.float64)
    only_conv = weight_grad_norms(m, x, torch.tensor([0, 1]), select=lambda l: isinstance(l, nn.Conv2d))
    both = weight_grad_norms(m, x, torch.tensor([0, 1]))
    assert len(only_conv) == 2 and only_conv == both[:2]


def test_bad_input(generator):
    m = _model(generator)
    x = torch.zeros(2, 1, 5, 5, dtype=torch.float64)
    with pytest.raises(ValueError, match="no module"):
        weight_grad_norms(m, x, torch.tensor([0, 1]), select=lambda l: False)
    with pytest.raises(ValueError, match="batch size"):
        weight_grad_norms(m, x, torch.tensor([0]))
    with pytest.raises(TypeError, match="nn.Module"):
        weight_grad_norms("m", x, torch.tensor([0, 1]))
