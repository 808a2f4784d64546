"""Learning-rate schedules in closed form: ``lr(t)`` computed from the step count ``t`` alone.

Each class is an ``LRScheduler`` (use it like any ``torch.optim.lr_scheduler``: ``opt.step()`` then
``sched.step()``), and gives the same learning rates as its PyTorch counterpart:

====================== ====================================================================
cvbook                 torch.optim.lr_scheduler
====================== ====================================================================
StepLR                 StepLR
MultiStepLR            MultiStepLR
ExponentialLR          ExponentialLR
CosineAnnealingLR      CosineAnnealingLR (PyTorch computes it recursively; same values)
WarmupCosineLR         SequentialLR(LinearLR warm-up, CosineAnnealingLR), milestones=[warmup]
OneCycleLR             OneCycleLR (two phases, learning rate and momentum)
====================== ====================================================================

Reference: Loshchilov and Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017
(cosine); Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", arXiv:1706.02677,
2017 (gradual warm-up); Smith and Topin, "Super-Convergence", 2019 (one-cycle).
Taught in: notebooks/03_optimization/05_lr_schedules.ipynb
"""
from __future__ import annotations

import abc
import bisect
import math
from typing import Callable, Sequence

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from cvbook._checks import check_int
from cvbook.optim.warmup import warmup_factor

__all__ = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "WarmupCosineLR",
           "OneCycleLR", "lr_trace"]


def _positive_int(name: str, value: int) -> None:
    check_int(value, name, minimum=1)


class _ClosedForm(LRScheduler, metaclass=abc.ABCMeta):
    """Base: ``factor(t)`` multiplies each group's initial learning rate, or ``lr_at(base, t)``."""

    @abc.abstractmethod
    def lr_at(self, base_lr: float, t: int) -> float:
        """The learning rate at step ``t`` of a group whose initial rate is ``base_lr``."""

    def get_lr(self) -> list[float]:
        return [self.lr_at(base, self.last_epoch) for base in self.base_lrs]


class StepLR(_ClosedForm):
    r""":math:`\eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}` (``s = step_size``): the "step decay" of
    notes 002 l.218. Taught in: notebooks/03_optimization/05_lr_schedules.ipynb"""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        _positive_int("step_size", step_size)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma ** (t // self.step_size)


class MultiStepLR(_ClosedForm):
    r""":math:`\eta_t = \eta_0\, \gamma^{\#\{m \in \text{milestones}: m \le t\}}`.
    Taught in: notebooks/03_optimization/05_lr_schedules.ipynb"""

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if list(milestones) != sorted(milestones) or any(m < 0 for m in milestones):
            raise ValueError(f"milestones must be non-negative and increasing, got {list(milestones)}")
        self.milestones, self.gamma = list(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, t)


class ExponentialLR(_ClosedForm):
    r""":math:`\eta_t = \eta_0\, \gamma^t`. Taught in: notebooks/03_optimization/05_lr_schedules.ipynb"""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        if not gamma > 0:
            raise ValueError(f"gamma must be > 0, got {gamma}")
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma**t


def _cosine(start: float, end: float, frac: float) -> float:
    """Half a cosine from ``start`` (frac = 0) to ``end`` (frac = 1)."""
    return end + (start - end) * (1 + math.cos(math.pi * frac)) / 2


class CosineAnnealingLR(_ClosedForm):
    r""":math:`\eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,\tfrac12 (1 + \cos(\pi t / T))`.

    Past ``T_max`` PyTorch's recursive form keeps following the cosine (it rises again); the closed
    form does the same. Reference: Loshchilov and Hutter, ICLR 2017, eq. (5) without restarts.
    Taught in: notebooks/03_optimization/05_lr_schedules.ipynb"""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        _positive_int("T_max", T_max)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        return _cosine(base_lr, self.eta_min, t / self.T_max)


class WarmupCosineLR(_ClosedForm):
    r"""A warm-up over ``warmup_steps`` steps, then a cosine from ``lr`` to ``eta_min`` at ``total_steps``.

    .. math::
        \eta_t = \eta_0 \, w(t) \ (t < W), \qquad
        \eta_t = \eta_{min} + (\eta_0-\eta_{min})\tfrac12\big(1+\cos\tfrac{\pi (t-W)}{T-W}\big) \ (t \ge W)

    with the warm-up factor :func:`cvbook.optim.warmup_factor`: ``"gradual"`` ramps linearly from
    ``warmup_start_factor`` (Goyal et al. 2017, Sec. 2.2, "gradual warmup"; notes 001 l.23),
    ``"constant"`` holds ``warmup_start_factor`` and then jumps, ``"none"`` (or ``warmup_steps=0``) is
    the plain cosine from step 0. The one warm-up + cosine schedule of the book (chapters 2 and 3).

    Raises:
        TypeError: a step count is not an int.
        ValueError: ``warmup_steps >= total_steps``, a factor outside ``[0, 1]``, an unknown kind.

    Reference: Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", arXiv:1706.02677, 2017.
    Taught in: notebooks/03_optimization/05_lr_schedules.ipynb and notebooks/02_batchnorm/05_linear_scaling_warmup.ipynb"""

    def __init__(self, optimizer: Optimizer, warmup_steps: int, total_steps: int,
                 warmup_start_factor: float = 0.1, eta_min: float = 0.0, last_epoch: int = -1,
                 warmup: str = "gradual") -> None:
        check_int(warmup_steps, "warmup_steps", minimum=0)
        check_int(total_steps, "total_steps", minimum=1)
        warmup_factor(0, warmup_steps, warmup, warmup_start_factor, total_steps)  # validates the rest
        self.warmup_steps, self.total_steps, self.warmup = warmup_steps, total_steps, warmup
        self.warmup_start_factor, self.eta_min = warmup_start_factor, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, t: int) -> float:
        f = warmup_factor(t, self.warmup_steps, self.warmup, self.warmup_start_factor, self.total_steps)
        if t < self.warmup_steps and self.warmup != "none":
            return base_lr * f
        return self.eta_min + (base_lr - self.eta_min) * f


