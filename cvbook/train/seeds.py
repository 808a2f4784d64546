"""Run an experiment over several seeds and summarise it as mean ± standard deviation.

A training result from one seed is an anecdote: another seed, BLAS or torch version moves it. The
book therefore reports every training result over seeds (at least 3 in fast mode, 5 in full mode)
and makes a claim only when it holds in the mean *and* across the seeds.

    runs = repeat(lambda seed: train_and_score(seed), seeds=None)   # 3 seeds fast, 5 full
    acc = runs.stat("accuracy")      # SeedStats: mean, std, values
    print(acc)                       # 0.912 ± 0.013 (3 seeds)

Taught in: book/authoring.md ("Seeds").
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cvbook._checks import check_int
from cvbook.runtime.mode import by_mode

__all__ = ["SeedStats", "SeedRuns", "default_seeds", "repeat"]

T = TypeVar("T")


@dataclass(frozen=True)
class SeedStats:
    """Summary of one number measured once per seed.

    ``std`` is the sample standard deviation (ddof = 1), ``0.0`` for a single seed.
    """

    values: tuple[float, ...]
    seeds: tuple[int, ...]

    @property
    def mean(self) -> float:
        return math.fsum(self.values) / len(self.values)

    @property
    def std(self) -> float:
        n = len(self.values)
        if n < 2:
            return 0.0
        m = self.mean
        return math.sqrt(math.fsum((v - m) ** 2 for v in self.values) / (n - 1))

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def format(self, spec: str = ".3g", scale: float = 1.0) -> str:
        """``"mean ± std"`` with the format ``spec`` (``scale=100`` for percentages)."""
        return f"{self.mean * scale:{spec}} ± {self.std * scale:{spec}}"

    def __str__(self) -> str:
        return f"{self.format()} ({len(self.values)} seeds)"


@dataclass(frozen=True)
class SeedRuns(Generic[T]):
    """What ``fn(seed)`` returned for each seed, in seed order."""

    seeds: tuple[int, ...]
    results: tuple[T, ...]

    def stat(self, key: str | Callable[[T], float] | None = None) -> SeedStats:
        """Summarise one number of the results.

        Args:
            key: ``None`` when each result is a number; a name, read as a mapping item or an
                attribute (a dataclass field); or a function from a result to a number.

        Raises:
            KeyError: ``key`` names nothing in a result.
            TypeError: the value is not a real number.
        """
        values = []
        for r in self.results:
            if key is None:
                v = r
            elif callable(key):
                v = key(r)
            elif isinstance(r, Mapping):
                v = r[key]
            elif hasattr(r, key):
                v = getattr(r, key)
            else:
                raise KeyError(f"result {type(r).__name__} has no item or attribute {key!r}")
            if isinstance(v, bool) or not isinstance(v, (int, float)) and not hasattr(v, "__float__"):
                raise TypeError(f"value for key {key!r} must be a real number, got {type(v).__name__}")
            values.append(float(v))
        return SeedStats(values=tuple(values), seeds=self.seeds)

    def fraction(self, predicate: Callable[[T], bool]) -> float:
        """The fraction of seeds whose result satisfies ``predicate`` (a claim "across seeds")."""
        return sum(bool(predicate(r)) for r in self.results) / len(self.results)

    def all(self, predicate: Callable[[T], bool]) -> bool:
        """True when ``predicate`` holds for the result of every seed."""
        return all(bool(predicate(r)) for r in self.results)


def default_seeds(fast: int = 3, full: int = 5) -> tuple[int, ...]:
    """Seeds ``0 .. n-1``, with ``n`` = 3 in fast mode and 5 in full mode (the book's rule)."""
    n = by_mode(fast=check_int(fast, "fast", minimum=1), full=check_int(full, "full", minimum=1))
    return tuple(range(n))


def repeat(fn: Callable[[int], T], seeds: int | Sequence[int] | None = None) -> SeedRuns[T]:
    """Call ``fn(seed)`` once per seed and collect the results.

    ``fn`` must take all of its randomness from the seed (turn it into a ``torch.Generator``, or
    pass it to ``cvbook.models.create(..., seed=seed)``), so that each run is reproducible alone.

    Args:
        fn: the experiment; returns a number, a mapping of numbers or a dataclass.
        seeds: ``None`` for :func:`default_seeds`; an int ``n`` for seeds ``0 .. n-1``; or the seeds.

    Returns:
        A :class:`SeedRuns`; ``.stat(key)`` gives mean ± std of one number.

    Raises:
        TypeError: ``fn`` is not callable, or ``seeds`` is neither None, an int nor a sequence of ints.
        ValueError: no seeds, a negative seed or a repeated seed.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if seeds is None:
        chosen = default_seeds()
    elif isinstance(seeds, (int,)) and not isinstance(seeds, bool):
        chosen = tuple(range(check_int(seeds, "seeds", minimum=1)))
    elif isinstance(seeds, Sequence) and not isinstance(seeds, str):
        chosen = tuple(check_int(s, "seed", minimum=0) for s in seeds)
        if not chosen:
            raise ValueError("seeds must not be empty")
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"seeds must be distinct, got {list(chosen)}")
    else:
        raise TypeError(f"seeds must be None, an int or a sequence of ints, got {type(seeds).__name__}")
    results: list[Any] = [fn(s) for s in chosen]
    return SeedRuns(seeds=chosen, results=tuple(results))
