"""Adagrad, Adadelta, RMSprop against torch.optim, 100 steps, float64, over a grid of settings."""
import itertools

import pytest
import torch

from cvbook.optim import Adadelta, Adagrad, RMSprop

ADAGRAD = [dict(lr=lr, lr_decay=ld, weight_decay=wd, initial_accumulator_value=iv, eps=eps)
           for lr, ld, wd, iv, eps in itertools.product([0.01, 0.3], [0.0, 0.01], [0.0, 0.1], [0.0, 0.5],
                                                        [1e-10, 1e-3])]
ADADELTA = [dict(lr=lr, rho=rho, eps=eps, weight_decay=wd)
            for lr, rho, eps, wd in itertools.product([1.0, 0.5], [0.9, 0.5], [1e-6, 1e-3], [0.0, 0.1])]
RMSPROP = [dict(lr=lr, alpha=a, eps=1e-8, weight_decay=wd, momentum=m, centered=c)
           for lr, a, wd, m, c in itertools.product([0.001, 0.01], [0.99, 0.9], [0.0, 0.1], [0.0, 0.9],
                                                    [False, True])]


@pytest.mark.parametrize("kw", ADAGRAD, ids=str)
def test_adagrad_matches_torch(compare, kw):
    diffs, moved = compare(Adagrad, torch.optim.Adagrad, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


@pytest.mark.parametrize("kw", ADADELTA, ids=str)
def test_adadelta_matches_torch(compare, kw):
    diffs, moved = compare(Adadelta, torch.optim.Adadelta, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


@pytest.mark.parametrize("kw", RMSPROP, ids=str)
def test_rmsprop_matches_torch(compare, kw):
    diffs, moved = compare(RMSprop, torch.optim.RMSprop, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


@pytest.mark.parametrize("cls", ["Adagrad", "Adadelta", "RMSprop"])
def test_maximize_matches_torch(compare, cls):
    # Maximising the loss diverges, which amplifies rounding: compare 20 small steps only.
    ours = {"Adagrad": Adagrad, "Adadelta": Adadelta, "RMSprop": RMSprop}[cls]
    diffs, moved = compare(ours, getattr(torch.optim, cls), steps=20, lr=0.01, maximize=True)
    assert max(diffs) < 1e-6 and moved > 1e-5


def test_adagrad_first_step_by_hand():
    # First step: s = g^2, so x1 = x0 - lr * g / (|g| + eps) = x0 - lr * sign(g) (eps negligible).
    x = torch.tensor([2.0, -3.0], dtype=torch.float64, requires_grad=True)
    opt = Adagrad([x], lr=0.5, eps=0.0)
    (x**2).sum().backward()
    opt.step()
    assert torch.allclose(x.detach(), torch.tensor([1.5, -2.5], dtype=torch.float64))


def test_adaptive_bad_arguments():
    p = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(ValueError, match="rho must lie in"):
        Adadelta(p, rho=1.5)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        RMSprop(p, alpha=-0.1)
    with pytest.raises(ValueError, match="eps must be >= 0"):
        Adagrad(p, eps=-1.0)


def test_sparse_gradient_is_rejected():
    emb = torch.nn.Embedding(4, 2, sparse=True)
    emb(torch.tensor([1])).sum().backward()
    with pytest.raises(TypeError, match="sparse gradients"):
        Adagrad(emb.parameters()).step()