class OneCycleLR(LRScheduler):
    r"""One cycle: the learning rate rises from ``max_lr / div_factor`` to ``max_lr`` over the first
    ``pct_start`` of the steps, then falls to ``initial / final_div_factor``; momentum (or Adam's
    beta1) moves the opposite way between ``max_momentum`` and ``base_momentum``.

    Phase ends are at step ``pct_start * total_steps - 1`` and ``total_steps - 1``, as in PyTorch; the
    annealing is a half cosine (``anneal_strategy="cos"``) or linear.
    Reference: Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks Using Large
    Learning Rates", SPIE 2019.
    Taught in: notebooks/03_optimization/05_lr_schedules.ipynb"""

    def __init__(self, optimizer: Optimizer, max_lr: float, total_steps: int, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 last_epoch: int = -1) -> None:
        _positive_int("total_steps", total_steps)
        if not 0.0 < pct_start < 1.0:
            raise ValueError(f"pct_start must lie in (0, 1), got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.total_steps, self.max_lr = total_steps, max_lr
        self.initial_lr, self.min_lr = max_lr / div_factor, max_lr / div_factor / final_div_factor
        self.peak = pct_start * total_steps - 1                 # last step of the rising phase
        self.anneal: Callable[[float, float, float], float] = (
            _cosine if anneal_strategy == "cos" else (lambda a, b, f: a + (b - a) * f))
        self.cycle_momentum = cycle_momentum
        self.base_momentum, self.max_momentum = base_momentum, max_momentum
        if cycle_momentum and not ({"momentum", "betas"} & set(optimizer.defaults)):
            raise ValueError("cycle_momentum=True needs an optimiser with 'momentum' or 'betas'")
        for group in optimizer.param_groups:
            group["initial_lr"] = self.initial_lr
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(f"stepped {t} times, but total_steps is {self.total_steps}")
        if t <= self.peak:
            frac = t / self.peak
            lr = self.anneal(self.initial_lr, self.max_lr, frac)
            mom = self.anneal(self.max_momentum, self.base_momentum, frac)
        else:
            frac = (t - self.peak) / (self.total_steps - 1 - self.peak)
            lr = self.anneal(self.max_lr, self.min_lr, frac)
            mom = self.anneal(self.base_momentum, self.max_momentum, frac)
        if self.cycle_momentum:
            for group in self.optimizer.param_groups:
                if "betas" in group:
                    group["betas"] = (mom, *group["betas"][1:])
                else:
                    group["momentum"] = mom
        return [lr for _ in self.optimizer.param_groups]


def lr_trace(make_scheduler: Callable[[Optimizer], LRScheduler], steps: int, lr: float = 1.0,
             optimizer_cls: type[Optimizer] | None = None) -> list[float]:
    """The learning rate at steps ``0 .. steps-1`` of a schedule built by ``make_scheduler(opt)``.

    A throw-away optimiser (``torch.optim.SGD`` on one zero parameter, ``lr``) is stepped with no
    gradient, so only the schedule runs. Used to plot schedules and to compare them with PyTorch's.
    Taught in: notebooks/03_optimization/05_lr_schedules.ipynb
    """
    import torch

    _positive_int("steps", steps)
    cls = optimizer_cls or torch.optim.SGD
    kw = {"momentum": 0.9} if cls is torch.optim.SGD else {}
    opt = cls([torch.zeros(1, requires_grad=True)], lr=lr, **kw)
    sched = make_scheduler(opt)
    out = []
    for _ in range(steps):
        out.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
    return out
