"""A plain stack of convolutions: the network the receptive-field pages measure.

``conv_stack(depth)`` is ``depth`` convolutions with 'same' padding for odd kernels and a ReLU
between consecutive layers (none after the last), no bias, no normalisation: the simplest deep
network whose receptive field (ordinary or dilated) can be computed by hand.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from cvbook._checks import check_int

__all__ = ["conv_stack"]


def conv_stack(
    depth: int,
    kernel_size: int = 3,
    dilation: int | Sequence[int] = 1,
    channels: int = 1,
    in_channels: int | None = None,
    stride: int = 1,
    relu: bool = True,
    bias: bool = False,
    seed: int | None = None,
) -> nn.Sequential:
    """``depth`` convolutions ``kernel_size x kernel_size`` with a ReLU between consecutive layers.

    Input ``(B, in_channels, H, W)``; output ``(B, channels, H', W')`` with ``H' = H`` when
    ``stride == 1`` (padding ``dilation * (kernel_size - 1) // 2``, 'same' for odd kernels).

    Args:
        depth: number of convolutions (>= 1).
        kernel_size: kernel size of every layer (>= 1).
        dilation: one rate for every layer, or one rate per layer (a sequence of length ``depth``,
            e.g. ``[1, 2, 4]`` for the doubling rates of Yu and Koltun).
        channels: output channels of every layer.
        in_channels: input channels of the first layer; ``None`` means ``channels``.
        stride: stride of every layer.
        relu: put a ReLU between consecutive layers (``False``: a linear stack).
        bias: give the convolutions a bias.
        seed: draw the initial weights from a forked RNG seeded with it (reproducible, leaves
            the global random state alone); ``None`` uses torch's global generator, like ``nn.Conv2d``.

    Returns:
        ``nn.Sequential`` of ``Conv2d`` (and ``ReLU``) modules.

    Raises:
        ValueError: a size (or rate) is below 1, or ``dilation`` has the wrong length.
        TypeError: a size is not an int, or ``dilation`` is neither an int nor a sequence of ints.

    Reference: Yu & Koltun, "Multi-Scale Context Aggregation by Dilated Convolutions", ICLR 2016.
    Taught in: notebooks/01_cnn_basics/06_receptive_field.ipynb, notebooks/01_cnn_basics/08_dilated_conv.ipynb
    """
    depth = check_int(depth, "depth", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    channels = check_int(channels, "channels", minimum=1)
    in_channels = channels if in_channels is None else check_int(in_channels, "in_channels", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    if isinstance(dilation, int) and not isinstance(dilation, bool):
        rates = [check_int(dilation, "dilation", minimum=1)] * depth
    elif isinstance(dilation, Sequence) and not isinstance(dilation, str):
        rates = [check_int(d, "dilation", minimum=1) for d in dilation]
        if len(rates) != depth:
            raise ValueError(f"dilation needs one rate per layer ({depth}), got {len(rates)}: {list(dilation)}")
    else:
        raise TypeError(f"dilation must be an int or a sequence of ints, got {type(dilation).__name__}")
    if seed is not None:
        seed = check_int(seed, "seed", minimum=0)

    def build() -> nn.Sequential:
        layers: list[nn.Module] = []
        for i, d in enumerate(rates):
            if i and relu:
                layers.append(nn.ReLU())
            layers.append(nn.Conv2d(in_channels if i == 0 else channels, channels, kernel_size, stride,
                                    padding=d * (kernel_size - 1) // 2, dilation=d, bias=bias))
        return nn.Sequential(*layers)

    if seed is None:
        return build()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()
