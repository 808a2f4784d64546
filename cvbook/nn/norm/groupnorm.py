"""Group normalisation: statistics per sample and per group of channels.

For ``x`` of shape ``(N, C, *)`` the ``C`` channels are split into ``G`` groups of ``C // G``
consecutive channels; each (sample, group) is normalised over its ``C/G * prod(*)`` values, then a
per-channel affine ``gamma, beta`` is applied. ``G = 1`` is layer norm over ``(C, H, W)``; ``G = C``
is instance norm. None of the statistics involve the batch axis, so the result does not depend on
the batch size.

Reference: Wu & He, "Group Normalization", ECCV 2018.
Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["group_norm", "GroupNorm"]


def group_norm(
    x: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5
) -> Tensor:
    """Functional group norm. ``x``: ``(N, C, *)``; ``weight``, ``bias``: ``(C,)`` or ``None``.

    Uses the biased variance, like ``torch.nn.functional.group_norm``; gradients come from autograd.
    """
    if x.dim() < 2:
        raise ValueError(f"group_norm needs an input of shape (N, C, *), got {tuple(x.shape)}")
    n, c = x.shape[:2]
    if not isinstance(num_groups, int) or num_groups <= 0 or c % num_groups != 0:
        raise ValueError(f"num_groups must be a positive int dividing the {c} channels, got {num_groups!r}")
    xg = x.reshape(n, num_groups, -1)
    mean = xg.mean(dim=-1, keepdim=True)
    var = xg.var(dim=-1, unbiased=False, keepdim=True)
    y = ((xg - mean) * torch.rsqrt(var + eps)).reshape(x.shape)
    shape = [1, c] + [1] * (x.dim() - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


class GroupNorm(nn.Module):
    """Same arguments and state-dict keys as ``torch.nn.GroupNorm``. Input/output ``(N, C, *)``.

    Reference: Wu & He, ECCV 2018.
    Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(num_channels, int) or num_channels <= 0:
            raise ValueError(f"num_channels must be a positive int, got {num_channels!r}")
        if not isinstance(num_groups, int) or num_groups <= 0 or num_channels % num_groups != 0:
            raise ValueError(f"num_groups must be a positive int dividing num_channels={num_channels}, got {num_groups!r}")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        if affine:
            self.weight = nn.Parameter(torch.ones(num_channels, device=device, dtype=dtype))
            self.bias = nn.Parameter(torch.zeros(num_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm expects (N, {self.num_channels}, *), got {tuple(x.shape)}")
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
