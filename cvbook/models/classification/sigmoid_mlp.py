"""A deep sigmoid MLP, with or without batch norm: the test bed of saturation and gradient flow.

``deep_sigmoid_mlp`` stacks ``depth`` blocks ``Linear -> [BatchNorm1d] -> Sigmoid`` and a linear head;
:func:`cvbook.analysis.gradient_flow` measures it.

Reference: Ioffe & Szegedy, ICML 2015 (Sec. 3.3 on saturating nonlinearities); Glorot & Bengio,
"Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010.
Taught in: notebooks/02_batchnorm/08_gradient_flow.ipynb
"""
from __future__ import annotations

import torch
from torch import nn

from cvbook._checks import as_generator
from cvbook.nn.norm.batchnorm import BatchNorm1d

__all__ = ["deep_sigmoid_mlp"]


def deep_sigmoid_mlp(
    in_features: int, num_classes: int, depth: int = 20, width: int = 64, bn: bool = False,
    init_std: float | None = None, seed: int = 0,
) -> nn.Sequential:
    """``depth`` blocks ``Linear(width) -> [BatchNorm1d] -> Sigmoid`` then a linear head.

    Input ``(N, in_features)``, output ``(N, num_classes)``. ``init_std=None`` keeps torch's default
    init (uniform, std ``1/sqrt(3 fan_in)``); a number draws the weights from ``N(0, init_std^2)``.
    """
    if depth < 1 or width < 1:
        raise ValueError(f"depth and width must be >= 1, got depth={depth}, width={width}")
    g = as_generator(seed)
    layers: list[nn.Module] = []
    fan_in = in_features
    for _ in range(depth):
        lin = nn.Linear(fan_in, width, bias=not bn)
        with torch.no_grad():
            bound = 1.0 / fan_in**0.5
            if init_std is None:
                lin.weight.uniform_(-bound, bound, generator=g)
            else:
                lin.weight.normal_(0.0, init_std, generator=g)
            if lin.bias is not None:
                lin.bias.uniform_(-bound, bound, generator=g)
        layers += [lin] + ([BatchNorm1d(width)] if bn else []) + [nn.Sigmoid()]
        fan_in = width
    head = nn.Linear(width, num_classes)
    with torch.no_grad():
        head.weight.uniform_(-1 / width**0.5, 1 / width**0.5, generator=g)
        head.bias.zero_()
    return nn.Sequential(*layers, head)
