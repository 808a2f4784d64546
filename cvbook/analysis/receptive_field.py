"""Theoretical receptive fields, computed through a model's real dataflow.

For a layer with kernel ``k``, stride ``s``, padding ``p`` and dilation ``d`` (``k_eff = d(k-1)+1``),
the *forward* recursion over layers ``l = 1..L`` (input: ``rf_0 = 1``, ``jump_0 = 1``, ``start_0 = 0``) is

    rf_l    = rf_{l-1} + (k_eff_l - 1) * jump_{l-1}        jump_{l-1} = s_1 * ... * s_{l-1}
    jump_l  = jump_{l-1} * s_l
    start_l = start_{l-1} + ((k_eff_l - 1) / 2 - p_l) * jump_{l-1}

``start`` is the centre of the first output unit's field, in input pixel indices (pixel ``i`` has its
centre at ``i``; rows and columns are tracked separately as ``(row, col)`` pairs). Unit ``u`` of layer
``l`` sees input pixels ``start_l + u * jump_l +- (rf_l - 1) / 2`` (before clipping at the border).

Rather than walking ``model.children()`` (which gets branches wrong), :func:`receptive_field` runs one
forward pass under a ``TorchFunctionMode`` that follows every tensor: convolutions and pooling update
the geometry, element-wise ops pass it on, and ops with several inputs (``+``, ``cat``) keep the largest
field, so residual shortcuts and concatenations are handled.

Reference: A. Araujo, W. Norris and J. Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill, 2019.
Taught in: notebooks/01_cnn_basics/06_receptive_field.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_flatten

__all__ = ["LayerRF", "receptive_field", "input_shape_for"]


@dataclass(frozen=True)
class LayerRF:
    """Receptive-field record of one conv/pool layer, in forward order. Pairs are ``(row, col)``."""

    name: str
    kind: str
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    rf_hw: tuple[int, int]
    jump_hw: tuple[int, int]
    start_hw: tuple[float, float]
    output_size: tuple[int, int]

    @property
    def rf(self) -> int:
        """Receptive field in pixels along rows (equal to columns for square kernels)."""
        return self.rf_hw[0]

    @property
    def jump(self) -> int:
        """Product of the strides up to and including this layer (rows)."""
        return self.jump_hw[0]

    @property
    def start(self) -> float:
        """Centre of the first output unit's field, in input pixel indices (rows)."""
        return self.start_hw[0]


@dataclass(frozen=True)
class _Geo:
    rf: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[float, float]


def _pair(v) -> tuple[int, int]:
    if isinstance(v, (list, tuple)):
        return (int(v[0]), int(v[-1])) if len(v) else (0, 0)
    return int(v), int(v)


def _arg(args, kwargs, i, name, default):
    if name in kwargs:
        return kwargs[name]
    return args[i] if len(args) > i else default


