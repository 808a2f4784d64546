"""One factory for activation *layers*: ``get_act("relu" | "silu" | ...)`` returns a fresh ``nn.Module``.

The functions of :mod:`cvbook.nn.act.activations` are the from-scratch formulas of chapter 3; the
factory gives the matching ``torch.nn`` layer by name, for the architectures that take an activation
as an argument (``ConvBNAct(..., activation=get_act("silu"))`` style).

Taught in: notebooks/03_optimization/07_activations.ipynb
"""
from __future__ import annotations

from collections.abc import Callable

from torch import nn

__all__ = ["ACT_LAYERS", "get_act"]

#: Layer constructors by name (the names of :data:`cvbook.nn.act.ACTIVATIONS`, plus ``hardswish`` and ``identity``).
ACT_LAYERS: dict[str, Callable[[], nn.Module]] = {
    "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "prelu": nn.PReLU,
    "rrelu": nn.RReLU, "elu": nn.ELU, "gelu": nn.GELU, "silu": nn.SiLU, "hardswish": nn.Hardswish,
    "identity": nn.Identity,
}


def get_act(name: str) -> nn.Module:
    """A new activation layer by name, e.g. ``get_act("silu")`` is ``nn.SiLU()``.

    Args:
        name: a key of :data:`ACT_LAYERS`.

    Returns:
        A fresh ``nn.Module`` (``PReLU`` has one learnable slope, initialised to 0.25 as in torch).

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: an unknown name.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    if name not in ACT_LAYERS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(ACT_LAYERS)}")
    return ACT_LAYERS[name]()
