"""Input validation shared by the shape generators (clear ValueError/TypeError messages)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from cvbook._checks import as_generator, check_int
from cvbook.data.shapes.classes import SHAPE_CLASSES

__all__ = ["check_size", "check_count", "check_n_objects", "check_kinds", "check_channels", "make_rng"]


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_size(size: object) -> tuple[int, int]:
    """Return ``(H, W)`` from an int or a pair of ints; raise for anything else or for sizes <= 0."""
    if _is_int(size):
        pair = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 2 and all(_is_int(s) for s in size):
        pair = (int(size[0]), int(size[1]))
    else:
        raise TypeError(f"size must be an int or a pair (H, W) of ints, got {size!r}")
    if min(pair) <= 0:
        raise ValueError(f"size must be positive, got {size!r}")
    return pair


def check_count(value: object, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an int >= ``minimum`` (:func:`cvbook._checks.check_int`)."""
    return check_int(value, name, minimum=minimum)


def check_n_objects(n_objects: object) -> tuple[int, int]:
    """Return ``(lo, hi)`` (inclusive) from an int or a pair; both must be >= 0 and lo <= hi."""
    if _is_int(n_objects):
        lo = hi = int(n_objects)
    elif isinstance(n_objects, (tuple, list)) and len(n_objects) == 2 and all(_is_int(v) for v in n_objects):
        lo, hi = int(n_objects[0]), int(n_objects[1])
    else:
        raise TypeError(f"n_objects must be an int or a pair (min, max) of ints, got {n_objects!r}")
    if lo < 0 or hi < 0:
        raise ValueError(f"n_objects must be non-negative, got {n_objects!r}")
    if lo > hi:
        raise ValueError(f"n_objects=(min, max) needs min <= max, got {n_objects!r}")
    return lo, hi


def check_kinds(kinds: Sequence[str] | None) -> tuple[str, ...]:
    """Return the kinds to draw from (all of ``SHAPE_CLASSES`` for ``None``)."""
    if kinds is None:
        return tuple(SHAPE_CLASSES)
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = tuple(kinds)
    if not kinds:
        raise ValueError("kinds must name at least one shape kind")
    for kind in kinds:
        if kind not in SHAPE_CLASSES:
            raise ValueError(f"unknown shape kind {kind!r}; expected one of {SHAPE_CLASSES}")
    return kinds


def check_channels(channels: object) -> int:
    """Channels must be 1 (grey) or 3 (RGB)."""
    if not _is_int(channels) or channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels!r}")
    return int(channels)


def make_rng(seed: object) -> torch.Generator:
    """A CPU ``torch.Generator`` from a non-negative int seed, or the passed generator itself."""
    if isinstance(seed, torch.Generator):
        if seed.device.type != "cpu":
            raise ValueError(f"the generator must live on the CPU, got one on {seed.device}")
        return seed
    if not _is_int(seed):
        raise TypeError(f"seed must be an int or a torch.Generator, got {type(seed).__name__}")
    return as_generator(seed)
