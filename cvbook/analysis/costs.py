"""Where a model's parameters and FLOPs sit: by position (its top-level stages) or by layer *type*
(full, depthwise, pointwise, FC; the breakdown of the MobileNet paper's Table 2).

Both run the model once with forward pre-hooks that record each counted module's input, then count
that module alone with :func:`cvbook.analysis.count_flops`; the meta device works (shapes only).

Reference: Howard et al., "MobileNets", arXiv:1704.04861, 2017, Table 2.
Taught in: notebooks/04_architectures/01_model_zoo.ipynb and notebooks/04_architectures/06_mobilenet.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from cvbook.analysis.complexity import count_flops

__all__ = ["LayerTypeCost", "StageCost", "costs_by_layer_type", "layer_type", "stage_costs"]


def _module_inputs(model: nn.Module, x: torch.Tensor, modules: Sequence[nn.Module]) -> dict[int, tuple]:
    """Run ``model(x)`` once without gradients; the first input of each of ``modules``, by ``id``."""
    inputs: dict[int, tuple] = {}
    hooks = [m.register_forward_pre_hook(lambda mod, args: inputs.setdefault(id(mod), args)) for m in modules]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return inputs


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
    inputs = _module_inputs(model, x, [m for _, m in parts])
    out = []
    for n, m in parts:
        params = sum(p.numel() for p in m.parameters())
        flops = count_flops(m, inputs[id(m)]) if id(m) in inputs else 0
        if params or flops:
            out.append(StageCost(n, params, flops))
    return out


@dataclass(frozen=True)
class LayerTypeCost:
    """Totals over all layers of one ``kind``: weights+biases, FLOPs (2 per multiply-add), count."""

    kind: str
    params: int
    flops: int
    layers: int

    @property
    def mult_adds(self) -> int:
        return self.flops // 2


def layer_type(m: nn.Module) -> str | None:
    """``"fully connected"``, ``"depthwise KxK"``, ``"pointwise 1x1"``, ``"grouped KxK"``,
    ``"full KxK"`` for a ``Linear``/``Conv2d``, else ``None``."""
    if isinstance(m, nn.Linear):
        return "fully connected"
    if not isinstance(m, nn.Conv2d):
        return None
    k = "x".join(str(s) for s in m.kernel_size)
    if m.groups > 1 and m.groups == m.in_channels:
        return f"depthwise {k}"
    if m.groups > 1:
        return f"grouped {k}"
    if m.kernel_size == (1, 1):
        return "pointwise 1x1"
    return f"full {k}"


def costs_by_layer_type(model: nn.Module, x: torch.Tensor) -> dict[str, LayerTypeCost]:
    """Run ``model(x)`` once (no gradients; the meta device works) and sum each layer type's cost.

    Args:
        model: any module; only its ``Conv2d`` and ``Linear`` layers are counted.
        x: an input ``(B, C, H, W)`` (FLOPs are for the whole batch, as in ``count_flops``).

    Returns:
        ``{kind: LayerTypeCost}`` in order of first appearance; a layer called twice counts once.

    Raises:
        TypeError: ``model`` is not a module or ``x`` is not a tensor.
        ValueError: the model has no ``Conv2d`` or ``Linear`` layer.
    """
    if not isinstance(model, nn.Module) or not isinstance(x, torch.Tensor):
        raise TypeError("need an nn.Module and an input tensor")
    layers = [m for m in model.modules() if layer_type(m) is not None]
    if not layers:
        raise ValueError("the model has no Conv2d or Linear layer to count")
    inputs = _module_inputs(model, x, layers)
    totals: dict[str, list[int]] = {}
    for m in layers:
        if id(m) not in inputs:  # defined but never called
            continue
        t = totals.setdefault(layer_type(m), [0, 0, 0])
        t[0] += sum(p.numel() for p in m.parameters(recurse=False))
        t[1] += count_flops(m, inputs[id(m)])
        t[2] += 1
    return {k: LayerTypeCost(k, p, f, n) for k, (p, f, n) in totals.items()}
