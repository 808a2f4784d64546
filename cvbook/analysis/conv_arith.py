"""Convolution arithmetic: output sizes, parameter counts and FLOPs of one layer.

For one spatial axis of size ``i``, kernel ``k``, stride ``s``, padding ``p`` (each side) and
dilation ``d``, the effective kernel is ``k_eff = d (k - 1) + 1`` and

    o = floor((i + 2p - k_eff) / s) + 1                       (convolution, pooling)
    i' = (o - 1) s - 2p + k_eff + output_padding                (transposed convolution)

A conv layer with ``C_in`` input and ``C_out`` output channels, ``g`` groups and a ``kh x kw`` kernel
has ``C_out * (C_in / g) * kh * kw`` weights (+ ``C_out`` biases) and costs
``C_out * (C_in / g) * kh * kw * H_out * W_out`` multiply-accumulates per image, i.e. twice that in
FLOPs (a MAC counts as 2, as in ``torch.utils.flop_counter.FlopCounterMode``; the bias add is not
counted, also as there).

Reference: V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning", 2016.
Taught in: notebooks/01_cnn_basics/03_conv_arithmetic.ipynb and 04_params_and_flops.ipynb.
"""
from __future__ import annotations

from collections.abc import Sequence
from cvbook._checks import check_int

__all__ = ["conv_output_size", "conv_transpose_output_size", "conv_params", "conv_flops"]


def _int(name: str, value: object, minimum: int) -> int:
    return check_int(value, name, minimum=minimum)


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length along one axis of a convolution or pooling layer.

    >>> conv_output_size(224, 7, stride=2, padding=3)   # ResNet's stem: 224 -> 112
    112

    Raises ``ValueError`` for impossible settings: non-positive size, kernel, stride or dilation,
    negative padding, or a kernel that does not fit in the padded input.
    """
    size = _int("size", size, 1)
    kernel = _int("kernel", kernel, 1)
    stride = _int("stride", stride, 1)
    padding = _int("padding", padding, 0)
    dilation = _int("dilation", dilation, 1)
    k_eff = dilation * (kernel - 1) + 1
    if size + 2 * padding < k_eff:
        raise ValueError(
            f"the effective kernel ({k_eff} = dilation {dilation} x (kernel {kernel} - 1) + 1) is larger than "
            f"the padded input ({size} + 2 x {padding}); the output would be empty"
        )
    return (size + 2 * padding - k_eff) // stride + 1


def conv_transpose_output_size(
    size: int, kernel: int, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    """Output length along one axis of a transposed convolution (``nn.ConvTranspose2d``)."""
    size = _int("size", size, 1)
    kernel = _int("kernel", kernel, 1)
    stride = _int("stride", stride, 1)
    padding = _int("padding", padding, 0)
    dilation = _int("dilation", dilation, 1)
    output_padding = _int("output_padding", output_padding, 0)
    if output_padding >= max(stride, dilation):
        raise ValueError(f"output_padding ({output_padding}) must be smaller than stride or dilation")
    out = (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    if out <= 0:
        raise ValueError(f"padding {padding} removes the whole output (size would be {out})")
    return out


def _pair(name: str, value: int | Sequence[int]) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return _int(name, value, 1), value
    if isinstance(value, Sequence) and len(value) == 2:
        return _int(name, value[0], 1), _int(name, value[1], 1)
    raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")


def conv_params(in_channels: int, out_channels: int, kernel: int | Sequence[int], groups: int = 1, bias: bool = True) -> int:
    """Number of parameters of a 2-D convolution: ``C_out * C_in/g * kh * kw (+ C_out)``."""
    cin = _int("in_channels", in_channels, 1)
    cout = _int("out_channels", out_channels, 1)
    g = _int("groups", groups, 1)
    if cin % g or cout % g:
        raise ValueError(f"groups ({g}) must divide in_channels ({cin}) and out_channels ({cout})")
    kh, kw = _pair("kernel", kernel)
    return cout * (cin // g) * kh * kw + (cout if bias else 0)


def conv_flops(
    in_channels: int, out_channels: int, kernel: int | Sequence[int], out_size: int | Sequence[int], groups: int = 1, batch: int = 1
) -> int:
    """FLOPs of a 2-D convolution for ``batch`` images: ``2 * N * C_out * H_out * W_out * C_in/g * kh * kw``.

    A multiply-accumulate counts as 2 FLOPs and the bias is not counted, matching ``FlopCounterMode``.
    """
    weights = conv_params(in_channels, out_channels, kernel, groups=groups, bias=False)
    ho, wo = _pair("out_size", out_size)
    n = _int("batch", batch, 1)
    return 2 * n * weights * ho * wo
