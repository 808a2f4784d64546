import math

import pytest
import torch

from cvbook.optim import SGD, ClassicalMomentumSGD, ill_conditioned_quadratic, rosenbrock, scheduled_trajectory, trajectory
from cvbook.testing import assert_close


def test_constant_rate_equals_trajectory():
    a = scheduled_trajectory(SGD, rosenbrock, (-1.0, 1.0), 30, lambda t: 1e-3, momentum=0.9)
    b = trajectory(SGD, rosenbrock, (-1.0, 1.0), 30, lr=1e-3, momentum=0.9)
    assert a.shape == (31, 2) and a.dtype == torch.float64
    assert_close(a, b)


def test_matches_torch_lambda_lr():
    # oracle: torch.optim.SGD driven by torch's own LambdaLR with the same schedule
    lr_at = lambda t: 0.02 if t < 10 else 0.002
    ours = scheduled_trajectory(torch.optim.SGD, ill_conditioned_quadratic, (-4.0, 1.0), 25, lr_at, momentum=0.9)
    p = torch.tensor([-4.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.02, momentum=0.9)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: lr_at(t) / 0.02)
    path = [p.detach().clone()]
    for _ in range(25):
        opt.zero_grad()
        ill_conditioned_quadratic(p).backward()
        opt.step()
        sched.step()
        path.append(p.detach().clone())
    assert_close(ours, torch.stack(path))


def test_conventions_part_after_a_drop():
    # equal before the rate drops at step 5, different right after it
    lr_at = lambda t: 0.02 if t < 5 else 0.002
    pt = scheduled_trajectory(SGD, ill_conditioned_quadratic, (-4.0, 1.0), 8, lr_at, momentum=0.9)
    cl = scheduled_trajectory(ClassicalMomentumSGD, ill_conditioned_quadratic, (-4.0, 1.0), 8, lr_at, momentum=0.9)
    assert_close(pt[:6], cl[:6])
    assert (pt[7] - cl[7]).abs().max() > 1e-3


def test_zero_steps_and_divergence_padding():
    assert scheduled_trajectory(SGD, rosenbrock, (0.5, 0.5), 0, lambda t: 0.1).shape == (1, 2)
    path = scheduled_trajectory(SGD, rosenbrock, (-2.0, 2.0), 20, lambda t: 1.0)  # diverges
    assert torch.isfinite(path).all() and path.shape == (21, 2)


def test_bad_input():
    with pytest.raises(TypeError, match="lr_at"):
        scheduled_trajectory(SGD, rosenbrock, (0.0, 0.0), 3, 0.1)
    with pytest.raises(ValueError, match="lr_at"):
        scheduled_trajectory(SGD, rosenbrock, (0.0, 0.0), 3, lambda t: -1.0)
    with pytest.raises(ValueError, match="lr_at"):
        scheduled_trajectory(SGD, rosenbrock, (0.0, 0.0), 3, lambda t: math.nan)
    with pytest.raises(ValueError, match="lr"):
        scheduled_trajectory(SGD, rosenbrock, (0.0, 0.0), 3, lambda t: 0.1, lr=0.1)
    with pytest.raises(ValueError, match="steps"):
        scheduled_trajectory(SGD, rosenbrock, (0.0, 0.0), -1, lambda t: 0.1)
