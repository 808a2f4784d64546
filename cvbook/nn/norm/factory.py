"""One factory for the chapter's normalisation layers: ``get_norm("bn" | "gn" | "mabn" | "noisy_bn" | "none", C)``.

Taught in: notebooks/02_batchnorm/09_small_batch.ipynb
"""
from __future__ import annotations

from torch import nn

from cvbook.nn.norm.batchnorm import BatchNorm2d
from cvbook.nn.norm.groupnorm import GroupNorm
from cvbook.nn.norm.moving_average_bn import MovingAverageBatchNorm2d
from cvbook.nn.norm.noisy import NoisyBatchNorm2d

__all__ = ["NORM_KINDS", "get_norm"]

NORM_KINDS = ("bn", "gn", "mabn", "noisy_bn", "none")


def get_norm(kind: str, channels: int, *, groups: int = 4, window: int = 16, noise: float = 1.0, seed: int = 0) -> nn.Module:
    """One normalisation layer for ``channels`` channels: ``"bn"`` (:class:`BatchNorm2d`), ``"gn"``
    (:class:`GroupNorm` with ``min(groups, channels)`` groups), ``"mabn"`` (moving-average BN over
    ``window`` iterations), ``"noisy_bn"`` (BN plus injected covariate shift of size ``noise``, drawn
    from ``seed``), ``"none"`` (``nn.Identity``). The layer acts on ``(N, channels, H, W)``.

    Raises:
        ValueError: an unknown ``kind``.
    """
    if kind == "bn":
        return BatchNorm2d(channels)
    if kind == "gn":
        return GroupNorm(min(groups, channels), channels)
    if kind == "mabn":
        return MovingAverageBatchNorm2d(channels, window=window)
    if kind == "noisy_bn":
        return NoisyBatchNorm2d(channels, noise=noise, seed=seed)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm kind {kind!r}; expected one of {NORM_KINDS}")
