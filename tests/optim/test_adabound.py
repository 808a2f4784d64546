"""AdaBound has no torch counterpart: check it against steps worked out by hand."""
import math

import pytest
import torch

from cvbook.optim import AdaBound, adabound_bounds


def _steps(x0: float, steps: int, **kw) -> list[float]:
    """Minimise f(x) = x^2 (gradient 2x) from x0 and return the iterates."""
    x = torch.tensor([x0], dtype=torch.float64, requires_grad=True)
    opt = AdaBound([x], **kw)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (x**2).sum().backward()
        opt.step()
        out.append(x.item())
    return out


def test_bounds_by_hand():
    # gamma = 1, final_lr = 0.1: t = 1 -> [0.1 (1 - 1/2), 0.1 (1 + 1)] = [0.05, 0.2];
    # t = 2 -> [0.1 (1 - 1/3), 0.1 (1 + 1/2)] = [0.0667, 0.15].
    assert adabound_bounds(0.1, 1.0, 1) == pytest.approx((0.05, 0.2))
    assert adabound_bounds(0.1, 1.0, 2) == pytest.approx((0.1 * 2 / 3, 0.15))


def test_two_steps_by_hand_lower_bound_active():
    # x0 = 1, lr = 1e-3, betas (0.9, 0.999), gamma = 1, eps = 0.
    # t=1: g = 2, m = 0.2, v = 0.004; Adam's rate lr sqrt(1-.999)/(1-.9)/sqrt(v) = 0.005 < 0.05, so the
    #      lower bound 0.05 applies: x1 = 1 - 0.05 * 0.2 = 0.99.
    # t=2: g = 1.98, m = 0.18 + 0.198 = 0.378, v = 0.003996 + 0.0039204 = 0.0079164;
    #      rate = 1e-3 sqrt(1-.999^2)/(1-.9^2)/sqrt(v) = 0.00264 < 0.0667: x2 = 0.99 - 0.0667 * 0.378.
    xs = _steps(1.0, 2, lr=1e-3, gamma=1.0, final_lr=0.1, eps=0.0)
    assert xs[0] == pytest.approx(0.99, abs=1e-12)
    assert xs[1] == pytest.approx(0.99 - 0.1 * 2 / 3 * 0.378, abs=1e-12)


def test_first_step_upper_bound_active():
    # lr = 10: Adam's rate 10 * 0.0316 / 0.1 / 0.0632 = 50 > 0.2, clipped to 0.2: x1 = 1 - 0.2 * 0.2.
    assert _steps(1.0, 1, lr=10.0, gamma=1.0, final_lr=0.1, eps=0.0)[0] == pytest.approx(0.96, abs=1e-12)


def test_first_step_unclipped_is_adam():
    # Default gamma 1e-3: at t=1 the bounds are [1e-4, 100.1] and Adam's rate 0.005 lies inside,
    # so the first step is Adam's lr * sign(g): x1 = 1 - 1e-3.
    assert _steps(1.0, 1, lr=1e-3, eps=0.0)[0] == pytest.approx(0.999, abs=1e-12)


@pytest.mark.parametrize("amsbound", [False, True])
def test_hundred_steps_match_a_scalar_loop(amsbound):
    # The same recursion written with Python floats, straight from the paper's Algorithm 2/3.
    lr, b1, b2, final_lr, gamma, eps, wd = 0.01, 0.9, 0.999, 0.05, 0.01, 1e-8, 0.01
    x, m, v, vmax, ref = 1.5, 0.0, 0.0, 0.0, []
    for t in range(1, 101):
        g = 2 * x + wd * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = max(vmax, v)
        rate = lr * math.sqrt(1 - b2**t) / (1 - b1**t) / (math.sqrt(vmax if amsbound else v) + eps)
        lo, hi = final_lr * (1 - 1 / (gamma * t + 1)), final_lr * (1 + 1 / (gamma * t))
        x -= min(max(rate, lo), hi) * m
        ref.append(x)
    ours = _steps(1.5, 100, lr=lr, betas=(b1, b2), final_lr=final_lr, gamma=gamma, eps=eps,
                  weight_decay=wd, amsbound=amsbound)
    assert max(abs(a - b) for a, b in zip(ours, ref)) < 1e-12


def test_final_lr_follows_a_scheduler():
    # Halving lr halves final_lr too (reference code: final_lr * lr / base_lr): with gamma = 1 and lr
    # tiny, the step uses the lower bound, 0.05 * 0.5 at t = 1: x1 = 1 - 0.025 * 0.2.
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = AdaBound([x], lr=1e-6, gamma=1.0, final_lr=0.1, eps=0.0)
    opt.param_groups[0]["lr"] = 5e-7
    (x**2).sum().backward()
    opt.step()
    assert x.item() == pytest.approx(1 - 0.025 * 0.2, abs=1e-12)


def test_adabound_bad_arguments():
    p = [torch.zeros(1, requires_grad=True)]
    with pytest.raises(ValueError, match="gamma must be > 0"):
        AdaBound(p, gamma=0.0)
    with pytest.raises(ValueError, match="final_lr must be >= 0"):
        AdaBound(p, final_lr=-0.1)
    with pytest.raises(ValueError, match="step t must be >= 1"):
        adabound_bounds(0.1, 1e-3, 0)
