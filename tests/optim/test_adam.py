"""Adam, AdamW, Adamax, NAdam against torch.optim, 100 steps, float64, over a grid of settings."""
import itertools

import pytest
import torch

from cvbook.optim import Adam, Adamax, AdamW, NAdam

ADAM = [dict(lr=lr, betas=b, eps=eps, weight_decay=wd, amsgrad=ams, maximize=mx)
        for lr, b, eps, wd, ams, mx in itertools.product([1e-3, 0.05], [(0.9, 0.999), (0.5, 0.9)], [1e-8, 1e-3],
                                                         [0.0, 0.1], [False, True], [False, True])]
ADAMW = [dict(lr=lr, betas=b, weight_decay=wd, amsgrad=ams)
         for lr, b, wd, ams in itertools.product([1e-3, 0.05], [(0.9, 0.999), (0.5, 0.9)], [0.0, 0.01, 0.5],
                                                 [False, True])]
ADAMAX = [dict(lr=lr, betas=b, eps=eps, weight_decay=wd)
          for lr, b, eps, wd in itertools.product([2e-3, 0.05], [(0.9, 0.999), (0.5, 0.9)], [1e-8, 1e-2],
                                                  [0.0, 0.1])]
NADAM = [dict(lr=lr, betas=b, weight_decay=wd, momentum_decay=md, decoupled_weight_decay=dec)
         for lr, b, wd, md, dec in itertools.product([2e-3, 0.05], [(0.9, 0.999), (0.5, 0.9)], [0.0, 0.1],
                                                     [4e-3, 0.1], [False, True])]


@pytest.mark.parametrize("kw", ADAM, ids=str)
def test_adam_matches_torch(compare, kw):
    diffs, moved = compare(Adam, torch.optim.Adam, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


@pytest.mark.parametrize("kw", ADAMW, ids=str)
def test_adamw_matches_torch(compare, kw):
    diffs, moved = compare(AdamW, torch.optim.AdamW, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


def test_adam_decoupled_equals_adamw(compare):
    diffs, _ = compare(lambda p, **kw: Adam(p, decoupled_weight_decay=True, **kw), torch.optim.AdamW,
                       lr=0.01, weight_decay=0.3)
    assert max(diffs) < 1e-6


@pytest.mark.parametrize("kw", ADAMAX, ids=str)
def test_adamax_matches_torch(compare, kw):
    diffs, moved = compare(Adamax, torch.optim.Adamax, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


@pytest.mark.parametrize("kw", NADAM, ids=str)
def test_nadam_matches_torch(compare, kw):
    diffs, moved = compare(NAdam, torch.optim.NAdam, **kw)
    assert max(diffs) < 1e-6 and moved > 1e-4


def test_adam_first_step_is_lr_times_sign():
    # Bias correction makes m_hat = g and v_hat = g^2 at t = 1, so the first step is lr * sign(g)
    # whatever the betas (eps = 0). Without the correction it would be lr * (1-b1)/sqrt(1-b2) * sign(g).
    x = torch.tensor([3.0, -0.001], dtype=torch.float64, requires_grad=True)
    opt = Adam([x], lr=0.1, betas=(0.8, 0.99), eps=0.0)
    (x**2).sum().backward()
    opt.step()
    assert torch.allclose(x.detach(), torch.tensor([2.9, 0.099], dtype=torch.float64))


def test_adamw_decay_does_not_depend_on_gradient_scale():
    # With a zero gradient Adam's step is 0/(0+eps) = 0, so AdamW only shrinks: x1 = (1 - lr*wd) x0.
    x = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    opt = AdamW([x], lr=0.1, weight_decay=0.5)
    x.grad = torch.zeros_like(x)
    opt.step()
    assert x.item() == pytest.approx(2.0 * (1 - 0.05), abs=1e-12)


def test_adam_bad_betas():
    p = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(ValueError, match="beta1"):
        Adam(p, betas=(1.0, 0.999))
    with pytest.raises(ValueError, match="betas must be a pair"):
        NAdam(p, betas=(0.9,))
    with pytest.raises(ValueError, match="beta2"):
        Adamax(p, betas=(0.9, -0.1))
