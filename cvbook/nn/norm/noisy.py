"""Batch norm followed by injected covariate shift ("noisy BN" of Santurkar et al.).

After normalising, every channel is scaled and shifted by random amounts that are re-drawn at every
training step: ``y' = y * sqrt(v_c) + m_c`` with ``m_c ~ U(-noise, noise)`` and
``v_c ~ U(1, 1 + noise)``. The next layer therefore sees a distribution that moves from step to step,
the very "internal covariate shift" BN was supposed to remove.

Departure from the paper: Santurkar et al. draw the noise independently for every activation
(non-zero mean, non-unit variance, distribution changing each step); here one scale and one shift per
channel per step, which shifts the distribution the next layer sees without adding per-pixel noise.

Reference: Santurkar, Tsipras, Ilyas & Madry, "How Does Batch Normalization Help Optimization?",
NeurIPS 2018, Section 2.1.
Taught in: notebooks/02_batchnorm/07_why_bn_helps.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook.nn.norm.batchnorm import BatchNorm2d
from cvbook._checks import as_generator

__all__ = ["NoisyBatchNorm2d"]


class NoisyBatchNorm2d(BatchNorm2d):
    """:class:`BatchNorm2d` plus per-step random channel scale/shift in training. ``(N, C, H, W)``.

    ``noise=0`` is plain BN. Noise comes from a private generator seeded with ``seed``; evaluation
    mode adds no noise. Reference: Santurkar et al., NeurIPS 2018.
    """

    def __init__(self, num_features: int, noise: float = 1.0, seed: int = 0, **kw) -> None:
        super().__init__(num_features, **kw)
        if noise < 0:
            raise ValueError(f"noise must be non-negative, got {noise}")
        self.noise = noise
        self._gen = as_generator(seed)

    def forward(self, x: Tensor) -> Tensor:
        y = super().forward(x)
        if not self.training or self.noise == 0:
            return y
        c = self.num_features
        shift = (torch.rand(c, generator=self._gen) * 2 - 1) * self.noise
        var = 1 + torch.rand(c, generator=self._gen) * self.noise
        shift = shift.to(device=y.device, dtype=y.dtype).reshape(1, -1, 1, 1)
        scale = var.sqrt().to(device=y.device, dtype=y.dtype).reshape(1, -1, 1, 1)
        return y * scale + shift
