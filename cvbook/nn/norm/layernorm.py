"""Layer normalisation: statistics per sample over the trailing ``normalized_shape`` dimensions.

For a CNN feature map ``(N, C, H, W)`` with ``normalized_shape = (C, H, W)`` every sample is
normalised over all its values; the affine parameters have shape ``normalized_shape`` (one per
element, as in ``torch.nn.LayerNorm``, not one per channel as in group norm).

Reference: Ba, Kiros & Hinton, "Layer Normalization", arXiv:1607.06450, 2016.
Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

__all__ = ["layer_norm", "LayerNorm"]


def _as_shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if len(shape) == 0 or any((not isinstance(s, int)) or s <= 0 for s in shape):
        raise ValueError(f"normalized_shape must be a positive int or a non-empty tuple of them, got {normalized_shape!r}")
    return shape


def layer_norm(
    x: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Functional layer norm. ``x``: ``(*, *normalized_shape)``; ``weight``/``bias``: ``normalized_shape``."""
    shape = _as_shape(normalized_shape)
    if tuple(x.shape[-len(shape):]) != shape or x.dim() < len(shape):
        raise ValueError(f"the last dims of x must be {shape}, got x of shape {tuple(x.shape)}")
    dims = tuple(range(-len(shape), 0))
    mean = x.mean(dim=dims, keepdim=True)
    var = x.var(dim=dims, unbiased=False, keepdim=True)
    y = (x - mean) * torch.rsqrt(var + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


class LayerNorm(nn.Module):
    """Same arguments and state-dict keys as ``torch.nn.LayerNorm`` (``elementwise_affine``).

    Reference: Ba et al., 2016.
    Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape, device=device, dtype=dtype))
            self.bias = nn.Parameter(torch.zeros(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
