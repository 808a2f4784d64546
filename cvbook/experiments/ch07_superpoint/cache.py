"""A disk cache for chapter 7's deterministic training runs, so that pages 04 and 05 train one MagicPoint per seed.

Training on the CPU with one thread is deterministic: the same recipe, seed, code and torch version
give the same weights. :func:`cached` stores the result of such a computation under a key that hashes
all of these (the recipe's ``repr``, the seed, the torch version and the source of every module the
training depends on), so a page that needs the model page 04 trained loads it instead of training it
again, and any change to the recipe or the code trains afresh. Files are written atomically
(a temporary file, then ``os.replace``), so notebooks run in parallel never read half a file.

Location: ``$CVBOOK_CACHE`` if set (``CVBOOK_CACHE=off`` disables the cache), else
``~/.cache/cvbook/ch07``.

Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import torch

__all__ = ["CACHE_ENV", "cache_dir", "source_fingerprint", "cached"]

CACHE_ENV = "CVBOOK_CACHE"
T = TypeVar("T")

# the code a MagicPoint training run of this chapter depends on: the scenes it renders, the model, the loss, the
# labels and the loop (package __init__ files, which only re-export, are left out so that another chapter's new
# export does not invalidate the cache)
_SOURCES = ("data/shapes/keypoints.py", "data/shapes/sampling.py", "data/shapes/scene.py", "data/shapes/primitives.py",
            "data/shapes/raster.py", "data/shapes/classes.py", "data/shapes/_checks.py", "ops/keypoints.py",
            "models/keypoints/superpoint.py", "models/registry.py", "nn/losses/superpoint.py", "train/loop.py",
            "train/history.py", "experiments/ch07_superpoint/train.py", "experiments/ch07_superpoint/recipe.py",
            "_checks.py")


def cache_dir() -> Path | None:
    """The cache folder (``$CVBOOK_CACHE``, default ``~/.cache/cvbook/ch07``), or ``None`` when
    ``CVBOOK_CACHE=off``."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() in ("off", "0", "none", "false"):
        return None
    return Path(env) if env else Path.home() / ".cache" / "cvbook" / "ch07"


def source_fingerprint(paths: Iterable[str] = _SOURCES) -> str:
    """A SHA-256 hex digest of the source files under ``paths`` (relative to the ``cvbook`` package).

    Raises:
        ValueError: a path that does not exist in the package.
    """
    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    for rel in paths:
        p = root / rel
        if not p.exists():
            raise ValueError(f"no {rel!r} in the cvbook package at {root}")
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def cached(name: str, key: object, compute: Callable[[], T]) -> T:
    """``compute()``, or its stored result when the same ``name``, ``key``, code and torch version ran before.

    Args:
        name: a file-name prefix, e.g. ``"magicpoint"`` (letters, digits, ``_`` and ``-``).
        key: anything whose ``repr`` identifies the computation (a frozen recipe and a seed).
        compute: the deterministic computation; its result must be picklable.

    Returns:
        The result (computed, or loaded with ``torch.load``).

    Raises:
        ValueError: a bad ``name``.
    """
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"name must be letters, digits, '_' or '-', got {name!r}")
    folder = cache_dir()
    if folder is None:
        return compute()
    digest = hashlib.sha256(f"{name}|{key!r}|{torch.__version__}|{source_fingerprint()}".encode()).hexdigest()[:24]
    path = folder / f"{name}-{digest}.pt"
    if path.exists():
        try:
            return torch.load(path, weights_only=False)
        except Exception:  # a damaged file: compute again and overwrite it
            pass
    result = compute()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(fd)
    try:
        torch.save(result, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return result
