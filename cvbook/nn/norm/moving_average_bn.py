"""Batch norm with moving-average statistics over the last ``window`` iterations (small-batch remedy).

At batch size 2 a channel's batch mean and variance come from very few values and are noisy. Instead
of the current batch alone, training normalises with the simple moving average (SMA) of the first and
second moments of the last ``K = window`` batches:

    mu = (mu_t + sum_{j<K} mu_{t-j}) / K,   s = (s_t + sum s_{t-j}) / K   with s = mean(x^2),
    var = s - mu^2

Only the current batch's terms carry gradient (weight 1/K); the older ones are constants.

Departures from the papers: MABN (Yan et al., ICLR 2020, notes 002 l.188) also averages the
*backward* statistics and removes the mean from the weights ("centred weights") to make the stale
statistics valid; Cross-Iteration BN (Yao et al., CVPR 2021) corrects the old statistics with a
first-order Taylor term in the weight change. This layer does neither: it is the plain SMA, whose
error grows when the weights move fast during the window.

Reference: Yan, Wan, Zhang, Zhang, Wei & Sun, "Towards Stabilizing Batch Statistics in Backward
Propagation of Batch Normalization", ICLR 2020.
Taught in: notebooks/02_batchnorm/09_small_batch.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["MovingAverageBatchNorm2d"]


class MovingAverageBatchNorm2d(nn.Module):
    """BN whose training statistics are the SMA over ``window`` iterations. Input/output ``(N, C, H, W)``.

    ``window=1`` is ordinary batch norm. Running statistics (for evaluation) follow PyTorch's momentum
    convention, fed with the window statistics.
    Reference: Yan et al., ICLR 2020. Taught in: notebooks/02_batchnorm/09_small_batch.ipynb
    """

    def __init__(self, num_features: int, window: int = 16, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        if not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        if not isinstance(window, int) or window < 1:
            raise ValueError(f"window must be an int >= 1, got {window!r}")
        self.num_features, self.window, self.eps, self.momentum = num_features, window, eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        # the last window-1 batches' (mean, mean of squares), oldest first; not saved in the state dict
        self._history: list[tuple[Tensor, Tensor]] = []

    def reset_history(self) -> None:
        self._history.clear()

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"MovingAverageBatchNorm2d expects (N, {self.num_features}, H, W), got {tuple(x.shape)}")
        shape = (1, -1, 1, 1)
        if not self.training:
            mean, var = self.running_mean, self.running_var
        else:
            mu_t = x.mean(dim=(0, 2, 3))
            s_t = (x * x).mean(dim=(0, 2, 3))
            k = 1 + len(self._history)
            mean = (mu_t + sum((h[0] for h in self._history), torch.zeros_like(mu_t))) / k
            sq = (s_t + sum((h[1] for h in self._history), torch.zeros_like(s_t))) / k
            var = (sq - mean * mean).clamp_min(0.0)
            if self.window > 1:
                self._history.append((mu_t.detach(), s_t.detach()))
                if len(self._history) > self.window - 1:
                    self._history.pop(0)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean.detach())
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var.detach())
        y = (x - mean.reshape(shape)) * torch.rsqrt(var.reshape(shape) + self.eps)
        return y * self.weight.reshape(shape) + self.bias.reshape(shape)

    def extra_repr(self) -> str:
        return f"{self.num_features}, window={self.window}, eps={self.eps}, momentum={self.momentum}"
