"""AlexNet, in torchvision's single-GPU variant."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from cvbook.models.registry import register

__all__ = ["AlexNet", "alexnet"]


class AlexNet(nn.Module):
    """5 conv + 3 fully connected layers, ReLU, dropout; ``(B, 3, H, W) -> (B, num_classes)``.

    Departures from the paper (following torchvision, itself after Krizhevsky's "One weird trick"):
    64/192 filters in conv1/conv2 instead of 96/256, no local response normalisation, no two-GPU
    split, and an adaptive 6x6 pool so that any input of at least 63x63 works.

    Reference: Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep CNNs", NIPS 2012.
    Taught in: notebooks/04_architectures/01_model_zoo.ipynb
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(6)
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(256 * 36, 4096), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


@register()
def alexnet(num_classes: int = 1000, **kwargs) -> AlexNet:
    """AlexNet (torchvision layout, 61.1M parameters at 1000 classes)."""
    return AlexNet(num_classes=num_classes, **kwargs)
