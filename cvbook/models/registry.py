"""A tiny model registry with task metadata.

``create("resnet50", num_classes=10)`` builds a model by name; ``list_models(task="detection")``
lists the names of one task. Tasks: ``classification`` (the chapter-4 zoo), ``detection``
(chapter 5), ``segmentation`` (chapter 6) and ``keypoints`` (chapter 7). Each task has its own
output contract, which ``tests/models/test_forward.py`` checks for every registered model:

- classification: ``(B, C, H, W) -> (B, num_classes)`` logits;
- detection: see :mod:`cvbook.models.detection` (a dict of per-level head outputs in training);
- segmentation: ``(B, C, H, W) -> (B, num_classes, H, W)`` logits at the input's resolution;
- keypoints: ``(B, 1, H, W) -> (B, 65, H/8, W/8)`` detector logits (and descriptors).
"""
from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["TASKS", "ModelInfo", "create", "list_models", "model_info", "register"]

TASKS = ("classification", "detection", "segmentation", "keypoints")


@dataclass(frozen=True)
class ModelInfo:
    """A registered constructor and the task whose output contract it follows."""

    name: str
    task: str
    fn: Callable[..., nn.Module]


_REGISTRY: dict[str, ModelInfo] = {}


def register(name: str | None = None, task: str = "classification") -> Callable[[Callable[..., nn.Module]], Callable[..., nn.Module]]:
    """Decorator: register a model constructor under ``name`` (default: the function's name).

    Args:
        name: the registry key; torchvision's name where torchvision has the model.
        task: one of :data:`TASKS`.

    Raises:
        ValueError: the name is taken by another constructor, or the task is unknown.

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")

    def deco(fn: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        key = name or fn.__name__
        if key in _REGISTRY and _REGISTRY[key].fn is not fn:
            raise ValueError(f"model name {key!r} is already registered")
        _REGISTRY[key] = ModelInfo(name=key, task=task, fn=fn)
        return fn

    return deco


def list_models(pattern: str = "*", task: str | None = None) -> list[str]:
    """Sorted registered names matching a shell-style ``pattern`` (``"resnet*"``), of one ``task`` if given.

    Raises:
        TypeError: ``pattern`` is not a str.
        ValueError: ``task`` is not one of :data:`TASKS`.

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str, got {type(pattern).__name__}")
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {TASKS} or None, got {task!r}")
    return sorted(n for n, info in _REGISTRY.items()
                  if fnmatch.fnmatch(n, pattern) and (task is None or info.task == task))


def model_info(name: str) -> ModelInfo:
    """The :class:`ModelInfo` of a registered name (``ValueError`` with close matches otherwise)."""
    if not isinstance(name, str):
        raise TypeError(f"model name must be a str, got {type(name).__name__}")
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f"; did you mean {close}?" if close else "; see cvbook.models.list_models()"
        raise ValueError(f"unknown model {name!r}{hint}")
    return _REGISTRY[name]


def create(name: str, seed: int | None = None, **kwargs) -> nn.Module:
    """Build the registered model ``name``; ``kwargs`` go to its constructor (``num_classes=10``).

    With ``seed`` the initial weights are drawn from a forked RNG seeded with it, so the result is
    reproducible and the caller's global random state is left untouched; without it, torch's global
    generator is used, as with any ``nn.Module``.

    Raises:
        TypeError: ``name`` is not a str.
        ValueError: no model is registered under ``name``.

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    fn = model_info(name).fn
    if seed is None:
        return fn(**kwargs)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return fn(**kwargs)
