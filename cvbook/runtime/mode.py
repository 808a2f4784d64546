"""The fast/full switch.

Every experiment in the book runs at two sizes from one switch, the environment variable
``CVBOOK_MODE``:

- ``fast``: a small run of the same code, seconds per notebook on a 2-core CPU (CI, first reads);
- ``full``: paper-quality sizes, meant for a GPU.

When the variable is unset the mode is ``full`` on a CUDA machine and ``fast`` otherwise.
Taught in: book/authoring.md ("The fast/full switch").
"""
from __future__ import annotations

import os
from typing import TypeVar

import torch

__all__ = ["MODE_ENV", "MODES", "get_mode", "is_fast", "by_mode"]

MODE_ENV = "CVBOOK_MODE"
MODES = ("fast", "full")

T = TypeVar("T")


def get_mode() -> str:
    """Return ``"fast"`` or ``"full"``.

    Reads ``CVBOOK_MODE`` on every call, so a notebook may set ``os.environ`` before its first call.
    Raises ``ValueError`` when the variable holds anything other than ``fast`` or ``full``.
    """
    value = os.environ.get(MODE_ENV, "").strip().lower()
    if not value:
        return "full" if torch.cuda.is_available() else "fast"
    if value not in MODES:
        raise ValueError(f"{MODE_ENV} must be one of {MODES}, got {os.environ[MODE_ENV]!r}")
    return value


def is_fast() -> bool:
    """True in fast mode."""
    return get_mode() == "fast"


def by_mode(fast: T, full: T) -> T:
    """Pick a size per mode: ``epochs = by_mode(fast=2, full=30)``.

    Both values must have the same type, so that fast mode stays a smaller run of the same code
    and not a different code path.
    """
    if type(fast) is not type(full):
        raise TypeError(
            f"by_mode needs values of one type, got fast={type(fast).__name__} and full={type(full).__name__}"
        )
    return fast if is_fast() else full
