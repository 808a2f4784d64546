r"""Two-dimensional test functions for watching optimisers move, and a helper that records the path.

Points are ``Tensor[..., 2]`` holding ``(x, y)``; each function returns ``Tensor[...]``.

- :func:`ill_conditioned_quadratic`: :math:`f = \\tfrac12 (a x^2 + b y^2)`, condition number ``b / a``;
  plain gradient descent zig-zags across the narrow valley (notes 003 l.311, "之字型下降").
- :func:`rosenbrock`: :math:`f = (1 - x)^2 + 100 (y - x^2)^2`, a curved valley, minimum at ``(1, 1)``.
- :func:`saddle`: :math:`f = x^2 - y^2`, a saddle point (鞍点) at the origin: the gradient is zero, the
  Hessian has eigenvalues of both signs (notes 003 l.58 asks what a saddle point is).

Reference: Rosenbrock, "An automatic method for finding the greatest or least value of a function",
The Computer Journal 3(3), 1960.
Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch
from torch import Tensor
from torch.optim import Optimizer
from cvbook._checks import check_int

__all__ = ["TestFunction", "ill_conditioned_quadratic", "rosenbrock", "saddle", "TEST_FUNCTIONS",
           "trajectory"]


def _xy(p: Tensor) -> tuple[Tensor, Tensor]:
    if not isinstance(p, Tensor):
        raise TypeError(f"expected a Tensor[..., 2] of (x, y) points, got {type(p).__name__}")
    if p.shape[-1:] != (2,):
        raise ValueError(f"expected a Tensor[..., 2] of (x, y) points, got shape {tuple(p.shape)}")
    return p[..., 0], p[..., 1]


def ill_conditioned_quadratic(p: Tensor, a: float = 1.0, b: float = 20.0) -> Tensor:
    """``0.5 (a x^2 + b y^2)`` for ``p = Tensor[..., 2]``; Hessian ``diag(a, b)``, minimum at 0."""
    x, y = _xy(p)
    return 0.5 * (a * x**2 + b * y**2)


def rosenbrock(p: Tensor, a: float = 1.0, b: float = 100.0) -> Tensor:
    """``(a - x)^2 + b (y - x^2)^2`` for ``p = Tensor[..., 2]``; minimum 0 at ``(a, a^2)``."""
    x, y = _xy(p)
    return (a - x) ** 2 + b * (y - x**2) ** 2


def saddle(p: Tensor) -> Tensor:
    """``x^2 - y^2`` for ``p = Tensor[..., 2]``: a saddle at the origin, unbounded below along y."""
    x, y = _xy(p)
    return x**2 - y**2


@dataclass(frozen=True)
class TestFunction:
    """A test function with a good start point and plotting window."""

    __test__ = False          # not a pytest test class despite its name

    name: str
    fn: Callable[[Tensor], Tensor]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minimum: tuple[float, float] | None


TEST_FUNCTIONS: dict[str, TestFunction] = {
    "quadratic": TestFunction("ill-conditioned quadratic", ill_conditioned_quadratic,
                              (-4.0, 1.0), (-4.5, 4.5), (-1.5, 1.5), (0.0, 0.0)),
    "rosenbrock": TestFunction("Rosenbrock", rosenbrock, (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0), (1.0, 1.0)),
    "saddle": TestFunction("saddle", saddle, (-1.5, 1e-3), (-2.0, 2.0), (-2.0, 2.0), None),
}


def trajectory(optimizer_cls: type[Optimizer], fn: Callable[[Tensor], Tensor],
               start: tuple[float, float] | Tensor, steps: int, **kw: Any) -> Tensor:
    """Run ``optimizer_cls([p], **kw)`` for ``steps`` steps on ``fn`` from ``start``.

    Returns ``Tensor[steps + 1, 2]`` (float64): the start and every iterate. Stops early (and pads
    with the last finite point) if an iterate becomes non-finite, so a divergent run still plots.
    Taught in: notebooks/03_optimization/04_optimizer_trajectories.ipynb
    """
    check_int(steps, "steps", minimum=0)
    p = torch.as_tensor(start, dtype=torch.float64).clone().reshape(2).requires_grad_(True)
    return run_path(optimizer_cls([p], **kw), p, fn, steps)


def run_path(opt: Optimizer, p: Tensor, fn: Callable[[Tensor], Tensor], steps: int,
             before_step: Callable[[Optimizer, int], None] | None = None) -> Tensor:
    """The loop behind :func:`trajectory` and ``scheduled_trajectory``: ``steps`` steps of ``opt`` on
    ``fn(p)``, calling ``before_step(opt, t)`` first when given; ``Tensor[steps + 1, 2]``, padded with
    the last finite point if an iterate becomes non-finite."""
    path = [p.detach().clone()]
    for t in range(steps):
        if before_step is not None:
            before_step(opt, t)
        opt.zero_grad()
        fn(p).backward()
        opt.step()
        if not torch.isfinite(p).all():
            break
        path.append(p.detach().clone())
    path += [path[-1]] * (steps + 1 - len(path))
    return torch.stack(path)
