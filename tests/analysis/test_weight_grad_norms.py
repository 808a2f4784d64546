"""weight_grad_norms against autograd on a small model; selection and bad input."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cvbook.analysis.weight_grad_norms import weight_grad_norms
from cvbook.testing import assert_close


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
