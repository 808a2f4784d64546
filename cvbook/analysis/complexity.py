"""Counting parameters and FLOPs.

FLOPs follow the convention of ``torch.utils.flop_counter.FlopCounterMode``: a multiply-accumulate
is 2 FLOPs; only convolutions and matrix products are counted (the bias add, normalisation,
activations and pooling are not). :func:`count_flops` computes them from the shapes of each call,
independently of ``FlopCounterMode``, which the tests use as the oracle.

Taught in: notebooks/01_cnn_basics/04_params_and_flops.ipynb.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

__all__ = ["count_params", "count_flops"]


def count_params(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of parameters (shared parameters counted once)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _shape(t) -> tuple[int, ...]:
    return tuple(t.shape)


class _FlopCounter(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        name = getattr(func, "__name__", "").lstrip("_")
        if name in ("conv1d", "conv2d", "conv3d"):
            # 2 * N * C_out * prod(out spatial) * (C_in / g) * prod(kernel) = 2 * N * prod(w) * prod(out spatial)
            w = args[1] if len(args) > 1 else kwargs["weight"]
            self.total += 2 * out.shape[0] * math.prod(_shape(w)) * math.prod(_shape(out)[2:])
        elif name.startswith("conv_transpose"):
            # each input pixel scatters a C_out/g x kernel patch: 2 * N * prod(w) * prod(in spatial)
            x, w = args[0], (args[1] if len(args) > 1 else kwargs["weight"])
            self.total += 2 * x.shape[0] * math.prod(_shape(w)) * math.prod(_shape(x)[2:])
        elif name == "linear":
            x, w = args[0], (args[1] if len(args) > 1 else kwargs["weight"])
            self.total += 2 * math.prod(_shape(x)[:-1]) * w.shape[0] * w.shape[1]
        elif name in ("mm", "matmul", "bmm") and isinstance(out, torch.Tensor):
            a = args[0]
            self.total += 2 * math.prod(_shape(out)) * a.shape[-1]
        elif name in ("addmm", "baddbmm") and isinstance(out, torch.Tensor):
            a = args[1]
            self.total += 2 * math.prod(_shape(out)) * a.shape[-1]
        return out


def count_flops(model: nn.Module, inputs: torch.Tensor | tuple) -> int:
    """FLOPs of one forward pass of ``model`` on ``inputs`` (a tensor or a tuple of positional args).

    Counts 2-D/1-D/3-D (transposed) convolutions, linear layers and matrix products.
    Runs under ``no_grad`` and in the model's current mode.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    args = inputs if isinstance(inputs, tuple) else (inputs,)
    if not all(isinstance(a, torch.Tensor) for a in args):
        raise TypeError("inputs must be a tensor or a tuple of tensors")
    counter = _FlopCounter()
    with torch.no_grad(), counter:
        model(*args)
    return int(counter.total)
