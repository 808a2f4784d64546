"""Instance normalisation: statistics per sample and per channel, over ``(H, W)``.

Used for style transfer, where the contrast of each image should not leak into the output.
Departure from ``torch.nn.InstanceNorm2d``: no ``track_running_stats`` option (the layer always
uses the instance statistics, which is torch's default too).

Reference: Ulyanov, Vedaldi & Lempitsky, "Instance Normalization: The Missing Ingredient for Fast
Stylization", arXiv:1607.08022, 2016.
Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["instance_norm", "InstanceNorm2d"]


def instance_norm(x: Tensor, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Functional instance norm. ``x``: ``(N, C, H, W)``; ``weight``, ``bias``: ``(C,)`` or ``None``."""
    if x.dim() != 4:
        raise ValueError(f"instance_norm expects a 4D input (N, C, H, W), got shape {tuple(x.shape)}")
    if x.shape[2] * x.shape[3] <= 1:
        raise ValueError(f"instance_norm needs more than 1 spatial value per channel, got {tuple(x.shape)}")
    mean = x.mean(dim=(2, 3), keepdim=True)
    var = x.var(dim=(2, 3), unbiased=False, keepdim=True)
    y = (x - mean) * torch.rsqrt(var + eps)
    if weight is not None:
        y = y * weight.reshape(1, -1, 1, 1)
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return y


class InstanceNorm2d(nn.Module):
    """Like ``torch.nn.InstanceNorm2d(num_features, eps, affine)``; ``affine`` defaults to False as there.

    Input/output ``(N, C, H, W)``. Reference: Ulyanov et al., 2016.
    Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        affine: bool = False,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        self.num_features, self.eps, self.affine = num_features, eps, affine
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features, device=device, dtype=dtype))
            self.bias = nn.Parameter(torch.zeros(num_features, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() == 4 and x.shape[1] != self.num_features:
            raise ValueError(f"InstanceNorm2d expects {self.num_features} channels, got {x.shape[1]}")
        return instance_norm(x, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, affine={self.affine}"
