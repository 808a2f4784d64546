"""One seeding call for Python, NumPy and torch.

The package itself never draws from global random state: functions that need randomness take a
``torch.Generator`` or a seed. ``seed_everything`` exists for the notebooks' own code (model
initialisation, DataLoader shuffling) and returns a generator to pass on.
"""
from __future__ import annotations

import random

import numpy as np
import torch

from cvbook._checks import as_generator, check_int

__all__ = ["seed_everything", "make_generator"]


def seed_everything(seed: int = 0, deterministic: bool = False) -> torch.Generator:
    """Seed ``random``, ``numpy`` and ``torch`` (all devices) and return a CPU generator seeded the same.

    With ``deterministic=True`` cuDNN is put in deterministic mode as well (slower on a GPU).
    """
    seed = _check_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    return make_generator(seed)


def make_generator(seed: int | torch.Generator | None, device: str | torch.device = "cpu") -> torch.Generator:
    """Return a ``torch.Generator``: a passed generator unchanged, or a new one seeded with ``seed``.

    ``None`` means seed 0, so that results never depend on hidden state.
    """
    return as_generator(seed, device)  # the package's one way of making a generator


def _check_seed(seed: object) -> int:
    return check_int(seed, "seed", minimum=0)
