"""Timing helpers: same process, interleaved rounds, median, one CPU thread."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable

__all__ = ["Comparison", "calibrate", "compare", "throughput"]


@dataclass(frozen=True)
class Comparison:
    """Medians over rounds of the time per call (seconds) of ours and of the reference, and their ratio.

    ``ratio`` is the median of the per-round ratios ours / reference: both sides of a round run back
    to back, so a slow spell of a loaded machine hits both.
    """

    ours_s: float
    ref_s: float
    ratio: float
    rounds: int
    number: int


def _sync() -> None:
    import torch

    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def _time(fn: Callable[[], object], number: int) -> float:
    _sync()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    _sync()
    return (time.perf_counter() - start) / number


def calibrate(fn: Callable[[], object], target_s: float = 0.05, limit: int = 10_000) -> int:
    """Calls per timing so that one timing takes about ``target_s`` seconds (at least 1)."""
    fn()  # warm up: first-call allocations, lazy imports, kernel selection
    t = _time(fn, 1)
    return max(1, min(limit, int(target_s / max(t, 1e-7))))


def compare(ours: Callable[[], object], ref: Callable[[], object], rounds: int = 15, target_s: float = 0.05) -> Comparison:
    """Time ``ours`` and ``ref`` in alternating order for ``rounds`` rounds; medians and median ratio."""
    number = max(1, min(calibrate(ours, target_s), calibrate(ref, target_s)))
    a, b, r = [], [], []
    for i in range(rounds):
        if i % 2 == 0:  # alternate which goes first, so neither always gets the warmer cache
            ta, tb = _time(ours, number), _time(ref, number)
        else:
            tb, ta = _time(ref, number), _time(ours, number)
        a.append(ta)
        b.append(tb)
        r.append(ta / tb)
    return Comparison(statistics.median(a), statistics.median(b), statistics.median(r), rounds, number)


def throughput(fn: Callable[[], int], rounds: int = 7, target_s: float = 0.2) -> float:
    """Items per second: ``fn()`` does some work and returns how many items it made; median over rounds."""
    fn()
    rates = []
    for _ in range(rounds):
        _sync()
        start, items = time.perf_counter(), 0
        while True:
            items += fn()
            elapsed = time.perf_counter() - start
            if elapsed >= target_s:
                break
        rates.append(items / elapsed)
    return statistics.median(rates)
