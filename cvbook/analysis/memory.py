"""Activation memory of a training step: the tensors autograd keeps for the backward pass.

On a CPU there is no allocator counter to read, so :func:`saved_activation_bytes` counts what
drives training memory instead: every tensor saved for backward during one forward pass
(through ``torch.autograd.graph.saved_tensors_hooks``), each underlying storage once, leaving out
the parameters and buffers. It is deterministic, so notebooks can check it exactly. On CUDA,
:func:`cuda_peak_memory` reads the allocator's real peak.

Taught in: notebooks/04_architectures/05_densenet_memory.ipynb
"""
from __future__ import annotations

from typing import Union

import torch
from torch import nn

__all__ = ["saved_activation_bytes", "cuda_peak_memory"]

Inputs = Union[torch.Tensor, tuple]


def _args(inputs: Inputs) -> tuple:
    args = inputs if isinstance(inputs, tuple) else (inputs,)
    if not all(isinstance(a, torch.Tensor) for a in args):
        raise TypeError("inputs must be a tensor or a tuple of tensors")
    return args


def saved_activation_bytes(model: nn.Module, inputs: Inputs) -> int:
    """Bytes of the distinct storages autograd saves in one forward pass of ``model(*inputs)``.

    ``inputs`` is ``(B, C, H, W)`` (or a tuple of positional tensors). The model runs in its
    current mode (call ``.train()`` first for a training step) with gradients enabled; parameter
    and buffer storages are excluded, the input is included when a layer saves it. A view (a
    ``chunk``, a ``t()``) counts its whole storage once. This is the memory a backward pass needs
    beyond the weights, the quantity DenseNet's concatenations inflate.

    Reference: Pleiss et al., "Memory-Efficient Implementation of DenseNets", arXiv:1707.06990.
    Taught in: notebooks/04_architectures/05_densenet_memory.ipynb
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    args = _args(inputs)
    exclude = {t.untyped_storage().data_ptr() for t in list(model.parameters()) + list(model.buffers())}
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        s = t.untyped_storage()
        if s.data_ptr() not in exclude and s.data_ptr() != 0:
            seen[s.data_ptr()] = s.nbytes()
        return t

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = model(*args)
    del out
    return int(sum(seen.values()))


def cuda_peak_memory(model: nn.Module, inputs: Inputs, backward: bool = True) -> int:
    """Peak bytes allocated on the CUDA device during ``model(*inputs)`` (and ``.sum().backward()``).

    Includes weights, activations, gradients and workspace, as the allocator sees them.
    Raises ``ValueError`` when the inputs are not on a CUDA device.

    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """
    args = _args(inputs)
    if not args[0].is_cuda:
        raise ValueError("cuda_peak_memory needs CUDA inputs; use saved_activation_bytes on a CPU")
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    out = model(*args)
    if backward:
        (out[0] if isinstance(out, tuple) else out).float().sum().backward()
    torch.cuda.synchronize()
    return int(torch.cuda.max_memory_allocated())
