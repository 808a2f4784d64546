"""Gradient norm of every selected layer's weight after one backward pass, input side first.

The convolutional counterpart of :func:`cvbook.nn.norm.gradflow.gradient_flow` (which reads a
``Sequential`` of ``Linear``/``Sigmoid`` blocks): any model, any layers chosen by a predicate.

Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016 (Sec. 4.1 on
gradients through depth); Glorot & Bengio, AISTATS 2010.
Taught in: notebooks/04_architectures/03_resnet.ipynb
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["weight_grad_norms"]


def _default_select(m: nn.Module) -> bool:
    return isinstance(m, (nn.Conv2d, nn.Linear))


def weight_grad_norms(model: nn.Module, x: Tensor, y: Tensor,
                      select: Callable[[nn.Module], bool] | None = None) -> list[float]:
    """One training-mode forward/backward of the cross-entropy of ``model(x)`` against ``y``.

    Args:
        model: a classifier, ``(B, C, H, W) -> (B, K)`` logits.
        x: inputs ``(B, C, H, W)``.
        y: class indices ``(B,)``.
        select: which modules to report (default: every ``Conv2d`` and ``Linear``); each must have
            a ``weight`` parameter.

    Returns:
        The Frobenius norm of each selected module's ``weight.grad``, in ``model.modules()`` order
        (the order of construction: input side first for the book's models).

    Raises:
        TypeError: ``model`` is not a module or ``select`` is not callable.
        ValueError: no module is selected, or ``x`` and ``y`` disagree in batch size.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if select is not None and not callable(select):
        raise TypeError(f"select must be callable, got {type(select).__name__}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same batch size, got {x.shape[0]} and {y.shape[0]}")
    chosen = [m for m in model.modules() if (select or _default_select)(m)]
    if not chosen:
        raise ValueError("select chose no module of the model")
    model.train()
    model.zero_grad(set_to_none=True)
    F.cross_entropy(model(x), y).backward()
    return [float(m.weight.grad.norm()) if m.weight.grad is not None else 0.0 for m in chosen]
