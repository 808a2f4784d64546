"""Square pooling: the strip pooling module with its row and column strips replaced by square windows.

The control for strip pooling (notebooks/06_segmentation/07_strip_pooling.ipynb): the same layers and
the same weights as :class:`cvbook.nn.conv.StripPooling` (a 3x1 and a 1x3 convolution, two BNs, a
1x1 fuse, the sigmoid gate), only the pooling window is a ``k x k`` square around each position
instead of the whole row and the whole column. So the two modules have equal parameter counts and
nearly equal cost; what differs is the shape of what each position sees.

Reference: Hou et al., "Strip Pooling: Rethinking Spatial Pooling for Scene Parsing", CVPR 2020
(their comparison is with square pyramid pooling; this single-window control is the book's).
Taught in: notebooks/06_segmentation/07_strip_pooling.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_int, check_shape
from cvbook.nn.conv.strip_pooling import StripPooling

__all__ = ["SquarePooling", "square_pool"]


def square_pool(x: Tensor, kernel_size: int) -> Tensor:
    """Mean over the ``k x k`` window centred on each position, same size out (borders: mean of the valid part).

    ``(B, C, H, W) -> (B, C, H, W)``; equals ``F.avg_pool2d(x, k, 1, k // 2, count_include_pad=False)``.

    Args:
        x: ``(B, C, H, W)`` feature map.
        kernel_size: odd window side ``k >= 1``.

    Raises:
        ValueError: ``kernel_size`` not an odd positive int, or ``x`` not 4-D.

    Taught in: notebooks/06_segmentation/07_strip_pooling.ipynb
    """
    check_shape(x, "B C H W", "input")
    k = check_int(kernel_size, "kernel_size", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a window centred on each position), got {k}")
    return F.avg_pool2d(x, k, stride=1, padding=k // 2, count_include_pad=False)


class SquarePooling(StripPooling):
    """``x * sigmoid(conv1x1(relu(bn(conv3x1(sq(x))) + bn(conv1x3(sq(x))))))``, ``sq`` = ``k x k`` mean.

    Input and output ``(B, C, H, W)``. Parameter for parameter the same as
    :class:`cvbook.nn.conv.StripPooling`; position (i, j) sees a ``(k + 2) x k`` and a ``k x (k + 2)``
    box around itself instead of rows i-1..i+1 and columns j-1..j+1 whole.

    Args:
        channels: feature channels ``C``.
        kernel_size: odd side ``k`` of the pooling window.

    Reference: Hou et al., "Strip Pooling", CVPR 2020 (the square-window control is the book's).
    Taught in: notebooks/06_segmentation/07_strip_pooling.ipynb
    """

    def __init__(self, channels: int, kernel_size: int = 5) -> None:
        # the same layers (and so weights) as StripPooling: only the pooling window differs
        super().__init__(check_int(channels, "channels", minimum=1))
        self.kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}")

    def forward(self, x: Tensor) -> Tensor:
        pooled = square_pool(x, self.kernel_size)
        return x * torch.sigmoid(self.fuse(F.relu(self.conv_h(pooled) + self.conv_w(pooled))))
