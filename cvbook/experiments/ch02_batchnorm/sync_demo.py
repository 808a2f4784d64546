"""Simulate synchronised BN on one machine: ``W`` CPU processes talking over ``torch.distributed`` (gloo).

:func:`compare_sync_bn` splits one global batch into ``world_size`` shards, runs
:class:`~cvbook.nn.norm.sync.SyncBatchNorm2d` and a per-worker :class:`~cvbook.nn.norm.BatchNorm2d`
on every worker, and compares both with batch norm over the whole batch on one process.

Taught in: notebooks/02_batchnorm/06_sync_bn.ipynb
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from cvbook._checks import as_generator
from cvbook.nn.norm.batchnorm import BatchNorm2d
from cvbook.nn.norm.sync import SyncBatchNorm2d

__all__ = ["BNGaps", "SyncComparison", "make_global_batch", "compare_sync_bn"]


@dataclass(frozen=True)
class BNGaps:
    """Max absolute differences from BN over the whole global batch: outputs ``y``, input gradient
    ``dx``, the weight gradient ``dweight`` (summed over workers) and the running variance."""

    y: float
    dx: float
    dweight: float
    running_var: float


@dataclass(frozen=True)
class SyncComparison:
    """The gaps of synchronised BN (``sync``) and of per-worker BN (``local``)."""

    sync: BNGaps
    local: BNGaps


def make_global_batch(n: int, channels: int, size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A global batch ``x`` ``(n, C, size, size)`` (per-channel offsets, so statistics differ by shard)
    and an upstream gradient ``r`` of the same shape, from ``seed``."""
    g = as_generator(seed)
    offset = torch.linspace(-1.0, 1.0, n).reshape(n, 1, 1, 1)  # shards differ in mean on purpose
    x = torch.randn(n, channels, size, size, generator=g, dtype=torch.float64) + 2.0 * offset
    r = torch.randn(n, channels, size, size, generator=g, dtype=torch.float64)
    return x, r


def _layer(cls, channels: int) -> torch.nn.Module:
    layer = cls(channels, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.linspace(0.5, 1.5, channels, dtype=torch.float64))
        layer.bias.copy_(torch.linspace(-0.2, 0.2, channels, dtype=torch.float64))
    return layer


def _run_layer(layer: torch.nn.Module, x: torch.Tensor, r: torch.Tensor) -> dict[str, torch.Tensor]:
    x = x.clone().requires_grad_(True)
    y = layer(x)
    (y * r).sum().backward()  # loss = sum(y * r), so dL/dy = r
    return {"y": y.detach(), "dx": x.grad, "dweight": layer.weight.grad, "dbias": layer.bias.grad,
            "running_mean": layer.running_mean.clone(), "running_var": layer.running_var.clone()}


def _worker(rank: int, world_size: int, init_file: str, out_dir: str, n: int, channels: int, size: int, seed: int) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world_size)
    try:
        # a spawned worker is a new process: apply the book's thread policy there too
        from cvbook.runtime.threads import apply_thread_policy

        apply_thread_policy()
        x, r = make_global_batch(n, channels, size, seed)
        shard = slice(rank * n // world_size, (rank + 1) * n // world_size)
        out = {"sync": _run_layer(_layer(SyncBatchNorm2d, channels), x[shard], r[shard]),
               "local": _run_layer(_layer(BatchNorm2d, channels), x[shard], r[shard])}
        torch.save(out, os.path.join(out_dir, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()


def compare_sync_bn(world_size: int = 2, n: int = 8, channels: int = 3, size: int = 4, seed: int = 0) -> SyncComparison:
    """Spawn ``world_size`` gloo processes; return the max abs differences from global-batch BN.

    Returns:
        A :class:`SyncComparison`: the gaps of SyncBN and of per-worker BN.

    Raises:
        ValueError: ``world_size < 1``, or ``n`` not divisible by ``world_size``.
    """
    if not isinstance(world_size, int) or world_size < 1:
        raise ValueError(f"world_size must be a positive int, got {world_size!r}")
    if n % world_size != 0 or n // world_size < 1:
        raise ValueError(f"the global batch n={n} must split evenly over world_size={world_size} workers")
    ref = _run_layer(_layer(BatchNorm2d, channels), *make_global_batch(n, channels, size, seed))
    with tempfile.TemporaryDirectory() as tmp:
        init_file = os.path.join(tmp, "init")
        mp.spawn(_worker, args=(world_size, init_file, tmp, n, channels, size, seed), nprocs=world_size, join=True)
        parts = [torch.load(os.path.join(tmp, f"rank{r}.pt")) for r in range(world_size)]
    gaps = {}
    for kind in ("sync", "local"):
        y = torch.cat([p[kind]["y"] for p in parts])
        dx = torch.cat([p[kind]["dx"] for p in parts])
        dweight = sum(p[kind]["dweight"] for p in parts)
        gaps[kind] = BNGaps(y=float((y - ref["y"]).abs().max()), dx=float((dx - ref["dx"]).abs().max()),
                            dweight=float((dweight - ref["dweight"]).abs().max()),
                            running_var=float((parts[0][kind]["running_var"] - ref["running_var"]).abs().max()))
    return SyncComparison(sync=gaps["sync"], local=gaps["local"])
