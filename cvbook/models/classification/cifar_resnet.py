"""CIFAR ResNets (6n+2 layers) with shortcut options A/B/C, and the plain nets of the same depth."""
from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.registry import register

__all__ = ["CifarBasicBlock", "CifarResNet", "ShortcutA", "cifar_resnet", "SHORTCUT_OPTIONS"]

SHORTCUT_OPTIONS = ("A", "B", "C")


class ShortcutA(nn.Module):
    """Option A, parameter-free: subsample by ``stride`` and zero-pad the new channels.

    ``(B, C, H, W) -> (B, out_channels, H/stride, W/stride)``; channels ``C..out_channels-1`` are 0
    (the pad is split evenly on both sides, as in the common CIFAR reimplementations).

    Reference: He et al., CVPR 2016, Sec. 3.3 and 4.2.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        if out_channels < in_channels:
            raise ValueError(f"option A can only add channels, got {in_channels} -> {out_channels}")
        self.pad = out_channels - in_channels
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))


class CifarBasicBlock(nn.Module):
    """Two 3x3 conv-BN layers; ``relu(F(x) + shortcut(x))``, or ``relu(F(x))`` when ``residual=False``.

    ``(B, in_channels, H, W) -> (B, out_channels, H/stride, W/stride)``. ``shortcut``: "A" zero-pad
    identity, "B" 1x1 projection only where the shape changes, "C" projection on every block.

    Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Sec. 4.2.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, shortcut: str = "A",
                 residual: bool = True) -> None:
        super().__init__()
        if shortcut not in SHORTCUT_OPTIONS:
            raise ValueError(f"shortcut must be one of {SHORTCUT_OPTIONS}, got {shortcut!r}")
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.residual = residual
        changes = stride != 1 or in_channels != out_channels
        self.shortcut: nn.Module = nn.Identity()
        if residual and (shortcut == "C" or (shortcut == "B" and changes)):
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        elif residual and changes:
            self.shortcut = ShortcutA(in_channels, out_channels, stride)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            out = out + self.shortcut(x)
        return F.relu(out)


class CifarResNet(nn.Module):
    """3x3 conv (16) -> 3 stages of n blocks (16, 32, 64 channels at 32, 16, 8 px) -> pool -> FC.

    ``depth = 6n + 2`` weight layers. ``(B, 3, H, W) -> (B, num_classes)``. With
    ``residual=False`` it is the paper's "plain" net of the same depth and width. ``block`` swaps
    in another block with the same signature (the SE block of :mod:`cvbook.models.classification.senet`).

    Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Sec. 4.2.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    def __init__(self, depth: int = 20, num_classes: int = 10, shortcut: str = "A",
                 residual: bool = True, widths: Sequence[int] = (16, 32, 64),
                 block: type = None) -> None:
        super().__init__()
        if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
            raise ValueError(f"depth must be 6n+2 with n >= 1 (20, 32, 44, 56, 110, ...), got {depth}")
        n = (depth - 2) // 6
        block = CifarBasicBlock if block is None else block
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        stages, c = [], widths[0]
        for i, w in enumerate(widths):
            blocks = []
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                blocks.append(block(c, w, stride, shortcut, residual))
                c = w
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.fc = nn.Linear(c, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def cifar_resnet(depth: int, num_classes: int = 10, **kw: Any) -> CifarResNet:
    """CIFAR ResNet of any 6n+2 depth (shortcut option A by default)."""
    return CifarResNet(depth, num_classes, **kw)


def _add(depth: int) -> None:
    def res(num_classes: int = 10, **kw: Any) -> CifarResNet:
        return CifarResNet(depth, num_classes, **kw)

    def plain(num_classes: int = 10, **kw: Any) -> CifarResNet:
        return CifarResNet(depth, num_classes, residual=False, **kw)

    res.__doc__ = f"CIFAR ResNet-{depth} (option A shortcuts)."
    plain.__doc__ = f"CIFAR plain-{depth}: ResNet-{depth} without shortcuts."
    register(f"cifar_resnet{depth}")(res)
    register(f"cifar_plain{depth}")(plain)


for _d in (20, 32, 44, 56, 110):
    _add(_d)