def _layer_geometry(fname: str, args, kwargs, x: torch.Tensor, out: torch.Tensor):
    """Return (kind, kernel, stride, padding, dilation) for a conv/pool call, or None for other ops."""
    base = fname.lstrip("_")
    if base in ("conv2d",):
        w = _arg(args, kwargs, 1, "weight", None)
        kernel = (int(w.shape[-2]), int(w.shape[-1]))
        stride = _pair(_arg(args, kwargs, 3, "stride", 1))
        dilation = _pair(_arg(args, kwargs, 5, "dilation", 1))
        padding = _arg(args, kwargs, 4, "padding", 0)
        if isinstance(padding, str):  # 'valid' or 'same'
            padding = (0, 0) if padding == "valid" else tuple(d * (k - 1) // 2 for k, d in zip(kernel, dilation))
        return "conv", kernel, stride, _pair(padding), dilation
    if base in ("max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "lp_pool2d"):
        kernel = _pair(_arg(args, kwargs, 1, "kernel_size", None))
        stride = _arg(args, kwargs, 2, "stride", None)
        stride = kernel if stride is None or stride == [] or stride == () else _pair(stride)
        padding = _pair(_arg(args, kwargs, 3, "padding", 0)) if "lp" not in base else (0, 0)
        dilation = _pair(_arg(args, kwargs, 4, "dilation", 1)) if "max" in base else (1, 1)
        return ("max_pool" if "max" in base else "avg_pool"), kernel, stride, padding, dilation
    if base in ("adaptive_avg_pool2d", "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices"):
        ins, outs = tuple(x.shape[-2:]), tuple(out.shape[-2:])
        stride, kernel = [], []
        for i, o in zip(ins, outs):
            if i % o:
                raise ValueError(f"adaptive pooling from {i} to {o} has uneven windows; receptive_field needs {o} to divide {i}")
            stride.append(i // o)
            kernel.append(i - (o - 1) * (i // o))
        return "adaptive_pool", tuple(kernel), tuple(stride), (0, 0), (1, 1)
    if "conv_transpose" in base or base in ("conv1d", "conv3d", "max_pool1d", "max_pool3d", "avg_pool1d", "avg_pool3d"):
        raise ValueError(f"receptive_field handles 2-D convolution and pooling only, not {fname}")
    return None


class _Tracker(TorchFunctionMode):
    def __init__(self, root: nn.Module) -> None:
        super().__init__()
        self.geo: dict[int, _Geo] = {}
        self.keep: list[torch.Tensor] = []  # keeps tracked tensors alive so their ids stay unique
        self.records: list[LayerRF] = []
        self.names: list[str] = []
        self.handles = []
        for name, module in root.named_modules():
            self.handles.append(module.register_forward_pre_hook(self._enter(name)))
            self.handles.append(module.register_forward_hook(self._leave))

    def _enter(self, name: str):
        def hook(module, args) -> None:  # returns None: leaves the input untouched
            self.names.append(name)

        return hook

    def _leave(self, module, args, output) -> None:  # returns None: leaves the output untouched
        self.names.pop()

    def track(self, t: torch.Tensor, g: _Geo) -> None:
        self.geo[id(t)] = g
        self.keep.append(t)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        inputs = [t for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor) and id(t) in self.geo]
        if not inputs:
            return out
        outputs = [t for t in tree_flatten(out)[0] if isinstance(t, torch.Tensor)]
        fname = getattr(func, "__name__", str(func))
        x = inputs[0]
        layer = _layer_geometry(fname, args, kwargs, x, outputs[0]) if outputs else None
        if layer is not None:
            kind, kernel, stride, padding, dilation = layer
            g = self.geo[id(x)]
            rf, jump, start = [], [], []
            for a in range(2):
                k_eff = dilation[a] * (kernel[a] - 1) + 1
                rf.append(g.rf[a] + (k_eff - 1) * g.jump[a])
                jump.append(g.jump[a] * stride[a])
                start.append(g.start[a] + ((k_eff - 1) / 2 - padding[a]) * g.jump[a])
            new = _Geo(tuple(rf), tuple(jump), tuple(start))
            name = self.names[-1] if self.names else fname
            self.records.append(
                LayerRF(name, kind, kernel, stride, padding, dilation, new.rf, new.jump, new.start, tuple(outputs[0].shape[-2:]))
            )
        else:
            spatial = [t for t in outputs if t.dim() == 4]
            if spatial and x.dim() == 4 and spatial[0].shape[-2:] != x.shape[-2:] and all(
                i.shape[-2:] != spatial[0].shape[-2:] for i in inputs if i.dim() == 4
            ):
                raise ValueError(f"receptive_field does not know how {fname} changes the spatial size")
            new = max((self.geo[id(t)] for t in inputs), key=lambda g: g.rf)
        for t in outputs:
            self.track(t, new)
        return out


def input_shape_for(model: nn.Module, input_size: int | tuple[int, ...]) -> tuple[int, int, int]:
    """``(C, H, W)`` from an int, ``(H, W)`` or ``(C, H, W)``; C defaults to the first conv's in_channels."""
    if isinstance(input_size, int) and not isinstance(input_size, bool):
        input_size = (input_size, input_size)
    if not isinstance(input_size, (tuple, list)) or len(input_size) not in (2, 3):
        raise TypeError(f"input_size must be an int, (H, W) or (C, H, W), got {input_size!r}")
    if any(not isinstance(v, int) or v <= 0 for v in input_size):
        raise ValueError(f"input_size must hold positive ints, got {input_size!r}")
    if len(input_size) == 3:
        return tuple(input_size)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    channels = convs[0].in_channels if convs else 1
    return (channels, *input_size)


def receptive_field(model: nn.Module, input_size: int | tuple[int, ...]) -> list[LayerRF]:
    """One :class:`LayerRF` per 2-D conv/pool call, in forward order; the last is the model's field.

    Args:
        model: any ``nn.Module`` made of 2-D convolutions and pooling (nested containers, residual
            additions and concatenations included). Runs once in eval mode under ``no_grad``.
        input_size: ``H`` (square), ``(H, W)`` or ``(C, H, W)`` of one input image.

    The fields ignore the image border (padding is treated as if the image went on), as is usual;
    :func:`cvbook.analysis.empirical_receptive_field` measures the clipped field with gradients.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    shape = input_shape_for(model, input_size)
    param = next(model.parameters(), None)
    x = torch.zeros(1, *shape, device=param.device if param is not None else "cpu",
                    dtype=param.dtype if param is not None else torch.float32)
    was_training = model.training
    model.eval()
    tracker = _Tracker(model)
    try:
        tracker.track(x, _Geo((1, 1), (1, 1), (0.0, 0.0)))
        with torch.no_grad(), tracker:
            model(x)
    finally:
        for h in tracker.handles:
            h.remove()
        model.train(was_training)
    if not tracker.records:
        raise ValueError("the model ran no 2-D convolution or pooling, so it has no receptive field to report")
    return tracker.records
