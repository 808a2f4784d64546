"""Each schedule gives the learning rates of its torch.optim.lr_scheduler counterpart."""
import pytest
import torch
import torch.optim.lr_scheduler as L

from cvbook.optim import (CosineAnnealingLR, ExponentialLR, MultiStepLR, OneCycleLR, StepLR, WarmupCosineLR,
                          lr_trace)

CASES = {
    "step": (lambda o: StepLR(o, 7, 0.5), lambda o: L.StepLR(o, 7, 0.5)),
    "multistep": (lambda o: MultiStepLR(o, [10, 25, 60], 0.3), lambda o: L.MultiStepLR(o, [10, 25, 60], 0.3)),
    "exponential": (lambda o: ExponentialLR(o, 0.97), lambda o: L.ExponentialLR(o, 0.97)),
    "cosine": (lambda o: CosineAnnealingLR(o, 80, 1e-3), lambda o: L.CosineAnnealingLR(o, 80, 1e-3)),
    "cosine_past_T": (lambda o: CosineAnnealingLR(o, 30), lambda o: L.CosineAnnealingLR(o, 30)),
    "warmup_cosine": (lambda o: WarmupCosineLR(o, 10, 100, 0.1, 1e-4),
                      lambda o: L.SequentialLR(o, [L.LinearLR(o, 0.1, 1.0, 10),
                                                   L.CosineAnnealingLR(o, 90, 1e-4)], [10])),
    "onecycle": (lambda o: OneCycleLR(o, 2.0, 100), lambda o: L.OneCycleLR(o, 2.0, total_steps=100)),
    "onecycle_linear": (lambda o: OneCycleLR(o, 0.5, 60, pct_start=0.25, anneal_strategy="linear"),
                        lambda o: L.OneCycleLR(o, 0.5, total_steps=60, pct_start=0.25,
                                               anneal_strategy="linear")),
}


@pytest.mark.parametrize("name", CASES)
def test_schedule_equals_torch(name):
    ours, theirs = CASES[name]
    steps = 60 if "linear" in name else 100
    a, b = lr_trace(ours, steps, lr=0.5), lr_trace(theirs, steps, lr=0.5)
    assert len(a) == steps
    assert max(abs(x - y) for x, y in zip(a, b)) < 1e-9


@pytest.mark.parametrize("opt_cls, key", [(torch.optim.SGD, "momentum"), (torch.optim.Adam, "betas")])
def test_onecycle_momentum_equals_torch(opt_cls, key):
    def momenta(make):
        p = torch.zeros(1, requires_grad=True)
        opt = opt_cls([p], lr=0.1, **({"momentum": 0.9} if key == "momentum" else {}))
        sched, out = make(opt), []
        for _ in range(50):
            m = opt.param_groups[0][key]
            out.append(m if key == "momentum" else m[0])
            opt.step()
            sched.step()
        return out

    a = momenta(lambda o: OneCycleLR(o, 1.0, 50))
    b = momenta(lambda o: L.OneCycleLR(o, 1.0, total_steps=50))
    assert max(abs(x - y) for x, y in zip(a, b)) < 1e-12


def test_warmup_by_hand():
    # lr 1, warm-up 4 steps from 0.2: 0.2, 0.4, 0.6, 0.8, then the cosine starts at 1.0.
    lrs = lr_trace(lambda o: WarmupCosineLR(o, 4, 10, 0.2), 5, lr=1.0)
    assert lrs == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])


def test_schedule_bad_arguments():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="step_size must be >= 1"):
        StepLR(opt, 0)
    with pytest.raises(ValueError, match="milestones must be non-negative and increasing"):
        MultiStepLR(opt, [5, 3])
    with pytest.raises(ValueError, match="total_steps must exceed warmup_steps"):
        WarmupCosineLR(opt, 10, 10)
    with pytest.raises(ValueError, match="anneal_strategy must be"):
        OneCycleLR(opt, 1.0, 10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="gamma must be > 0"):
        ExponentialLR(opt, 0.0)
