"""Weight normalisation: reparametrise a weight as a length times a direction, ``w = g * v / ||v||``.

The norm is taken over every dimension except ``dim`` (``dim=0``: one length per output unit /
output channel), like ``torch.nn.utils.parametrizations.weight_norm``. Unlike BN nothing depends on
the batch: WN normalises the weights, not the activations. Decoupling length from direction is also
the "length-direction decoupling" view of why normalisation helps optimisation (notes 003 l.1169).

Reference: Salimans & Kingma, "Weight Normalization: A Simple Reparameterization to Accelerate
Training of Deep Neural Networks", NeurIPS 2016.
Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["weight_norm_weight", "WeightNormLinear", "WeightNormConv2d"]


def weight_norm_weight(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """``g * v / ||v||`` with the norm over all dims but ``dim``.

    ``v``: any shape, e.g. ``(C_out, C_in, kH, kW)``; ``g``: broadcastable, ``(C_out, 1, 1, 1)`` for dim=0.
    """
    if v.dim() == 0:
        raise ValueError("weight_norm_weight needs a weight with at least one dimension")
    if not -v.dim() <= dim < v.dim():
        raise ValueError(f"dim must index one of the {v.dim()} dims of v, got {dim}")
    dim = dim % v.dim()
    dims = [d for d in range(v.dim()) if d != dim]
    norm = torch.linalg.vector_norm(v, dim=dims, keepdim=True) if dims else v.abs()
    return g * v / norm


def _init_g_v(weight: Tensor, dim: int) -> tuple[nn.Parameter, nn.Parameter]:
    dims = [d for d in range(weight.dim()) if d != dim]
    g = torch.linalg.vector_norm(weight.detach(), dim=dims, keepdim=True)
    return nn.Parameter(g.clone()), nn.Parameter(weight.detach().clone())


class WeightNormLinear(nn.Linear):
    """``nn.Linear`` whose weight ``(out, in)`` is ``weight_g * weight_v / ||weight_v||`` (per output row).

    Initialised so that the effective weight equals the usual ``nn.Linear`` initialisation.
    Reference: Salimans & Kingma, 2016. Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, **kw) -> None:
        super().__init__(in_features, out_features, bias, **kw)
        self.weight_g, self.weight_v = _init_g_v(self.weight, 0)
        del self.weight

    @property
    def effective_weight(self) -> Tensor:
        return weight_norm_weight(self.weight_v, self.weight_g, 0)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.effective_weight, self.bias)


class WeightNormConv2d(nn.Conv2d):
    """``nn.Conv2d`` whose weight ``(C_out, C_in/groups, kH, kW)`` is ``g * v / ||v||`` per output channel.

    Same constructor as ``nn.Conv2d``. Input ``(N, C_in, H, W)``, output ``(N, C_out, H', W')``.
    Reference: Salimans & Kingma, 2016. Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.weight_g, self.weight_v = _init_g_v(self.weight, 0)
        del self.weight

    @property
    def effective_weight(self) -> Tensor:
        return weight_norm_weight(self.weight_v, self.weight_g, 0)

    def forward(self, x: Tensor) -> Tensor:
        return self._conv_forward(x, self.effective_weight, self.bias)
