r"""Filter pruning (剪枝) by weight norm: score each output filter by its :math:`L_p` norm, drop the smallest.

A filter :math:`W_j \in \mathbb R^{C_\text{in} \times k \times k}` of a convolution scores
:math:`\|W_j\|_p`; removing the ``amount`` smallest removes output channel :math:`j` *and* the matching input
channel of the next layer, so the pruned network is a smaller dense network (real savings in size and time),
unlike unstructured pruning, which leaves a sparse tensor of the same shape.

:func:`filter_prune_mask` gives the same mask as ``torch.nn.utils.prune.ln_structured(module, "weight", amount,
n=p, dim=0)`` (the tests check equality); :func:`remove_filters` builds the smaller layers.

Reference: H. Li, A. Kadav, I. Durdanovic, H. Samet and H. P. Graf, "Pruning Filters for Efficient ConvNets",
ICLR 2017 (the L1 norm of each filter, section 3.1).
Taught in: notebooks/08_papers/10_compression.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["filter_norms", "filter_prune_mask", "kept_filters", "remove_filters"]


def filter_norms(weight: Tensor, p: float = 1) -> Tensor:
    """``(C_out,)``: the L``p`` norm of each output filter of ``weight (C_out, C_in, kh, kw)`` (or ``(C_out, C_in)``).

    Raises:
        ValueError: ``weight`` has fewer than 2 dims or no filters, or ``p <= 0``.
    """
    if weight.dim() < 2 or weight.shape[0] == 0:
        raise ValueError(f"weight must be (C_out, C_in, ...) with C_out >= 1, got shape {tuple(weight.shape)}")
    if not p > 0:
        raise ValueError(f"p must be > 0, got {p}")
    return torch.linalg.vector_norm(weight.detach().reshape(weight.shape[0], -1), ord=p, dim=1)


def _n_prune(amount: float | int, n: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise ValueError(f"amount must be a fraction in [0, 1] or a count, got {amount!r}")
    if isinstance(amount, float):
        if not 0.0 <= amount <= 1.0:
            raise ValueError(f"amount as a fraction must lie in [0, 1], got {amount}")
        return round(amount * n)                      # torch.nn.utils.prune rounds the same way
    if not 0 <= amount <= n:
        raise ValueError(f"amount as a count must lie in [0, {n}], got {amount}")
    return amount


def kept_filters(weight: Tensor, amount: float | int, p: float = 1) -> Tensor:
    """Indices ``LongTensor[K]`` (ascending) of the filters kept after pruning ``amount`` by L``p`` norm.

    Args:
        weight: ``(C_out, C_in, ...)``.
        amount: a fraction of the ``C_out`` filters (float in [0, 1]) or a count (int).
        p: the norm's order (1 in Li et al.).

    Raises:
        ValueError: bad ``weight``, ``p`` or ``amount``.
    """
    norms = filter_norms(weight, p)
    keep = norms.numel() - _n_prune(amount, norms.numel())
    # torch.nn.utils.prune keeps the top-k norms with torch.topk; ties are broken the same way here
    return torch.topk(norms, k=keep).indices.sort().values


def filter_prune_mask(weight: Tensor, amount: float | int, p: float = 1) -> Tensor:
    """Mask ``(C_out, C_in, ...)`` of ones for kept filters, zeros for pruned ones (as ``prune.ln_structured``).

    Raises:
        ValueError: bad ``weight``, ``p`` or ``amount``.
    """
    mask = torch.zeros_like(weight)
    mask[kept_filters(weight, amount, p)] = 1
    return mask


def remove_filters(conv: nn.Conv2d, keep: Tensor, following: nn.Conv2d | nn.Linear) -> tuple[nn.Conv2d, nn.Module]:
    """A smaller ``conv`` with only the output filters ``keep``, and ``following`` without the matching inputs.

    ``following`` must read ``conv``'s output channels directly: a ``Conv2d`` with ``groups=1``, or a ``Linear``
    on the flattened map, whose ``in_features`` is ``conv.out_channels * S`` (``S`` pixels per channel, channel-
    major as ``nn.Flatten`` orders them). The new pair computes what the pair with the pruned filters' weights
    and biases set to zero computed (a removed filter's map is zero, so it adds nothing downstream).

    Returns:
        ``(new_conv, new_following)``, fresh modules with copied weights.

    Raises:
        TypeError: a layer of another type.
        ValueError: ``keep`` empty, out of range or repeated, grouped convolutions, or mismatched channels.
    """
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"conv must be nn.Conv2d, got {type(conv).__name__}")
    if not isinstance(following, (nn.Conv2d, nn.Linear)):
        raise TypeError(f"following must be nn.Conv2d or nn.Linear, got {type(following).__name__}")
    keep = torch.as_tensor(keep, dtype=torch.long)
    c = conv.out_channels
    bad_index = bool((keep < 0).any() | (keep >= c).any()) if keep.numel() else False
    if keep.dim() != 1 or keep.numel() == 0 or bad_index or keep.unique().numel() != keep.numel():
        raise ValueError(f"keep must be distinct indices in [0, {c}), at least one, got {keep.tolist()}")
    n_in = following.in_channels if isinstance(following, nn.Conv2d) else following.in_features
    if n_in % c or (isinstance(following, nn.Conv2d) and n_in != c):
        raise ValueError(f"following must read the {c} channels of conv (a multiple of {c} features for a Linear), "
                         f"but it takes {n_in} inputs")
    s = n_in // c
    cols = (keep[:, None] * s + torch.arange(s)).reshape(-1)      # the S features of each kept channel
    if conv.groups != 1 or (isinstance(following, nn.Conv2d) and following.groups != 1):
        raise ValueError("remove_filters needs groups=1 convolutions")
    new = nn.Conv2d(conv.in_channels, keep.numel(), conv.kernel_size, conv.stride, conv.padding, conv.dilation,
                    bias=conv.bias is not None, padding_mode=conv.padding_mode)
    with torch.no_grad():
        new.weight.copy_(conv.weight[keep])
        if conv.bias is not None:
            new.bias.copy_(conv.bias[keep])
        if isinstance(following, nn.Conv2d):
            nxt: nn.Module = nn.Conv2d(keep.numel(), following.out_channels, following.kernel_size, following.stride,
                                       following.padding, following.dilation, bias=following.bias is not None,
                                       padding_mode=following.padding_mode)
        else:
            nxt = nn.Linear(cols.numel(), following.out_features, bias=following.bias is not None)
        nxt.weight.copy_(following.weight[:, cols].reshape(nxt.weight.shape))
        if following.bias is not None:
            nxt.bias.copy_(following.bias)
    return new, nxt
