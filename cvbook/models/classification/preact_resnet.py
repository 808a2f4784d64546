"""Pre-activation ResNet (ResNet v2): BN and ReLU before each conv, nothing after the addition."""
from __future__ import annotations

from typing import Any, Sequence, Type, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.classification.cifar_resnet import ShortcutA
from cvbook.models.registry import register

__all__ = ["PreActBasicBlock", "PreActBottleneck", "PreActResNet", "preact_resnet18",
           "preact_resnet50"]


def _shortcut(in_channels: int, out_channels: int, stride: int, option: str) -> nn.Module:
    if stride == 1 and in_channels == out_channels:
        return nn.Identity()
    if option == "A":
        return ShortcutA(in_channels, out_channels, stride)
    if option == "B":
        return nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)
    raise ValueError(f"shortcut must be 'A' or 'B', got {option!r}")


class PreActBasicBlock(nn.Module):
    """``x + conv2(relu(bn2(conv1(relu(bn1(x))))))``: the identity path is never touched.

    ``(B, in_channels, H, W) -> (B, out_channels, H/stride, W/stride)``. A projection shortcut
    takes the pre-activated input, as in the authors' code.

    Reference: He et al., "Identity Mappings in Deep Residual Networks", ECCV 2016, Fig. 1(b).
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int = 1, shortcut: str = "B") -> None:
        super().__init__()
        out = channels * self.expansion
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, out, 3, 1, 1, bias=False)
        self.shortcut = _shortcut(in_channels, out, stride, shortcut)

    def forward(self, x: Tensor) -> Tensor:
        pre = F.relu(self.bn1(x))
        sc = x if isinstance(self.shortcut, nn.Identity) else self.shortcut(pre)
        out = self.conv2(F.relu(self.bn2(self.conv1(pre))))
        return out + sc  # v2: no ReLU after the addition


class PreActBottleneck(nn.Module):
    """Pre-activation bottleneck, ``(B, C, H, W) -> (B, 4*channels, H/stride, W/stride)``.

    Reference: He et al., "Identity Mappings in Deep Residual Networks", ECCV 2016.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1, shortcut: str = "B") -> None:
        super().__init__()
        out = channels * self.expansion
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, channels, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(channels)
        self.conv3 = nn.Conv2d(channels, out, 1, bias=False)
        self.shortcut = _shortcut(in_channels, out, stride, shortcut)

    def forward(self, x: Tensor) -> Tensor:
        pre = F.relu(self.bn1(x))
        sc = x if isinstance(self.shortcut, nn.Identity) else self.shortcut(pre)
        out = self.conv2(F.relu(self.bn2(self.conv1(pre))))
        return self.conv3(F.relu(self.bn3(out))) + sc


class PreActResNet(nn.Module):
    """Pre-activation ResNet with an ImageNet stem (7x7/2 + max-pool) or a CIFAR stem (3x3).

    ``(B, 3, H, W) -> (B, num_classes)``. A final BN + ReLU precedes the pooling, because the last
    block's output is not activated.

    Reference: He et al., "Identity Mappings in Deep Residual Networks", ECCV 2016.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    def __init__(self, block: Type[Union[PreActBasicBlock, PreActBottleneck]], layers: Sequence[int],
                 widths: Sequence[int] = (64, 128, 256, 512), num_classes: int = 1000,
                 stem: str = "imagenet", shortcut: str = "B") -> None:
        super().__init__()
        if stem not in ("imagenet", "cifar") or len(layers) != len(widths):
            raise ValueError(f"stem must be 'imagenet' or 'cifar' and len(layers) == len(widths); "
                             f"got {stem!r}, {layers}, {widths}")
        if stem == "imagenet":
            self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 7, 2, 3, bias=False),
                                      nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True),
                                      nn.MaxPool2d(3, 2, 1))
        else:
            self.stem = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        c, stages = widths[0], []
        for i, (n, w) in enumerate(zip(layers, widths)):
            blocks = []
            for j in range(n):
                blocks.append(block(c, w, 2 if (i > 0 and j == 0) else 1, shortcut))
                c = w * block.expansion
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        self.bn = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.bn(self.stages(self.stem(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


@register()
def preact_resnet18(num_classes: int = 1000, **kw: Any) -> PreActResNet:
    """Pre-activation ResNet-18 (ImageNet stem)."""
    return PreActResNet(PreActBasicBlock, [2, 2, 2, 2], num_classes=num_classes, **kw)


@register()
def preact_resnet50(num_classes: int = 1000, **kw: Any) -> PreActResNet:
    """Pre-activation ResNet-50 (ImageNet stem)."""
    return PreActResNet(PreActBottleneck, [3, 4, 6, 3], num_classes=num_classes, **kw)


def _add(depth: int) -> None:
    def fn(num_classes: int = 10, **kw: Any) -> PreActResNet:
        n = (depth - 2) // 6
        kw.setdefault("shortcut", "A")
        return PreActResNet(PreActBasicBlock, [n] * 3, (16, 32, 64), num_classes, "cifar", **kw)

    fn.__doc__ = f"Pre-activation CIFAR ResNet-{depth} (option A shortcuts, same width as v1)."
    register(f"preact_cifar_resnet{depth}")(fn)


for _d in (20, 56, 110):
    _add(_d)
