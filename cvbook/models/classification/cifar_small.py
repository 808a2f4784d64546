"""8- and 14-layer CIFAR nets (n = 1, 2 blocks per stage) for the CPU-sized experiments of chapter 4.

``cifar_resnet8`` / ``cifar_plain8`` / ``se_cifar_resnet8`` / ``cifar_resnet14`` / ``cifar_plain14``
are :class:`CifarResNet` with depth ``6n + 2 = 8`` or ``14``; like every CIFAR net they take ``widths=(16, 32, 64)`` and ``shortcut="A"``
keyword arguments, so the fast mode can shrink them to a few channels.

Departure: the paper's smallest CIFAR net has 20 layers; depths 8 and 14 are added so that a depth
sweep 8 / 14 / 20 fits a few seconds of one CPU core.

Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Sec. 4.2.
Taught in: notebooks/04_architectures/03_resnet.ipynb
"""
from __future__ import annotations

from typing import Any

from cvbook.models.classification.cifar_resnet import CifarResNet
from cvbook.models.registry import register
from cvbook.models.classification.senet import SECifarBasicBlock

__all__ = ["cifar_resnet8", "cifar_plain8", "cifar_resnet14", "cifar_plain14", "se_cifar_resnet8"]


@register()
def cifar_resnet8(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """CIFAR ResNet-8 (option A shortcuts): ``(B, 3, H, W) -> (B, num_classes)``."""
    return CifarResNet(8, num_classes, **kw)


@register()
def cifar_plain8(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """CIFAR plain-8: ResNet-8 without shortcuts."""
    return CifarResNet(8, num_classes, residual=False, **kw)


@register()
def se_cifar_resnet8(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """SE-ResNet-8 (SE on each residual branch, reduction 4)."""
    return CifarResNet(8, num_classes, block=SECifarBasicBlock, **kw)


@register()
def cifar_resnet14(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """CIFAR ResNet-14 (option A shortcuts)."""
    return CifarResNet(14, num_classes, **kw)


@register()
def cifar_plain14(num_classes: int = 10, **kw: Any) -> CifarResNet:
    """CIFAR plain-14: ResNet-14 without shortcuts."""
    return CifarResNet(14, num_classes, residual=False, **kw)
