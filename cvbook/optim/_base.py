"""A thin base class: each optimiser only writes its per-parameter update, as in the formulas."""
from __future__ import annotations

import abc
from typing import Any, Callable

import torch
from torch import Tensor
from torch.optim import Optimizer

__all__ = ["PerParameterOptimizer"]


class PerParameterOptimizer(Optimizer, metaclass=abc.ABCMeta):
    """Runs ``update(x, g, state, group)`` for every parameter ``x`` that has a gradient.

    ``g`` is the gradient (negated when ``group["maximize"]``), ``state`` the parameter's state dict,
    whose ``"step"`` counter ``t`` is incremented before the update (so ``t = 1`` on the first step).
    """

    @abc.abstractmethod
    def update(self, x: Tensor, g: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Update ``x`` in place from its gradient ``g`` (each optimiser's own rule)."""

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for x in group["params"]:
                if x.grad is None:
                    continue
                if x.grad.is_sparse:
                    raise TypeError("sparse gradients are not supported by the cvbook optimisers")
                g = -x.grad if group.get("maximize", False) else x.grad
                state = self.state[x]
                state["step"] = state.get("step", 0) + 1
                self.update(x, g, state, group)
        return loss
