"""Filter Response Normalisation with a Thresholded Linear Unit (FRN + TLU).

Per sample and channel, divide by the root mean square over ``(H, W)`` (no mean subtraction):

    nu2 = mean_{H,W}(x^2),   x_hat = x / sqrt(nu2 + eps),   y = gamma * x_hat + beta,
    z = max(y, tau)

TLU's learned threshold ``tau`` replaces ReLU: without mean centring, ``y`` may be shifted far from
zero and a plain ReLU could zero it all. No batch axis is involved.

Reference: Singh & Krishnan, "Filter Response Normalization Layer: Eliminating Batch Dependence in
the Training of Deep Neural Networks", CVPR 2020.
Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["filter_response_norm", "FRN"]


def filter_response_norm(
    x: Tensor, gamma: Tensor, beta: Tensor, tau: Tensor | None = None, eps: float = 1e-6
) -> Tensor:
    """``x``: ``(N, C, H, W)``; ``gamma``, ``beta``, ``tau``: ``(C,)``. ``tau=None`` skips the TLU."""
    if x.dim() != 4:
        raise ValueError(f"filter_response_norm expects (N, C, H, W), got shape {tuple(x.shape)}")
    if eps < 0:
        raise ValueError(f"eps must be non-negative, got {eps}")
    nu2 = x.pow(2).mean(dim=(2, 3), keepdim=True)
    y = x * torch.rsqrt(nu2 + eps)
    y = gamma.reshape(1, -1, 1, 1) * y + beta.reshape(1, -1, 1, 1)
    if tau is not None:
        y = torch.maximum(y, tau.reshape(1, -1, 1, 1))
    return y


class FRN(nn.Module):
    """FRN followed by TLU (``use_tlu=True``). Input/output ``(N, C, H, W)``.

    Departure from the paper: ``eps`` is a fixed constant here; the paper also proposes a learned
    ``eps`` for feature maps of size 1x1.
    Reference: Singh & Krishnan, CVPR 2020. Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    def __init__(self, num_features: int, eps: float = 1e-6, use_tlu: bool = True) -> None:
        super().__init__()
        if not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        self.num_features, self.eps, self.use_tlu = num_features, eps, use_tlu
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.tau = nn.Parameter(torch.zeros(num_features)) if use_tlu else None

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"FRN expects (N, {self.num_features}, H, W), got {tuple(x.shape)}")
        return filter_response_norm(x, self.weight, self.bias, self.tau, self.eps)
