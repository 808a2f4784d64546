"""SE-ResNet: a squeeze-and-excitation gate on the residual branch, before the addition."""
from __future__ import annotations

from typing import Any

import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.classification.cifar_resnet import CifarBasicBlock, CifarResNet
from cvbook.models.registry import register
from cvbook.models.classification.resnet import Bottleneck, ResNet
from cvbook.nn.blocks import SqueezeExcite

__all__ = ["SEBottleneck", "SECifarBasicBlock", "se_resnet50", "se_cifar_resnet20",
           "se_cifar_resnet56"]


class SEBottleneck(Bottleneck):
    """ResNet bottleneck with SE (reduction r = 16) applied to the residual branch after bn3.

    ``(B, in_channels, H, W) -> (B, 4*channels, H/stride, W/stride)``. Scaling before the addition keeps
    the identity path clean (notes 002 l.62: "addition之前进行scale操作").

    Reference: Hu et al., "Squeeze-and-Excitation Networks", CVPR 2018, Fig. 3.
    Taught in: notebooks/04_architectures/07_senet.ipynb
    """

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, reduction: int = 16, **kw: Any) -> None:
        super().__init__(in_channels, channels, stride, downsample, **kw)
        c = channels * self.expansion
        self.se = SqueezeExcite(c, c // reduction)

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.se(self.bn3(self.conv3(out)))
        return self.relu(out + identity)


class SECifarBasicBlock(CifarBasicBlock):
    """CIFAR basic block with SE on the residual branch; same signature as :class:`CifarBasicBlock`.

    Departure: reduction r = 4 (not 16) because the CIFAR widths (16-64) are too narrow for r = 16.

    Reference: Hu et al., "Squeeze-and-Excitation Networks", CVPR 2018.
    Taught in: notebooks/04_architectures/07_senet.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, shortcut: str = "A",
                 residual: bool = True, reduction: int = 4) -> None:
        super().__init__(in_channels, out_channels, stride, shortcut, residual)
        self.se = SqueezeExcite(out_channels, max(1, out_channels // reduction))

    def forward(self, x: Tensor) -> Tensor:
        out = self.se(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
        if self.residual:
            out = out + self.shortcut(x)
        return F.relu(out)


@register()
def se_resnet50(num_classes: int = 1000, **kw: Any) -> ResNet:
    """SE-ResNet-50 (r = 16; stride on the 3x3 as in torchvision's ResNet-50)."""
    return ResNet(SEBottleneck, [3, 4, 6, 3], num_classes, **kw)


@register()
def se_cifar_resnet20(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """SE-ResNet-20 for 32x32 inputs."""
    return CifarResNet(20, num_classes, block=SECifarBasicBlock, **kw)


@register()
def se_cifar_resnet56(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """SE-ResNet-56 for 32x32 inputs."""
    return CifarResNet(56, num_classes, block=SECifarBasicBlock, **kw)
