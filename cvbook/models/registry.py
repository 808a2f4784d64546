"""A tiny model registry: ``create("resnet50", num_classes=10)`` and ``list_models()``."""
from __future__ import annotations

import difflib
import fnmatch
from typing import Callable, Optional

import torch
from torch import nn

__all__ = ["create", "list_models", "register"]

_REGISTRY: dict[str, Callable[..., nn.Module]] = {}


def register(name: Optional[str] = None) -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: register a model constructor under ``name`` (default: the function's name).

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """

    def deco(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        key = name or fn.__name__
        if key in _REGISTRY and _REGISTRY[key] is not fn:
            raise ValueError(f"model name {key!r} is already registered")
        _REGISTRY[key] = fn
        return fn

    return deco


def list_models(pattern: str = "*") -> list[str]:
    """Sorted registered names matching a shell-style ``pattern`` (``"resnet*"``).

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str, got {type(pattern).__name__}")
    return sorted(n for n in _REGISTRY if fnmatch.fnmatch(n, pattern))


def create(name: str, seed: Optional[int] = None, **kwargs) -> nn.Module:
    """Build the registered model ``name``; ``kwargs`` go to its constructor (``num_classes=10``).

    With ``seed`` the initial weights are drawn from a forked RNG seeded with it, so the result is
    reproducible and the caller's global random state is left untouched; without it, torch's global
    generator is used, as with any ``nn.Module``.

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    if not isinstance(name, str):
        raise TypeError(f"model name must be a str, got {type(name).__name__}")
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f"; did you mean {close}?" if close else "; see cvbook.models.list_models()"
        raise ValueError(f"unknown model {name!r}{hint}")
    if seed is None:
        return _REGISTRY[name](**kwargs)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _REGISTRY[name](**kwargs)
