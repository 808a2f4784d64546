"""A small CNN whose normalisation layer and its position are arguments (the chapter's test bed).

``small_cnn`` builds ``blocks`` (default three) blocks ``conv3x3 -> [norm, act]`` with widths
``w, 2w, 4w, ...`` and a 2x2 max-pool between blocks, then global average pooling and a linear
classifier. ``order="norm_act"`` is the usual conv-BN-ReLU; ``order="act_norm"`` puts the normalisation after the ReLU.

Taught in: notebooks/02_batchnorm/03_bn_position.ipynb
"""
from __future__ import annotations

import torch
from torch import nn

from cvbook._checks import check_int
from cvbook.nn.norm.factory import NORM_KINDS, get_norm

__all__ = ["small_cnn"]

def small_cnn(
    norm: str = "bn",
    order: str = "norm_act",
    width: int = 8,
    in_channels: int = 1,
    num_classes: int = 10,
    groups: int = 4,
    window: int = 16,
    noise: float = 1.0,
    seed: int = 0,
    blocks: int = 3,
) -> nn.Sequential:
    """Input ``(N, in_channels, H, W)`` with H, W >= 2**(blocks - 1), output logits ``(N, num_classes)``.

    ``blocks`` conv blocks of widths ``width * 2**i``, a 2x2 max-pool between blocks. With 14x14 inputs and
    ``blocks=4`` the last normalisation sees a 1x1 map, so BN's statistics there come from the ``N``
    samples of the batch alone (as in BN after a fully connected layer).

    Convolutions use He (Kaiming) normal initialisation and zero biases; the linear head torch's
    default. Weights are initialised from ``seed``, so two
    calls with the same arguments give the same network; the global RNG state is restored afterwards.
    """
    if order not in ("norm_act", "act_norm"):
        raise ValueError(f"order must be 'norm_act' or 'act_norm', got {order!r}")
    if norm not in NORM_KINDS:
        raise ValueError(f"unknown norm kind {norm!r}; expected one of {NORM_KINDS}")
    check_int(blocks, "blocks", minimum=1)
    check_int(width, "width", minimum=1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layers: list[nn.Module] = []
        c_in = in_channels
        for i, c in enumerate(width * 2**k for k in range(blocks)):
            # a conv followed directly by a normalisation with a shift does not need its own bias
            conv = nn.Conv2d(c_in, c, 3, padding=1, bias=(norm == "none" or order == "act_norm"))
            # He initialisation (as torchvision's ResNet), not torch's default: with the default the
            # network without normalisation barely passes a signal through and does not train at all
            nn.init.kaiming_normal_(conv.weight, mode="fan_in", nonlinearity="relu")
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)
            layers.append(conv)
            block = [get_norm(norm, c, groups=groups, window=window, noise=noise, seed=seed + i), nn.ReLU()]
            layers += block if order == "norm_act" else block[::-1]
            if i < blocks - 1:  # the last block is followed by global average pooling instead
                layers.append(nn.MaxPool2d(2))
            c_in = c
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, num_classes)]
        return nn.Sequential(*layers)
