"""ResNet for ImageNet: basic and bottleneck blocks, v1 and v1.5 stride placement."""
from __future__ import annotations

from typing import Any, Sequence, Type, Union

import torch
from torch import Tensor, nn

from cvbook.models.registry import register

__all__ = ["BasicBlock", "Bottleneck", "ResNet", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "resnet50_v1"]


def conv3x3(in_channels: int, out_channels: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, 3, stride, dilation, groups=groups, bias=False, dilation=dilation)


def conv1x1(in_channels: int, out_channels: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convs: ``relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut(x))``.

    ``(B, in_channels, H, W) -> (B, channels, H/stride, W/stride)``. ``downsample`` is the projection
    shortcut (option B) used when the shape changes.

    Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Fig. 5 left.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, **unused: Any) -> None:
        super().__init__()
        self.conv1 = conv3x3(in_channels, channels, stride)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(channels, channels)
        self.bn2 = nn.BatchNorm2d(channels)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)  # v1: the ReLU comes after the addition


class Bottleneck(nn.Module):
    """1x1 reduce -> 3x3 -> 1x1 expand (x4): ``(B, in_channels, H, W) -> (B, 4*channels, H/s, W/s)``.

    v1.5 (torchvision, default) puts the stride on the 3x3 conv; the paper (v1,
    ``stride_in_1x1=True``) puts it on the first 1x1, which then throws away 3/4 of the
    positions before any 3x3 has seen them. Same parameters, different FLOPs and accuracy
    (v1.5 is about 0.5 % top-1 better).

    Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Fig. 5 right.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 1, base_width: int = 64,
                 stride_in_1x1: bool = False, **unused: Any) -> None:
        super().__init__()
        width = int(channels * (base_width / 64.0)) * groups
        s1, s3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.conv1 = conv1x1(in_channels, width, s1)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, s3, groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, channels * self.expansion)
        self.bn3 = nn.BatchNorm2d(channels * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


Block = Type[Union[BasicBlock, Bottleneck, nn.Module]]


class ResNet(nn.Module):
    """7x7/2 stem + 3x3/2 max-pool, four stages (64, 128, 256, 512 channels), global pool, FC.

    ``(B, 3, H, W) -> (B, num_classes)``; the stages run at strides 4, 8, 16, 32. ``block_kwargs``
    go to every block (``groups``, ``base_width`` for ResNeXt, ``stride_in_1x1`` for v1).

    Reference: He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Table 1.
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    def __init__(self, block: Block, layers: Sequence[int], num_classes: int = 1000,
                 zero_init_residual: bool = False, **block_kwargs: Any) -> None:
        super().__init__()
        if len(layers) != 4 or any(n < 1 for n in layers):
            raise ValueError(f"layers must be 4 positive block counts, got {layers}")
        self.in_channels = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, 64, layers[0], 1, block_kwargs)
        self.layer2 = self._make_layer(block, 128, layers[1], 2, block_kwargs)
        self.layer3 = self._make_layer(block, 256, layers[2], 2, block_kwargs)
        self.layer4 = self._make_layer(block, 512, layers[3], 2, block_kwargs)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        if zero_init_residual:  # Goyal et al. 2017: each block starts as the identity
            for m in self.modules():
                last = getattr(m, "bn3", None) or (m.bn2 if isinstance(m, BasicBlock) else None)
                if isinstance(last, nn.BatchNorm2d):
                    nn.init.zeros_(last.weight)

    def _make_layer(self, block: Block, channels: int, n: int, stride: int, kw: dict) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.in_channels != channels * block.expansion:  # option B: project when needed
            downsample = nn.Sequential(conv1x1(self.in_channels, channels * block.expansion, stride),
                                       nn.BatchNorm2d(channels * block.expansion))
        layers = [block(self.in_channels, channels, stride, downsample, **kw)]
        self.in_channels = channels * block.expansion
        layers += [block(self.in_channels, channels, **kw) for _ in range(1, n)]
        return nn.Sequential(*layers)

    def forward_features(self, x: Tensor) -> Tensor:
        """``(B, 3, H, W) -> (B, 512*expansion, H/32, W/32)``."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.avgpool(self.forward_features(x)), 1))


@register()
def resnet18(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNet-18: basic blocks [2, 2, 2, 2]."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes, **kw)


@register()
def resnet34(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNet-34: basic blocks [3, 4, 6, 3]."""
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes, **kw)


@register()
def resnet50(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNet-50 v1.5 (stride on the 3x3): bottlenecks [3, 4, 6, 3]."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, **kw)


@register()
def resnet50_v1(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNet-50 as in the paper (v1: stride on the first 1x1 of each downsampling bottleneck)."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, stride_in_1x1=True, **kw)


@register()
def resnet101(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNet-101 v1.5: bottlenecks [3, 4, 23, 3]."""
    return ResNet(Bottleneck, [3, 4, 23, 3], num_classes, **kw)


@register()
def resnet152(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNet-152 v1.5: bottlenecks [3, 8, 36, 3]."""
    return ResNet(Bottleneck, [3, 8, 36, 3], num_classes, **kw)
