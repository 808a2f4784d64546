"""What depth buys: Telgarsky's sawtooth, a function a deep narrow ReLU net computes and a shallow one cannot.

The tent map ``t(x) = 2 relu(x) - 4 relu(x - 1/2)`` folds ``[0, 1]`` onto itself (up on ``[0, 1/2]``,
down on ``[1/2, 1]``) with two ReLU units. Composed ``k`` times it is a sawtooth with ``2^k`` linear
pieces, computed by ``k`` layers of two units each. A network with one hidden layer of ``n`` ReLU units
is piecewise linear with at most ``n + 1`` pieces on a line, so it needs ``n >= 2^k - 1`` units for
the same function: depth ``k`` against width ``2^k``.

Reference: M. Telgarsky, "Benefits of depth in neural networks", COLT 2016 (Lemma 2.1 and the
sawtooth construction of Sec. 2).
Taught in: notebooks/04_architectures/12_depth_vs_width.ipynb
"""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from cvbook._checks import check_int

__all__ = ["sawtooth_mlp", "count_linear_pieces"]


def sawtooth_mlp(depth: int) -> nn.Sequential:
    """The tent map composed ``depth`` times, as a ReLU network ``(N, 1) -> (N, 1)`` with two units per layer.

    Layer ``i`` maps the previous output ``y`` to ``(relu(y), relu(y - 1/2))``; the next layer's
    linear part forms ``2 relu(y) - 4 relu(y - 1/2)`` before its own ReLUs, and a last linear layer
    reads the final tent out. Weights are set exactly (float64), no randomness.

    Args:
        depth: number of tent maps composed (hidden layers), ``>= 1``.

    Returns:
        ``nn.Sequential`` of ``depth`` (Linear, ReLU) pairs and a final Linear, in float64.

    Raises:
        TypeError / ValueError: ``depth`` not an integer ``>= 1``.
    """
    depth = check_int(depth, "depth", minimum=1)
    layers: list[nn.Module] = []
    fold = torch.tensor([[2.0, -4.0]], dtype=torch.float64)   # (relu(y), relu(y - 1/2)) -> tent(y)
    split_w = torch.tensor([[1.0], [1.0]], dtype=torch.float64)
    split_b = torch.tensor([0.0, -0.5], dtype=torch.float64)
    for i in range(depth):
        lin = nn.Linear(1 if i == 0 else 2, 2, dtype=torch.float64)
        with torch.no_grad():
            # the first layer splits x; later ones split the tent of the previous pair: (split_w @ fold)
            lin.weight.copy_(split_w if i == 0 else split_w @ fold)
            lin.bias.copy_(split_b)
        layers += [lin, nn.ReLU()]
    out = nn.Linear(2, 1, dtype=torch.float64)
    with torch.no_grad():
        out.weight.copy_(fold)
        out.bias.zero_()
    return nn.Sequential(*layers, out)


def count_linear_pieces(fn: Callable[[Tensor], Tensor], lo: float = 0.0, hi: float = 1.0,
                        samples: int = 2**14 + 1, tol: float = 1e-6) -> int:
    """Number of linear pieces of a piecewise-linear function of one variable on ``[lo, hi]``.

    ``fn`` maps ``Tensor[N, 1]`` float64 to ``Tensor[N, 1]`` (or ``Tensor[N]``). The slope is measured
    between neighbouring grid points; a new piece starts where it changes by more than ``tol``
    (relative to the largest slope). Pieces shorter than the grid step can be missed, so use a grid
    much finer than the expected pieces (the default resolves 2^12 pieces on [0, 1]).

    Returns:
        The count, ``>= 1``.

    Raises:
        ValueError: ``hi <= lo`` or fewer than 3 samples.
    """
    samples = check_int(samples, "samples", minimum=3)
    if not hi > lo:
        raise ValueError(f"need lo < hi, got [{lo}, {hi}]")
    x = torch.linspace(lo, hi, samples, dtype=torch.float64)[:, None]
    with torch.no_grad():
        y = fn(x).reshape(-1).double()
    slope = torch.diff(y) / torch.diff(x[:, 0])
    scale = slope.abs().max().clamp_min(1.0)
    changes = (torch.diff(slope).abs() > tol * scale).nonzero().flatten()
    # a kink strictly inside a grid cell changes the slope of that one cell: two consecutive changes
    # in the slope sequence then mark one kink, not two
    kinks = 0
    previous = -2
    for i in changes.tolist():
        if i != previous + 1:
            kinks += 1
        previous = i
    return kinks + 1
