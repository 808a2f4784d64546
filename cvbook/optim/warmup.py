"""Learning-rate warmup for the linear scaling rule (Goyal et al., 2017).

Linear scaling rule: when the mini-batch is ``k`` times larger, multiply the learning rate by ``k``.
Early in training the large rate is too aggressive, hence a warmup over the first steps:

- ``"none"``: the scaled rate ``k * lr`` from step 0;
- ``"constant"``: ``start_factor * k * lr`` (``start_factor = 1/k``: the small-batch rate) for
  ``warmup_steps`` steps, then a jump to ``k * lr``;
- ``"gradual"``: a linear ramp from ``start_factor * k * lr`` to ``k * lr`` over ``warmup_steps`` steps.

With ``total_steps`` the rate then follows a half cosine from ``k * lr`` down to 0 at ``total_steps``
(departure from the paper, which divides the rate by 10 at fixed epochs; a short run needs the decay
so that the final weights, and BN's running statistics, settle).

Reference: Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", arXiv:1706.02677, 2017.
Taught in: notebooks/02_batchnorm/05_linear_scaling_warmup.ipynb and notebooks/03_optimization/05_lr_schedules.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["WARMUP_KINDS", "warmup_factor", "warmup_lambda"]

WARMUP_KINDS = ("none", "constant", "gradual")


def warmup_factor(
    step: int, warmup_steps: int, kind: str = "gradual", start_factor: float = 0.1, total_steps: int | None = None
) -> float:
    """The multiplier of the target learning rate at optimiser step ``step`` (0-based).

    After the warm-up (or from step 0 with ``kind="none"``) the factor is 1, or with ``total_steps``
    a half cosine from 1 at the end of the warm-up to 0 at ``total_steps`` (and 0 after it).
    :class:`cvbook.optim.WarmupCosineLR` is the scheduler built on it.

    Raises:
        ValueError: an unknown ``kind``, a negative step, ``start_factor`` outside ``[0, 1]``,
            ``total_steps <= warmup_steps``.
    """
    if kind not in WARMUP_KINDS:
        raise ValueError(f"warmup kind must be one of {WARMUP_KINDS}, got {kind!r}")
    if warmup_steps < 0 or step < 0:
        raise ValueError(f"step and warmup_steps must be non-negative, got step={step}, warmup_steps={warmup_steps}")
    if not 0.0 <= start_factor <= 1.0:
        raise ValueError(f"start_factor must be in [0, 1], got {start_factor}")
    if total_steps is not None and total_steps <= warmup_steps:
        raise ValueError(f"total_steps must exceed warmup_steps, got total_steps={total_steps}, warmup_steps={warmup_steps}")
    if kind == "none" or step >= warmup_steps:
        if total_steps is None:
            return 1.0
        start = 0 if kind == "none" else warmup_steps  # without warmup the decay starts at step 0
        done = min(step, total_steps) - start
        return 0.5 * (1.0 + math.cos(math.pi * done / (total_steps - start)))
    if kind == "constant":
        return start_factor
    return start_factor + (1.0 - start_factor) * step / warmup_steps


def warmup_lambda(
    warmup_steps: int, kind: str = "gradual", start_factor: float = 0.1, total_steps: int | None = None
) -> Callable[[int], float]:
    """A function for ``torch.optim.lr_scheduler.LambdaLR`` (stepped once per optimiser step)."""
    warmup_factor(0, warmup_steps, kind, start_factor, total_steps)  # validate the arguments now
    return lambda step: warmup_factor(step, warmup_steps, kind, start_factor, total_steps)
