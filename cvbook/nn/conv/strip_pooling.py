"""Strip pooling: pool along whole rows and whole columns to capture long, thin context."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["StripPooling"]


class StripPooling(nn.Module):
    """Strip pooling module (SPM): ``x * sigmoid(conv1x1(expand(row pool) + expand(col pool)))``.

    Row strip: average each row over its W columns -> ``(B, C, H, 1)``, 3x1 conv; column strip:
    average each column over its H rows -> ``(B, C, 1, W)``, 1x3 conv. Both are broadcast back to
    ``(B, C, H, W)`` and summed, so position (i, j) sees all of row i and column j: a long-range,
    anisotropic receptive field (notes 002 l.277-280). Input and output ``(B, C, H, W)``.

    Reference: Hou et al., "Strip Pooling: Rethinking Spatial Pooling for Scene Parsing", CVPR 2020.
    Taught in: notebooks/04_architectures/08_block_zoo.ipynb, notebooks/06_segmentation/07_strip_pooling.ipynb
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv_h = nn.Sequential(nn.Conv2d(channels, channels, (3, 1), padding=(1, 0), bias=False),
                                    nn.BatchNorm2d(channels))
        self.conv_w = nn.Sequential(nn.Conv2d(channels, channels, (1, 3), padding=(0, 1), bias=False),
                                    nn.BatchNorm2d(channels))
        self.fuse = nn.Conv2d(channels, channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        rows = self.conv_h(x.mean(3, keepdim=True))  # (B, C, H, 1)
        cols = self.conv_w(x.mean(2, keepdim=True))  # (B, C, 1, W)
        return x * torch.sigmoid(self.fuse(F.relu(rows + cols)))  # broadcast sum = expand + add
