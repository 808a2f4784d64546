"""An optimiser's path on a 2-D test function under a learning-rate schedule.

:func:`cvbook.optim.trajectory` runs an optimiser at a fixed rate; :func:`scheduled_trajectory`
sets the rate of every parameter group to ``lr_at(t)`` before step ``t``, which is how a schedule
acts on an optimiser, and is what separates two momentum conventions that agree at a constant rate.
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from torch import Tensor
from torch.optim import Optimizer

from cvbook._checks import check_int
from cvbook.optim.functions import run_path

__all__ = ["scheduled_trajectory"]


def scheduled_trajectory(optimizer_cls: type[Optimizer], fn: Callable[[Tensor], Tensor],
                         start: tuple[float, float] | Tensor, steps: int,
                         lr_at: Callable[[int], float], **kw: Any) -> Tensor:
    """Run ``optimizer_cls([p], lr=lr_at(0), **kw)`` on ``fn``, with rate ``lr_at(t)`` at step ``t``.

    Points are ``(x, y)``; ``fn`` maps ``Tensor[2]`` to a scalar.

    Args:
        optimizer_cls: a ``torch.optim.Optimizer`` subclass (``torch.optim.SGD``, ``cvbook.optim.SGD``).
        fn: the function to minimise.
        start: the starting point ``(x, y)``.
        steps: number of optimiser steps (>= 0).
        lr_at: the learning rate of step ``t = 0 .. steps-1`` (set on every group before the step).
        **kw: further optimiser arguments (``momentum=0.9``); not ``lr``.

    Returns:
        ``Tensor[steps + 1, 2]`` (float64): the start and every iterate. A non-finite iterate stops
        the run, and the path is padded with the last finite point (as :func:`trajectory`).

    Raises:
        TypeError: ``lr_at`` is not callable, or ``steps`` is not an int.
        ValueError: ``steps < 0``, ``lr`` passed in ``kw``, or ``lr_at(t)`` negative or non-finite.

    Reference: Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
    Taught in: notebooks/03_optimization/03_momentum.ipynb
    """
    steps = check_int(steps, "steps", minimum=0)
    if not callable(lr_at):
        raise TypeError(f"lr_at must be a function of the step, got {type(lr_at).__name__}")
    if "lr" in kw:
        raise ValueError("pass the rate through lr_at, not lr")

    def rate(t: int) -> float:
        lr = float(lr_at(t))
        if not (lr >= 0 and lr < float("inf")):
            raise ValueError(f"lr_at({t}) must be a finite rate >= 0, got {lr}")
        return lr

    p = torch.as_tensor(start, dtype=torch.float64).clone().reshape(2).requires_grad_(True)

    def set_rate(opt: Optimizer, t: int) -> None:
        for group in opt.param_groups:
            group["lr"] = rate(t)

    return run_path(optimizer_cls([p], lr=rate(0), **kw), p, fn, steps, before_step=set_rate)
