"""Switchable normalisation: a learned softmax mix of IN, LN and BN statistics.

For ``x`` of shape ``(N, C, H, W)`` the three means and variances are computed from the instance
statistics ``mu_in, var_in`` (per sample and channel):

    mu_ln = mean_C(mu_in),  var_ln = mean_C(var_in + mu_in^2) - mu_ln^2
    mu_bn = mean_N(mu_in),  var_bn = mean_N(var_in + mu_in^2) - mu_bn^2
    mu = sum_k softmax(w_mean)_k mu_k,   var = sum_k softmax(w_var)_k var_k     (k in IN, LN, BN)

Departures from the paper: the BN statistics at test time are running averages (momentum
convention of :class:`cvbook.nn.norm.BatchNorm2d`), as in the authors' released code, not the
"batch average" over sampled training batches described in the paper and in notes 002 l.180; and
all variances are biased (the released code uses an unbiased instance variance).

Reference: Luo, Ren, Peng, Zhang & Li, "Differentiable Learning-to-Normalize via Switchable
Normalization", ICLR 2019.
Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["SwitchNorm2d"]


class SwitchNorm2d(nn.Module):
    """Switchable norm over IN/LN/BN. Input/output ``(N, C, H, W)``.

    ``mean_weight`` and ``var_weight`` are the 3 logits, in the order (IN, LN, BN).
    Reference: Luo et al., ICLR 2019. Taught in: notebooks/02_batchnorm/02_norm_family.ipynb
    """

    ORDER = ("in", "ln", "bn")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        if not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.mean_weight = nn.Parameter(torch.zeros(3))
        self.var_weight = nn.Parameter(torch.zeros(3))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def statistics(self, x: Tensor) -> dict[str, tuple[Tensor, Tensor]]:
        """The three (mean, var) pairs, each broadcastable to ``x``: IN ``(N, C, 1, 1)``, LN ``(N, 1, 1, 1)``,
        BN ``(1, C, 1, 1)`` (batch statistics in training, running ones in evaluation)."""
        mu_in = x.mean(dim=(2, 3), keepdim=True)
        var_in = x.var(dim=(2, 3), unbiased=False, keepdim=True)
        sq_in = var_in + mu_in**2
        mu_ln = mu_in.mean(dim=1, keepdim=True)
        var_ln = sq_in.mean(dim=1, keepdim=True) - mu_ln**2
        if self.training:
            mu_bn = mu_in.mean(dim=0, keepdim=True)
            var_bn = sq_in.mean(dim=0, keepdim=True) - mu_bn**2
            with torch.no_grad():
                m = x.shape[0] * x.shape[2] * x.shape[3]
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mu_bn.flatten())
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var_bn.flatten() * m / max(m - 1, 1))
        else:
            mu_bn = self.running_mean.reshape(1, -1, 1, 1)
            var_bn = self.running_var.reshape(1, -1, 1, 1)
        return {"in": (mu_in, var_in), "ln": (mu_ln, var_ln), "bn": (mu_bn, var_bn)}

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"SwitchNorm2d expects (N, {self.num_features}, H, W), got {tuple(x.shape)}")
        if self.training and x.shape[0] * x.shape[2] * x.shape[3] <= 1:
            raise ValueError(f"SwitchNorm2d in training needs more than 1 value per channel, got {tuple(x.shape)}")
        stats = self.statistics(x)
        wm = torch.softmax(self.mean_weight, 0)
        wv = torch.softmax(self.var_weight, 0)
        mean = sum(wm[i] * stats[k][0] for i, k in enumerate(self.ORDER))
        var = sum(wv[i] * stats[k][1] for i, k in enumerate(self.ORDER))
        y = (x - mean) * torch.rsqrt(var + self.eps)
        return y * self.weight.reshape(1, -1, 1, 1) + self.bias.reshape(1, -1, 1, 1)
