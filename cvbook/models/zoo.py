"""Where a model's parameters and FLOPs sit, stage by stage (for the model-zoo notebook)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from cvbook.analysis import count_flops

__all__ = ["StageCost", "stage_costs"]

_EXPAND = ("features", "blocks", "stages", "entry", "middle", "exit", "stem")


@dataclass(frozen=True)
class StageCost:
    """Parameters and forward FLOPs (2 per multiply-add) of one top-level part of a model."""

    name: str
    params: int
    flops: int


def stage_costs(model: nn.Module, x: torch.Tensor) -> list[StageCost]:
    """Split ``model`` into its top-level children (one level deeper inside ``features``,
    ``blocks``, ``stages``, ...) and count each part's parameters and FLOPs on input ``x``
    ``(B, C, H, W)``. Works on the meta device (shapes only), so even VGG is instant.

    FLOPs follow :func:`cvbook.analysis.count_flops`; operations in the model's ``forward`` outside
    any child (a flatten, an addition) carry no FLOPs in that convention, so the parts sum to the
    model's total.

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    if not isinstance(model, nn.Module) or not isinstance(x, torch.Tensor) or x.dim() != 4:
        raise TypeError("need an nn.Module and a (B, C, H, W) tensor")
    parts: list[tuple[str, nn.Module]] = []
    for name, child in model.named_children():
        if name in _EXPAND and isinstance(child, nn.Sequential):
            parts += [(f"{name}.{n}", c) for n, c in child.named_children()]
        else:
            parts.append((name, child))
    inputs: dict[str, tuple] = {}
    hooks = [m.register_forward_pre_hook(lambda mod, args, n=n: inputs.setdefault(n, args))
             for n, m in parts]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    out = []
    for n, m in parts:
        params = sum(p.numel() for p in m.parameters())
        flops = count_flops(m, inputs[n]) if n in inputs else 0
        if params or flops:
            out.append(StageCost(n, params, flops))
    return out
