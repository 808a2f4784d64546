"""Wall-clock latency of a forward pass: warm up, synchronise on CUDA, report the median.

Speed belongs in benchmarks, not tests: the tests check only the bookkeeping (how many calls,
that the result is positive), never a duration.
Taught in: notebooks/01_cnn_basics/09_group_and_depthwise.ipynb and chapter 4's model zoo.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn

__all__ = ["Latency", "measure_latency"]


@dataclass(frozen=True)
class Latency:
    """Median and all timed runs, in seconds."""

    median_s: float
    times_s: list[float] = field(repr=False)

    @property
    def median_ms(self) -> float:
        return 1000.0 * self.median_s


def measure_latency(
    model: nn.Module | Callable[..., object], inputs: torch.Tensor | tuple, warmup: int = 3, repeat: int = 10
) -> Latency:
    """Time ``model(*inputs)`` under ``inference_mode``: ``warmup`` untimed calls, then ``repeat`` timed ones.

    On CUDA the device is synchronised before and after every timed call.
    """
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")
    if warmup < 0 or repeat <= 0:
        raise ValueError(f"warmup must be >= 0 and repeat > 0, got warmup={warmup}, repeat={repeat}")
    args = inputs if isinstance(inputs, tuple) else (inputs,)
    cuda = any(isinstance(a, torch.Tensor) and a.is_cuda for a in args)

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    times = []
    with torch.inference_mode():
        for _ in range(warmup):
            model(*args)
        for _ in range(repeat):
            sync()
            t0 = time.perf_counter()
            model(*args)
            sync()
            times.append(time.perf_counter() - t0)
    return Latency(statistics.median(times), times)
