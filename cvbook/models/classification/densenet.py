"""DenseNet: every layer receives the concatenation of all earlier feature maps in its block."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Sequence

import torch
import torch.nn.functional as F
import torch.utils.checkpoint as cp
from torch import Tensor, nn

from cvbook.models.registry import register

__all__ = ["DenseLayer", "DenseBlock", "DenseNet", "densenet121", "densenet169"]


class DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (``bn_size * growth`` channels) then BN-ReLU-3x3 conv (``growth``): DenseNet-B.

    Input: a list of ``(B, C_i, H, W)`` maps; output ``(B, growth, H, W)``. The concatenation plus
    BN + ReLU in front of the 1x1 creates a *new* ``(B, sum C_i, H, W)`` tensor in every layer, and
    autograd keeps it for the backward pass: this is why DenseNet needs more memory than its
    parameter count suggests. ``memory_efficient=True`` recomputes it in the backward pass instead
    (gradient checkpointing, Pleiss et al. 2017).

    Reference: Huang et al., "Densely Connected Convolutional Networks", CVPR 2017.
    Taught in: notebooks/04_architectures/05_densenet_memory.ipynb
    """

    def __init__(self, in_channels: int, growth: int, bn_size: int = 4, memory_efficient: bool = False) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, 1, 1, bias=False)
        self.memory_efficient = memory_efficient

    def bottleneck(self, *features: Tensor) -> Tensor:
        return self.conv1(F.relu(self.norm1(torch.cat(features, 1))))

    def forward(self, features: list[Tensor]) -> Tensor:
        if self.memory_efficient and torch.is_grad_enabled() and any(f.requires_grad for f in features):
            # reentrant checkpointing stores its inputs with save_for_backward, so the memory
            # accounting of cvbook.analysis.memory sees them (it hooks saved tensors)
            h = cp.checkpoint(self.bottleneck, *features, use_reentrant=True)
        else:
            h = self.bottleneck(*features)
        return self.conv2(F.relu(self.norm2(h)))


class DenseBlock(nn.ModuleDict):
    """``n`` dense layers; ``(B, C, H, W) -> (B, C + n*growth, H, W)``."""

    def __init__(self, n: int, in_channels: int, growth: int, bn_size: int, memory_efficient: bool) -> None:
        super().__init__({f"denselayer{i + 1}": DenseLayer(in_channels + i * growth, growth, bn_size,
                                                           memory_efficient) for i in range(n)})

    def forward(self, x: Tensor) -> Tensor:
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class DenseNet(nn.Module):
    """7x7/2 stem + max-pool, dense blocks separated by transitions (BN-ReLU-1x1 conv halving the
    channels, 2x2 avg-pool), final BN, global pool, FC: ``(B, 3, H, W) -> (B, num_classes)``.

    Reference: Huang et al., "Densely Connected Convolutional Networks", CVPR 2017, Table 1.
    Taught in: notebooks/04_architectures/05_densenet_memory.ipynb
    """

    def __init__(self, growth: int = 32, blocks: Sequence[int] = (6, 12, 24, 16), init_features: int = 64,
                 bn_size: int = 4, num_classes: int = 1000, memory_efficient: bool = False) -> None:
        super().__init__()
        layers: list[tuple[str, nn.Module]] = [
            ("conv0", nn.Conv2d(3, init_features, 7, 2, 3, bias=False)),
            ("norm0", nn.BatchNorm2d(init_features)), ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(3, 2, 1)),
        ]
        c = init_features
        for i, n in enumerate(blocks):
            layers.append((f"denseblock{i + 1}", DenseBlock(n, c, growth, bn_size, memory_efficient)))
            c += n * growth
            if i != len(blocks) - 1:  # transition, compression 0.5 (DenseNet-BC)
                layers.append((f"transition{i + 1}", nn.Sequential(
                    nn.BatchNorm2d(c), nn.ReLU(inplace=True), nn.Conv2d(c, c // 2, 1, bias=False),
                    nn.AvgPool2d(2, 2))))
                c //= 2
        layers.append(("norm5", nn.BatchNorm2d(c)))
        self.features = nn.Sequential(OrderedDict(layers))
        self.classifier = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.features(x))
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


@register()
def densenet121(num_classes: int = 1000, **kw: Any) -> DenseNet:
    """DenseNet-121 (k = 32, blocks 6-12-24-16)."""
    return DenseNet(32, (6, 12, 24, 16), 64, num_classes=num_classes, **kw)


@register()
def densenet169(num_classes: int = 1000, **kw: Any) -> DenseNet:
    """DenseNet-169 (k = 32, blocks 6-12-32-32)."""
    return DenseNet(32, (6, 12, 32, 32), 64, num_classes=num_classes, **kw)
