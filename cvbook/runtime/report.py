"""What a notebook ran with: mode, device, versions, and the data it used.

The first code cell of every notebook calls :func:`setup`, which seeds, picks the device and prints
one line per fact. Loaders in :mod:`cvbook.data` call :func:`record_data`, so that the execution
pipeline (:mod:`cvbook.book.execute`) can stamp the notebook with the data a run really used.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import sys
from dataclasses import dataclass, field

import torch

from cvbook.runtime.device import get_device
from cvbook.runtime.mode import get_mode
from cvbook.runtime.seed import seed_everything
from cvbook.runtime.threads import apply_thread_policy

__all__ = ["Env", "setup", "env_info", "record_data", "data_used", "RECORD_ENV"]

RECORD_ENV = "CVBOOK_RECORD"
_DATA_USED: list[str] = []


@dataclass
class Env:
    """The run's settings, returned by :func:`setup`."""

    mode: str
    device: torch.device
    seed: int
    generator: torch.Generator = field(repr=False)

    @property
    def fast(self) -> bool:
        return self.mode == "fast"


def env_info() -> dict[str, str]:
    """Versions and hardware, as strings: python, torch, torchvision, cvbook, device name, threads."""
    import cvbook

    info = {
        "mode": get_mode(),
        "device": str(get_device()),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cvbook": cvbook.__version__,
        "cpu threads": str(torch.get_num_threads()),
    }
    # Read torchvision's version without importing it when the page has not: the import (which pulls
    # in torch._dynamo) costs seconds per notebook, and many pages never need torchvision.
    tv = sys.modules.get("torchvision")
    if tv is not None:
        info["torchvision"] = tv.__version__
    else:
        try:
            info["torchvision"] = importlib.metadata.version("torchvision")
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - torchvision is a dependency
            info["torchvision"] = "not installed"
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def setup(seed: int = 0, quiet: bool = False) -> Env:
    """Apply the thread policy, seed, choose the device, print the mode, device and versions.

    The thread policy (:mod:`cvbook.runtime.threads`: one CPU thread unless ``CVBOOK_THREADS`` says
    otherwise) is applied first, so every notebook runs small models the same way.
    """
    apply_thread_policy()
    generator = seed_everything(seed)
    env = Env(mode=get_mode(), device=get_device(), seed=seed, generator=generator)
    if not quiet:
        info = env_info()
        print("  ".join(f"{k}: {v}" for k, v in info.items()))
    return env


def record_data(description: str) -> None:
    """Note that this run used the data set ``description`` (e.g. ``"MNIST (torchvision)"``).

    The description is kept in memory (see :func:`data_used`) and, when the execution pipeline has
    set ``CVBOOK_RECORD`` to a file path, appended to that JSON file.
    """
    if not isinstance(description, str) or not description:
        raise TypeError("record_data needs a non-empty string describing the data set")
    if description not in _DATA_USED:
        _DATA_USED.append(description)
    path = os.environ.get(RECORD_ENV)
    if path:
        existing: list[str] = []
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                existing = json.load(f)
        if description not in existing:
            existing.append(description)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(existing, f)


def data_used() -> list[str]:
    """The data sets recorded in this process, in the order first used."""
    return list(_DATA_USED)
