"""Parameters and FLOPs of a model summed by layer *type*: full, depthwise, pointwise, FC.

:func:`cvbook.models.stage_costs` splits a model by position (its top-level parts); this splits it
by kind of layer, the breakdown of the MobileNet paper's Table 2.

Reference: Howard et al., "MobileNets", arXiv:1704.04861, 2017, Table 2.
Taught in: notebooks/04_architectures/06_mobilenet.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from cvbook.analysis.complexity import count_flops

__all__ = ["LayerTypeCost", "costs_by_layer_type", "layer_type"]


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
    inputs: dict[nn.Module, tuple] = {}
    hooks = [m.register_forward_pre_hook(lambda mod, a: inputs.setdefault(mod, a)) for m in layers]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    totals: dict[str, list[int]] = {}
    for m in layers:
        if m not in inputs:  # defined but never called
            continue
        t = totals.setdefault(layer_type(m), [0, 0, 0])
        t[0] += sum(p.numel() for p in m.parameters(recurse=False))
        t[1] += count_flops(m, inputs[m])
        t[2] += 1
    return {k: LayerTypeCost(k, p, f, n) for k, (p, f, n) in totals.items()}
