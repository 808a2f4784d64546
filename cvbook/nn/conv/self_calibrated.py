"""Self-calibrated convolution (SCNet): half the channels are convolved under a gate computed at
a coarser scale, enlarging the field of view without more parameters."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["SCConv"]


def _cb(c: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c, c, 3, stride, 1, bias=False), nn.BatchNorm2d(c))


class SCConv(nn.Module):
    """``(B, C, H, W) -> (B, C, H/stride, W/stride)`` with C even; four 3x3 filters K1..K4 on C/2 channels.

    X is split into X1, X2. X2 -> K1 (ordinary path). X1 -> self-calibration:
    ``T1 = AvgPool_r(X1)``, ``X1' = Up(K2(T1))``, ``Y1' = K3(X1) * sigmoid(X1 + X1')``,
    ``Y1 = K4(Y1')``. Output ``ReLU(cat[Y1, Y2])``. The gate comes from a 1/r-resolution map, so
    every position is calibrated by a larger region (notes 002 l.262-276).

    Reference: Liu et al., "Improving Convolutional Networks with Self-Calibrated Convolutions",
    CVPR 2020, Fig. 2.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb
    """

    def __init__(self, channels: int, stride: int = 1, pooling_r: int = 4) -> None:
        super().__init__()
        if channels % 2:
            raise ValueError(f"channels must be even (split in halves), got {channels}")
        h = channels // 2
        self.k1, self.k2, self.k3, self.k4 = _cb(h, stride), _cb(h), _cb(h), _cb(h, stride)
        self.pooling_r = pooling_r

    def forward(self, x: Tensor) -> Tensor:
        x1, x2 = x.chunk(2, 1)
        t1 = F.avg_pool2d(x1, self.pooling_r, self.pooling_r)
        up = F.interpolate(self.k2(t1), size=x1.shape[-2:], mode="nearest")
        y1 = self.k4(self.k3(x1) * torch.sigmoid(x1 + up))
        return F.relu(torch.cat([y1, self.k1(x2)], 1))
