"""Batch-norm recalibration: re-estimate BN's running statistics of a network on training batches.

A BN layer normalises at inference with its running mean and variance, estimated during training. In a
weight-sharing supernet those estimates are a mixture over every path that was sampled, while one path
at inference feeds each layer its own input distribution: "遍历每个path,需要重新在trainset上搜集计算BN的
mean和var" (notes 002 l.128). :func:`recalibrate_bn` resets the statistics of every BN layer the forward
reaches and re-estimates them on a few training batches with ``momentum=None``, torch's cumulative average:
after ``n`` batches ``running_mean`` is the mean of the ``n`` batch means (the exact data mean when the
batches have equal size) and ``running_var`` the mean of the ``n`` unbiased batch variances. Weights are
not changed; nothing is differentiated.

Reference: Z. Guo et al., "Single Path One-Shot Neural Architecture Search with Uniform Sampling", ECCV
2020 (Sec. 3.3: BN statistics recomputed on training batches for each path before evaluation).
Taught in: notebooks/08_papers/11_one_shot_nas.ipynb
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import Tensor, nn

__all__ = ["bn_layers", "recalibrate_bn"]


def bn_layers(model: nn.Module) -> list[nn.Module]:
    """The modules of ``model`` that keep BN running statistics: ``torch.nn`` BN (1d/2d/3d, Sync) and
    look-alikes (cvbook's ``BatchNorm2d``) with ``running_mean``, ``running_var``, ``momentum`` and
    ``reset_running_stats``; layers built with ``track_running_stats=False`` are left out."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    return [m for m in model.modules()
            if getattr(m, "running_mean", None) is not None and getattr(m, "running_var", None) is not None
            and hasattr(m, "momentum") and callable(getattr(m, "reset_running_stats", None))]


def _default_forward(model: nn.Module, batch: Any) -> Any:
    return model(batch[0] if isinstance(batch, (tuple, list)) else batch)


@torch.no_grad()
def recalibrate_bn(model: nn.Module, batches: Iterable[Any],
                   forward: Callable[[nn.Module, Any], Any] | None = None) -> int:
    """Reset and re-estimate the running statistics of the BN layers that ``forward`` reaches.

    Each BN layer is reset (mean 0, variance 1, counter 0) just before its first call, so layers the
    forward never reaches (other ops of a supernet) keep their statistics. During the pass BN layers are
    in training mode with ``momentum=None`` and every other module is in eval mode (no dropout); the
    modules' modes and momenta are restored afterwards.

    Args:
        model: the network, e.g. a :class:`~cvbook.models.classification.supernet.Supernet`.
        batches: an iterable of inputs ``(B, C, H, W)`` or of ``(inputs, targets, ...)`` tuples (a DataLoader);
            every batch should have ``B >= 2`` (BN in training mode needs two values per channel).
        forward: ``forward(model, batch)`` runs the model; default ``model(batch)`` or ``model(batch[0])``;
            for a supernet path ``lambda m, x: m(x, path)``.

    Returns:
        The number of batches used.

    Raises:
        TypeError: ``model`` is not an ``nn.Module``, ``forward`` is not callable.
        ValueError: ``model`` has no BN layer with running statistics, or ``batches`` is empty.
    """
    bns = bn_layers(model)
    if not bns:
        raise ValueError("model has no BN layer with running statistics (track_running_stats=True) to recalibrate")
    if forward is None:
        forward = _default_forward
    elif not callable(forward):
        raise TypeError(f"forward must be callable as forward(model, batch), got {type(forward).__name__}")
    modes = {m: m.training for m in model.modules()}
    momenta = [m.momentum for m in bns]
    seen: set[int] = set()

    def reset_on_first_call(module: nn.Module, args: tuple[Tensor, ...]) -> None:
        if id(module) not in seen:
            seen.add(id(module))
            module.reset_running_stats()
            module.momentum = None  # cumulative average: the plain mean over the batches seen

    hooks = [m.register_forward_pre_hook(reset_on_first_call) for m in bns]
    n = 0
    try:
        model.eval()
        for m in bns:
            m.train()
        for batch in batches:
            forward(model, batch)
            n += 1
    finally:
        for h in hooks:
            h.remove()
        for m, mom in zip(bns, momenta):
            m.momentum = mom
        for m, mode in modes.items():
            m.training = mode
    if n == 0:
        raise ValueError("batches is empty: recalibration needs at least one training batch")
    return n
