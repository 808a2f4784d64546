"""Saturation and gradient flow in a deep sigmoid network, with and without batch norm.

``deep_sigmoid_mlp`` stacks ``depth`` blocks ``Linear -> [BatchNorm1d] -> Sigmoid``;
``gradient_flow`` runs one forward/backward pass and returns, per block, the gradient norm of the
Linear weight and the fraction of saturated sigmoid units (``s (1 - s) < 0.01``, i.e. ``|z| > 4.6``,
where the local derivative is under 4 % of its maximum 1/4).

Reference: Ioffe & Szegedy, ICML 2015 (Sec. 3.3 on saturating nonlinearities); Glorot & Bengio,
"Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010.
Taught in: notebooks/02_batchnorm/08_gradient_flow.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.nn.norm.batchnorm import BatchNorm1d

__all__ = ["deep_sigmoid_mlp", "gradient_flow"]


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
    g = torch.Generator().manual_seed(seed)
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


def gradient_flow(model: nn.Sequential, x: Tensor, y: Tensor) -> dict[str, list[float]]:
    """One forward/backward pass in training mode on ``x`` ``(N, in_features)``, ``y`` ``(N,)``.

    Returns ``grad_norm`` (Frobenius norm of each hidden Linear's weight gradient, first layer first)
    and ``saturated`` (fraction of each Sigmoid's outputs with ``s (1 - s) < 0.01``).
    """
    sats: list[float] = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: sats.append(float(((out * (1 - out)) < 0.01).float().mean())))
             for m in model if isinstance(m, nn.Sigmoid)]
    try:
        model.train()
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
    finally:
        for h in hooks:
            h.remove()
    linears = [m for m in model if isinstance(m, nn.Linear)][:-1]
    return {"grad_norm": [float(m.weight.grad.norm()) for m in linears], "saturated": sats}
