r"""Affine (uniform) quantisation (量化): scale and zero point from a min/max range, and fake quantisation.

An integer grid :math:`q \in [q_\min, q_\max]` represents the real value :math:`r = s\,(q - z)` with a real
scale :math:`s > 0` and an integer zero point :math:`z` chosen so that :math:`r = 0` is exact. From the range
:math:`[r_\min, r_\max]` (widened to contain 0),

.. math::  s = \frac{r_\max - r_\min}{q_\max - q_\min}, \qquad z = q_\min - \operatorname{round}(r_\min / s),

and the symmetric scheme takes :math:`s = \max(|r_\min|, |r_\max|) / ((q_\max - q_\min)/2)`, :math:`z = 0`
(signed) or 128 (unsigned 8-bit). *Fake* quantisation rounds a float tensor to the grid and maps it back,
:math:`\hat r = s\,(\operatorname{clamp}(\operatorname{round}(r/s) + z, q_\min, q_\max) - z)`, so a float model
computes with exactly the values an integer model would store.

The formulas and argument orders are those of ``torch.ao.quantization``'s ``MinMaxObserver`` /
``PerChannelMinMaxObserver`` and of ``torch.fake_quantize_per_tensor_affine`` /
``torch.fake_quantize_per_channel_affine`` (the tests check equality).

Reference: B. Jacob et al., "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only
Inference", CVPR 2018 (eq. 1, the affine map and an exactly representable zero).
Taught in: notebooks/08_papers/10_compression.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["qparams_from_minmax", "fake_quantize_per_tensor", "fake_quantize_per_channel", "quantize_weight"]

_EPS = torch.finfo(torch.float32).eps       # torch's observers clamp the scale from below by this


def _check_range(quant_min: int, quant_max: int) -> None:
    if not (isinstance(quant_min, int) and isinstance(quant_max, int)) or quant_min >= quant_max:
        raise ValueError(f"quant_min < quant_max must be ints, got quant_min={quant_min!r}, quant_max={quant_max!r}")


def qparams_from_minmax(min_val: Tensor, max_val: Tensor, quant_min: int = 0, quant_max: int = 255,
                        symmetric: bool = False) -> tuple[Tensor, Tensor]:
    """Scale and zero point that map ``[min_val, max_val]`` (widened to contain 0) onto ``[quant_min, quant_max]``.

    Args:
        min_val, max_val: ranges, scalars ``()`` or one per channel ``(C,)``; ``min_val <= max_val``.
        quant_min, quant_max: the integer grid, e.g. 0..255 (``quint8``) or -128..127 (``qint8``).
        symmetric: ``z = 0`` (signed grid) or the grid's midpoint (unsigned), scale from ``max |r|``.

    Returns:
        ``scale`` (float32, same shape) and ``zero_point`` (int64, same shape).

    Raises:
        ValueError: an empty range tensor, shapes that differ, ``min_val > max_val`` or a bad grid.
    """
    _check_range(quant_min, quant_max)
    min_val, max_val = torch.as_tensor(min_val, dtype=torch.float32), torch.as_tensor(max_val, dtype=torch.float32)
    if min_val.shape != max_val.shape:
        raise ValueError(f"min_val and max_val must have one shape, got {tuple(min_val.shape)} and "
                         f"{tuple(max_val.shape)}")
    if min_val.numel() == 0:
        raise ValueError("min_val is empty: need at least one range")
    if bool((min_val > max_val).any()):
        raise ValueError("min_val must be <= max_val everywhere")
    min_neg = torch.clamp(min_val, max=0.0)      # the range must contain 0 so that 0 is exact
    max_pos = torch.clamp(max_val, min=0.0)
    if symmetric:
        scale = torch.maximum(-min_neg, max_pos) / (float(quant_max - quant_min) / 2)
        scale = torch.clamp(scale, min=_EPS)
        mid = 0 if quant_min < 0 else (quant_min + quant_max + 1) // 2
        zero_point = torch.full_like(scale, mid, dtype=torch.int64)
    else:
        scale = torch.clamp((max_pos - min_neg) / float(quant_max - quant_min), min=_EPS)
        zero_point = (quant_min - torch.round(min_neg / scale)).to(torch.int64).clamp(quant_min, quant_max)
    return scale, zero_point


def _fake(x: Tensor, scale: Tensor, zero_point: Tensor, quant_min: int, quant_max: int) -> Tensor:
    # torch's kernels multiply by the float32 reciprocal of the scale (not divide), then round half to even
    inv = 1.0 / scale.to(torch.float32)
    q = torch.clamp(torch.round(x * inv) + zero_point, quant_min, quant_max)
    return ((q - zero_point) * scale).to(x.dtype)


def fake_quantize_per_tensor(x: Tensor, scale: float, zero_point: int, quant_min: int, quant_max: int) -> Tensor:
    """Round ``x`` (any shape, float32) to the grid of one ``scale`` / ``zero_point`` and map back.

    Same arguments as ``torch.fake_quantize_per_tensor_affine``.

    Raises:
        ValueError: ``scale <= 0``, a zero point outside the grid, or a bad grid.
    """
    _check_range(quant_min, quant_max)
    if not float(scale) > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    if not quant_min <= int(zero_point) <= quant_max:
        raise ValueError(f"zero_point must lie in [{quant_min}, {quant_max}], got {zero_point}")
    s = torch.tensor(float(scale), dtype=torch.float32)
    return _fake(x, s, torch.tensor(int(zero_point)), quant_min, quant_max)


def fake_quantize_per_channel(x: Tensor, scale: Tensor, zero_point: Tensor, axis: int, quant_min: int,
                              quant_max: int) -> Tensor:
    """Fake-quantise ``x`` with one ``scale[c]`` / ``zero_point[c]`` per index ``c`` along ``axis``.

    Same arguments as ``torch.fake_quantize_per_channel_affine``; ``scale``, ``zero_point`` are ``(x.shape[axis],)``.

    Raises:
        ValueError: ``axis`` out of range, parameter lengths that are not ``x.shape[axis]``, a scale ``<= 0``
            or a zero point outside the grid.
    """
    _check_range(quant_min, quant_max)
    if not -x.dim() <= axis < x.dim():
        raise ValueError(f"axis must index one of x's {x.dim()} dims, got {axis}")
    axis = axis % x.dim()
    scale, zero_point = torch.as_tensor(scale), torch.as_tensor(zero_point)
    c = x.shape[axis]
    if scale.shape != (c,) or zero_point.shape != (c,):
        raise ValueError(f"scale and zero_point must have shape ({c},) (x.shape[axis]), "
                         f"got {tuple(scale.shape)} and {tuple(zero_point.shape)}")
    if bool((scale <= 0).any()):
        raise ValueError("every scale must be > 0")
    if bool(((zero_point < quant_min) | (zero_point > quant_max)).any()):
        raise ValueError(f"every zero_point must lie in [{quant_min}, {quant_max}]")
    shape = [1] * x.dim()
    shape[axis] = c
    return _fake(x, scale.to(torch.float32).view(shape), zero_point.to(torch.int64).view(shape), quant_min, quant_max)


def quantize_weight(weight: Tensor, num_bits: int = 8, per_channel: bool = True) -> Tensor:
    """Fake-quantise a layer's ``weight (C_out, ...)`` to a signed symmetric ``num_bits`` grid from its min/max.

    Per output channel (``axis=0``) by default, as torch's default weight observer
    (``PerChannelMinMaxObserver``, ``qint8``, ``per_channel_symmetric``) does for 8 bits.

    Raises:
        ValueError: an empty weight or ``num_bits`` outside 2..16.
    """
    if weight.numel() == 0:
        raise ValueError("weight is empty: nothing to quantise")
    if not (isinstance(num_bits, int) and 2 <= num_bits <= 16):
        raise ValueError(f"num_bits must be an int in 2..16, got {num_bits!r}")
    qmin, qmax = -(2 ** (num_bits - 1)), 2 ** (num_bits - 1) - 1
    w = weight.detach()
    if per_channel:
        flat = w.reshape(w.shape[0], -1)
        scale, zp = qparams_from_minmax(flat.min(1).values, flat.max(1).values, qmin, qmax, symmetric=True)
        return fake_quantize_per_channel(w, scale, zp, 0, qmin, qmax)
    scale, zp = qparams_from_minmax(w.min(), w.max(), qmin, qmax, symmetric=True)
    return fake_quantize_per_tensor(w, float(scale), int(zp), qmin, qmax)
