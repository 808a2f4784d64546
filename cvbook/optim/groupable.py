r"""A structured-sparsity penalty that makes a convolution *groupable*, and the conversion to a group convolution.

A convolution is groupable when its weight, read as a ``C_out x C_in`` matrix of ``k x k`` kernels, is block
diagonal: output group :math:`b` reads only input group :math:`b`. Then it *is* a group convolution (组卷积) with
:math:`g` groups and :math:`1/g` of the weights. The penalty weighs the norm of each kernel
:math:`W_{oi} \in \mathbb R^{k \times k}` by how far apart the blocks of :math:`o` and :math:`i` are in a
binary hierarchy of groups: with :math:`g = 2^d` groups and block indices :math:`b_o, b_i`,

.. math::  P_{oi} = \frac{\operatorname{bitlen}(b_o \oplus b_i)}{d}, \qquad R(W) = \sum_{o,i} P_{oi}\,\|W_{oi}\|_2,

so diagonal blocks cost 0, the off-diagonal blocks inside a pair of groups cost :math:`1/d` (0.5 for
:math:`g = 4`), and blocks across the top-level split cost 1, the weights of the notes' figure.
:func:`groupable_prox_` is the proximal step of :math:`\tau R` (a group soft-threshold), which sets whole
kernels to exactly zero, as ``soft_threshold`` does for single weights.

Departs from the paper: Zhang et al. also learn the channel permutation (the "learnable channel shuffle",
by coordinate descent / optimal transport); here the blocks are fixed to consecutive channels, and the
regulariser is the group-lasso norm of each kernel with these weights.

Reference: X.-Y. Zhang, K. Zhao, T. Xiao, M.-M. Cheng and M.-H. Yang, "Structured Sparsification with Joint
Optimization of Group Convolution and Channel Shuffle", UAI 2021 (arXiv:2002.08127).
Taught in: notebooks/08_papers/10_compression.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["groupable_weights", "groupable_penalty", "groupable_prox_", "off_block_fraction", "to_group_conv"]


def _check(out_channels: int, in_channels: int, groups: int) -> int:
    for name, v in (("out_channels", out_channels), ("in_channels", in_channels), ("groups", groups)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
    if groups & (groups - 1):
        raise ValueError(f"groups must be a power of 2 (the penalty is a binary hierarchy), got {groups}")
    if out_channels % groups or in_channels % groups:
        raise ValueError(f"groups={groups} must divide out_channels={out_channels} and in_channels={in_channels}")
    return groups.bit_length() - 1


def groupable_weights(out_channels: int, in_channels: int, groups: int) -> Tensor:
    """The penalty weights ``P (C_out, C_in)``: 0 on the ``groups`` diagonal blocks, up to 1 far from them.

    Raises:
        ValueError: non-positive sizes, ``groups`` not a power of 2 or not dividing both channel counts.
    """
    depth = _check(out_channels, in_channels, groups)
    if depth == 0:
        return torch.zeros(out_channels, in_channels)
    bo = torch.arange(out_channels) // (out_channels // groups)
    bi = torch.arange(in_channels) // (in_channels // groups)
    x = bo[:, None] ^ bi[None, :]
    bitlen = torch.zeros_like(x)
    while bool((x > 0).any()):           # bit length of b_o XOR b_i = levels of the hierarchy that differ
        bitlen += (x > 0).long()
        x = x >> 1
    return bitlen.float() / depth


def _kernel_norms(weight: Tensor) -> Tensor:
    if weight.dim() != 4 or weight.numel() == 0:
        raise ValueError(f"weight must be a non-empty (C_out, C_in, kh, kw) conv weight, got {tuple(weight.shape)}")
    return torch.linalg.vector_norm(weight, dim=(2, 3))


def groupable_penalty(weight: Tensor, groups: int) -> Tensor:
    """``R(W) = sum_oi P_oi ||W_oi||_2`` for a conv ``weight (C_out, C_in, kh, kw)`` (differentiable, scalar).

    Raises:
        ValueError: a weight that is not 4-D and non-empty, or a bad ``groups``.
    """
    norms = _kernel_norms(weight)
    p = groupable_weights(weight.shape[0], weight.shape[1], groups).to(weight)
    return (p * norms).sum()


@torch.no_grad()
def groupable_prox_(weight: Tensor, groups: int, tau: float) -> Tensor:
    """In place: the proximal step of ``tau * R``, ``W_oi <- W_oi max(0, 1 - tau P_oi / ||W_oi||)``; returns it.

    Raises:
        ValueError: ``tau < 0``, a weight that is not 4-D and non-empty, or a bad ``groups``.
    """
    if not tau >= 0:
        raise ValueError(f"tau must be >= 0, got {tau}")
    norms = _kernel_norms(weight)
    thr = tau * groupable_weights(weight.shape[0], weight.shape[1], groups).to(weight)
    safe = norms.clamp(min=torch.finfo(weight.dtype).tiny)
    factor = torch.where(norms > thr, 1 - thr / safe, torch.zeros_like(norms))
    weight.mul_(factor[:, :, None, None])
    return weight


def off_block_fraction(weight: Tensor, groups: int) -> float:
    """The fraction of ``sum w²`` that lies outside the ``groups`` diagonal blocks (0 for a groupable weight).

    Raises:
        ValueError: a weight that is not 4-D and non-empty, or a bad ``groups``; an all-zero weight.
    """
    norms2 = _kernel_norms(weight.detach()) ** 2
    total = float(norms2.sum())
    if total == 0:
        raise ValueError("weight is all zero: the fraction is undefined")
    off = groupable_weights(weight.shape[0], weight.shape[1], groups).to(norms2) > 0
    return float(norms2[off].sum()) / total


def to_group_conv(conv: nn.Conv2d, groups: int) -> nn.Conv2d:
    """An ``nn.Conv2d(..., groups=groups)`` holding the diagonal blocks of the dense ``conv``'s weight.

    Its output equals ``conv``'s exactly when the off-block kernels are zero; otherwise they are dropped.

    Raises:
        TypeError: ``conv`` is not an ``nn.Conv2d``.
        ValueError: ``conv`` already grouped, or a bad ``groups``.
    """
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"conv must be nn.Conv2d, got {type(conv).__name__}")
    if conv.groups != 1:
        raise ValueError(f"conv must be dense (groups=1), got groups={conv.groups}")
    _check(conv.out_channels, conv.in_channels, groups)
    out_g, in_g = conv.out_channels // groups, conv.in_channels // groups
    new = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
                    groups=groups, bias=conv.bias is not None, padding_mode=conv.padding_mode)
    with torch.no_grad():
        for b in range(groups):
            rows = slice(b * out_g, (b + 1) * out_g)
            new.weight[rows] = conv.weight[rows, b * in_g:(b + 1) * in_g]
        if conv.bias is not None:
            new.bias.copy_(conv.bias)
    return new.to(conv.weight.device, conv.weight.dtype)
