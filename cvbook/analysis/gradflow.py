"""Gradient flow: the norm of each layer's weight gradient after one backward pass, input side first,
and the saturation of sigmoid units along the way.

``weight_grad_norms`` reads any model (the layers chosen by a predicate); ``gradient_flow`` reads a
``Sequential`` of ``Linear -> [norm] -> Sigmoid`` blocks and adds, per block, the fraction of
saturated sigmoid units (``s (1 - s) < 0.01``, i.e. ``|z| > 4.6``, where the local derivative is under
4 % of its maximum 1/4).

Reference: Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
networks", AISTATS 2010; Ioffe & Szegedy, ICML 2015 (Sec. 3.3); He et al., CVPR 2016 (Sec. 4.1).
Taught in: notebooks/02_batchnorm/08_gradient_flow.ipynb and notebooks/04_architectures/03_resnet.ipynb
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["GradientFlow", "gradient_flow", "weight_grad_norms"]


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


@dataclass(frozen=True)
class GradientFlow:
    """Per hidden block, input side first: the weight-gradient norm and the saturated fraction."""

    grad_norm: list[float]
    saturated: list[float]


def gradient_flow(model: nn.Sequential, x: Tensor, y: Tensor) -> GradientFlow:
    """One training-mode forward/backward of ``model`` on ``x`` ``(N, in_features)``, ``y`` ``(N,)``.

    Returns:
        ``grad_norm``: the Frobenius norm of each hidden ``Linear``'s weight gradient (the head
        excluded), from :func:`weight_grad_norms`; ``saturated``: the fraction of each ``Sigmoid``'s
        outputs with ``s (1 - s) < 0.01``.

    Raises:
        TypeError: ``model`` is not an ``nn.Sequential``.
        ValueError: it has no hidden ``Linear`` layer.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"gradient_flow reads an nn.Sequential, got {type(model).__name__}")
    linears = [m for m in model if isinstance(m, nn.Linear)][:-1]  # the last Linear is the head
    if not linears:
        raise ValueError("the model has no hidden Linear layer (only a head)")
    hidden = set(map(id, linears))
    sats: list[float] = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: sats.append(float(((out * (1 - out)) < 0.01).float().mean())))
             for m in model if isinstance(m, nn.Sigmoid)]
    try:
        norms = weight_grad_norms(model, x, y, select=lambda m: id(m) in hidden)
    finally:
        for h in hooks:
            h.remove()
    return GradientFlow(norms, sats)
