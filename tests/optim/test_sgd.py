import itertools

import pytest
import torch

from cvbook.optim import SGD, ClassicalMomentumSGD

GRID = [dict(lr=lr, momentum=m, dampening=d, nesterov=n, weight_decay=wd)
        for lr, m, d, n, wd in itertools.product([0.01, 0.1], [0.0, 0.9], [0.0, 0.3], [False, True],
                                                 [0.0, 0.05])
        if not (n and (m == 0 or d != 0))]


@pytest.mark.parametrize("kw", GRID, ids=str)
def test_sgd_matches_torch_step_for_step(compare, kw):
    diffs, moved = compare(SGD, torch.optim.SGD, **kw)
    assert max(diffs) < 1e-6
    assert moved > 1e-3          # the parameters really moved, so equality is not trivial


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_maximize_matches_torch(compare, nesterov):
    # Maximising the loss diverges, which amplifies rounding: compare 20 small steps only.
    diffs, moved = compare(SGD, torch.optim.SGD, steps=20, lr=0.01, momentum=0.9, nesterov=nesterov,
                           maximize=True)
    assert max(diffs) < 1e-6 and moved > 1e-4


def test_sgd_matches_torch_when_lr_changes(compare):
    diffs, _ = compare(SGD, torch.optim.SGD, lr=0.1, momentum=0.9, lr_changes={30: 0.01, 60: 0.05})
    assert max(diffs) < 1e-6


def test_classical_momentum_equals_torch_for_constant_lr(compare):
    diffs, _ = compare(ClassicalMomentumSGD, torch.optim.SGD, lr=0.05, momentum=0.9)
    assert max(diffs) < 1e-6


def test_classical_momentum_differs_after_lr_change(compare):
    diffs, _ = compare(ClassicalMomentumSGD, torch.optim.SGD, lr=0.05, momentum=0.9, lr_changes={20: 0.005})
    assert max(diffs[:20]) < 1e-9
    assert diffs[20] > 1e-4      # the old velocity is rescaled by PyTorch, not by the classical form


def test_classical_momentum_by_hand():
    # f(x) = x^2 / 2 so g = x. x0 = 1, lr = 0.1, mu = 0.5:
    # v1 = -0.1 * 1 = -0.1, x1 = 0.9; v2 = 0.5 * -0.1 - 0.1 * 0.9 = -0.14, x2 = 0.76.
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = ClassicalMomentumSGD([x], lr=0.1, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        (0.5 * x**2).sum().backward()
        opt.step()
    assert x.item() == pytest.approx(0.76, abs=1e-12)


def test_sgd_bad_arguments():
    p = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(ValueError, match="lr must be >= 0"):
        SGD(p, lr=-1.0)
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="momentum must be a float"):
        ClassicalMomentumSGD(p, lr=0.1, momentum="0.9")
