"""The two MNIST networks of the research diary (notes 004 l.135-179).

The diary compares a fully connected net ``28*28 -> 28*28 -> 10`` with a small CNN and counts
their weights by hand: 622,496 and 9,064. Both counts leave out the biases, and the CNN's count only
works out with **two** pooling layers, although the diary's layer list shows one.
:class:`DiaryCNN` therefore takes the number of pooling layers as an argument, so that the notebook
can show both readings.

Taught in: notebooks/01_cnn_basics/04_params_and_flops.ipynb (weight counts) and the MNIST study of
chapter 3.
"""
from __future__ import annotations

import torch
from torch import nn

__all__ = ["DiaryMLP", "DiaryCNN"]


class DiaryMLP(nn.Sequential):
    """Fully connected net ``784 -> 784 -> 10`` with ReLU, as in the diary.

    Input ``(B, 1, 28, 28)`` (or ``(B, 784)``), output logits ``(B, 10)``.
    ``bias=False`` reproduces the diary's count of 622,496 weights (28*28*28*28 + 28*28*10).
    """

    def __init__(self, hidden: int = 784, num_classes: int = 10, bias: bool = True) -> None:
        if hidden <= 0 or num_classes <= 0:
            raise ValueError(f"hidden and num_classes must be positive, got {hidden} and {num_classes}")
        super().__init__(
            nn.Flatten(),
            nn.Linear(28 * 28, hidden, bias=bias),
            nn.ReLU(),
            nn.Linear(hidden, num_classes, bias=bias),
        )


class DiaryCNN(nn.Sequential):
    """The diary's small CNN: ``conv(1, 8) -> ReLU -> pool -> conv(8, 16) -> ReLU [-> pool] -> fc``.

    Convolutions are 3x3 with stride 1 and padding 1, pooling is 2x2 max pooling with stride 2.
    Input ``(B, 1, 28, 28)``, output logits ``(B, 10)``.

    Args:
        pools: 2 (default) pools after both convolutions, so the classifier sees ``16 x 7 x 7``
            features, which is what the diary's count ``7*7*16*10`` implies; 1 is the diary's
            literal layer list, whose classifier sees ``16 x 14 x 14``.
        bias: ``False`` reproduces the diary's count, which leaves out biases (9,064 with two pools).
    """

    def __init__(self, pools: int = 2, num_classes: int = 10, bias: bool = True) -> None:
        if pools not in (1, 2):
            raise ValueError(f"pools must be 1 or 2 (the diary's list or its weight count), got {pools}")
        side = 28 // 2**pools
        layers: list[nn.Module] = [
            nn.Conv2d(1, 8, 3, padding=1, bias=bias),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1, bias=bias),
            nn.ReLU(),
        ]
        if pools == 2:
            layers.append(nn.MaxPool2d(2))
        layers += [nn.Flatten(), nn.Linear(16 * side * side, num_classes, bias=bias)]
        super().__init__(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102 - documented on the class
        if x.dim() != 4 or x.shape[1:] != (1, 28, 28):
            raise ValueError(f"DiaryCNN expects input of shape (B, 1, 28, 28), got {tuple(x.shape)}")
        return super().forward(x)
