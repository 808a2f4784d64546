"""Private argument checks shared by the whole package.

Every public function validates its input with these, so that bad input fails early with a message
that says what was wrong and what was expected (``ValueError`` for a bad value, ``TypeError`` for a
bad type). Not part of the public API.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import Tensor

__all__ = ["check_int", "check_positive", "check_probability", "check_shape", "check_tensor", "as_generator"]


def check_int(value: object, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``; ``TypeError`` unless it is an integer (bools are refused),
    ``ValueError`` outside ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_positive(value: object, name: str, *, strict: bool = True) -> float:
    """Return ``value`` as a ``float``; it must be a real number ``> 0`` (``>= 0`` with ``strict=False``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if value != value or (value <= 0 if strict else value < 0):
        raise ValueError(f"{name} must be {'>' if strict else '>='} 0, got {value}")
    return value


def check_probability(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` in ``[0, 1]``."""
    value = check_positive(value, name, strict=False)
    if value > 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return value


def check_tensor(x: object, name: str) -> Tensor:
    """``TypeError`` unless ``x`` is a ``torch.Tensor``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    return x


def check_shape(x: object, spec: str | Sequence[str], name: str = "input") -> dict[str, int]:
    """Check that ``x`` has the named layout and return the sizes by name.

    ``spec`` is a space-separated list of dimension names, ``"B C H W"``; a digit fixes a size
    (``"N 4"``), and a name used twice must have one size. Example::

        sizes = check_shape(boxes, "N 4", "boxes")   # {"N": 7}
    """
    x = check_tensor(x, name)
    names = spec.split() if isinstance(spec, str) else list(spec)
    if x.dim() != len(names):
        raise ValueError(f"{name} must have shape ({', '.join(names)}), got {tuple(x.shape)}")
    sizes: dict[str, int] = {}
    for dim, (label, size) in enumerate(zip(names, x.shape)):
        if label.isdigit():
            if size != int(label):
                raise ValueError(f"{name} must have shape ({', '.join(names)}): dimension {dim} must be {label}, got {tuple(x.shape)}")
        elif label in sizes and sizes[label] != size:
            raise ValueError(f"{name} must have shape ({', '.join(names)}): both {label} sizes must agree, got {tuple(x.shape)}")
        else:
            sizes[label] = int(size)
    return sizes


def as_generator(seed_or_generator: int | torch.Generator | None, device: str | torch.device = "cpu") -> torch.Generator:
    """A ``torch.Generator``: a passed generator unchanged, or a new one seeded with the int
    (``None`` means seed 0, so results never depend on hidden global state)."""
    if isinstance(seed_or_generator, torch.Generator):
        return seed_or_generator
    seed = 0 if seed_or_generator is None else check_int(seed_or_generator, "seed", minimum=0)
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    return g
