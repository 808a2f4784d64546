"""Kendall's rank correlation (tau-b): do two scores order the same items the same way?

Over all pairs ``i < j`` a pair is *concordant* when ``x`` and ``y`` order it the same way,
*discordant* when they order it oppositely, and tied in ``x``, in ``y`` or in both otherwise. With
``C`` concordant, ``D`` discordant pairs, ``T_x`` pairs tied in ``x`` only and ``T_y`` tied in ``y`` only,

    tau_b = (C - D) / sqrt((C + D + T_x) (C + D + T_y)),

which is +1 for the same order, -1 for the reversed order and, without ties, the fraction of concordant
minus discordant pairs. Architecture-search papers use it to ask whether a supernet ranks
architectures as their stand-alone training does. Matches ``scipy.stats.kendalltau`` (variant "b").

Reference: M. G. Kendall, "The treatment of ties in ranking problems", Biometrika 33, 1945.
Taught in: notebooks/08_papers/11_one_shot_nas.ipynb
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = ["kendall_tau"]


def kendall_tau(x: Tensor | list[float], y: Tensor | list[float]) -> float:
    """Kendall's tau-b between two score vectors ``x`` ``(N,)`` and ``y`` ``(N,)``.

    O(N^2) pairs, meant for the tens to hundreds of items of a ranking study.

    Returns:
        tau_b in ``[-1, 1]``; ``nan`` when either vector is constant (no pair is ordered), as scipy.

    Raises:
        ValueError: ``x`` and ``y`` are not 1-D of the same length, or have fewer than 2 items, or
            contain NaN.
    """
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    if x.dim() != 1 or y.dim() != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    if x.numel() < 2:
        raise ValueError(f"need at least 2 items to rank, got {x.numel()}")
    if torch.isnan(x).any() or torch.isnan(y).any():
        raise ValueError("x and y must not contain NaN")
    i, j = torch.triu_indices(len(x), len(x), offset=1)
    sx, sy = torch.sign(x[i] - x[j]), torch.sign(y[i] - y[j])
    s = float((sx * sy).sum())                       # C - D
    n_x, n_y = int((sx != 0).sum()), int((sy != 0).sum())   # pairs not tied in x: C + D + T_y; in y: C + D + T_x
    if n_x == 0 or n_y == 0:
        return math.nan
    return s / math.sqrt(n_x * n_y)
