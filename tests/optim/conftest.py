"""Fixtures for the optimiser tests: run two optimisers side by side on one random problem."""
from __future__ import annotations

import pytest
import torch


def _problem(seed: int = 0):
    """A small float64 MLP regression problem: parameters and 100 mini-batches, all from a seed."""
    g = torch.Generator().manual_seed(seed)
    params = [torch.randn(5, 3, generator=g, dtype=torch.float64),
              torch.randn(5, generator=g, dtype=torch.float64),
              torch.randn(1, 5, generator=g, dtype=torch.float64)]
    batches = [(torch.randn(8, 3, generator=g, dtype=torch.float64),
                torch.randn(8, 1, generator=g, dtype=torch.float64)) for _ in range(100)]
    return params, batches


def _loss(params, x, y):
    w1, b1, w2 = params
    return ((torch.tanh(x @ w1.T + b1) @ w2.T - y) ** 2).mean()


def run_pair(ours_cls, theirs_cls, steps: int = 100, lr_changes: dict | None = None, **kw):
    """Step ``ours_cls`` and ``theirs_cls`` with identical gradients; return the max |difference| per step.

    ``lr_changes`` maps a step index to a new learning rate set on both optimisers before that step.
    """
    base, batches = _problem()
    a = [p.clone().requires_grad_(True) for p in base]
    b = [p.clone().requires_grad_(True) for p in base]
    opt_a, opt_b = ours_cls(a, **kw), theirs_cls(b, **kw)
    diffs = []
    for t, (x, y) in enumerate(batches[:steps]):
        if lr_changes and t in lr_changes:
            for opt in (opt_a, opt_b):
                for group in opt.param_groups:
                    group["lr"] = lr_changes[t]
        for params, opt in ((a, opt_a), (b, opt_b)):
            opt.zero_grad()
            _loss(params, x, y).backward()
            opt.step()
        diffs.append(max((pa - pb).abs().max().item() for pa, pb in zip(a, b)))
    moved = max((pa - p0).abs().max().item() for pa, p0 in zip(a, base))
    return diffs, moved


@pytest.fixture
def compare():
    return run_pair
