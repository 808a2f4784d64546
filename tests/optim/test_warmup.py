import pytest
import torch

from cvbook.optim import warmup_factor, warmup_lambda


def test_hand_values():
    # gradual: from 1/4 to 1 over 4 steps: 0.25, 0.4375, 0.625, 0.8125, then 1
    assert [warmup_factor(s, 4, "gradual", 0.25) for s in range(5)] == [0.25, 0.4375, 0.625, 0.8125, 1.0]
    assert [warmup_factor(s, 2, "constant", 0.25) for s in range(3)] == [0.25, 0.25, 1.0]
    assert warmup_factor(0, 5, "none") == 1.0


def test_cosine_decay_after_warmup():
    # warmup 2 steps, then cos decay over the remaining 4: factors 1, cos^2 halves 0.5(1+cos(pi k/4))
    f = [warmup_factor(s, 2, "gradual", 0.5, total_steps=6) for s in range(7)]
    assert f[:3] == [0.5, 0.75, 1.0]
    assert f[4] == pytest.approx(0.5)  # halfway through the decay
    assert f[6] == pytest.approx(0.0)
    # without warmup the decay spans all steps
    assert warmup_factor(2, 0, "none", total_steps=4) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="total_steps"):
        warmup_factor(0, 5, "gradual", total_steps=5)


def test_with_lambda_lr():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.8)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_lambda(2, "gradual", 0.5))
    lrs = []
    for _ in range(3):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs == pytest.approx([0.4, 0.6, 0.8])


def test_bad_inputs():
    with pytest.raises(ValueError, match="warmup kind"):
        warmup_factor(0, 2, "linear")
    with pytest.raises(ValueError, match="start_factor"):
        warmup_lambda(2, "gradual", 1.5)
    with pytest.raises(ValueError, match="non-negative"):
        warmup_factor(-1, 2)


@pytest.mark.parametrize("kind", ["none", "constant", "gradual"])
def test_warmup_cosine_scheduler_is_the_one_warmup_factor(kind):
    # the scheduler's rates are base_lr * warmup_factor at every step, for each kind of warm-up
    from cvbook.optim import WarmupCosineLR, lr_trace

    lrs = lr_trace(lambda o: WarmupCosineLR(o, 3, 12, warmup_start_factor=0.25, warmup=kind), 14, lr=2.0)
    expected = [2.0 * warmup_factor(t, 3, kind, 0.25, total_steps=12) for t in range(14)]
    assert lrs == pytest.approx(expected, abs=1e-12)


def test_no_warmup_is_torch_cosine_annealing():
    from cvbook.optim import WarmupCosineLR, lr_trace

    ours = lr_trace(lambda o: WarmupCosineLR(o, 0, 10), 10, lr=1.0)
    ref = lr_trace(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10), 10, lr=1.0)
    assert ours == pytest.approx(ref, abs=1e-12)
