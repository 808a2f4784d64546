r"""The backward pass of a 2-D convolution, written from the formulas.

For ``Y = conv2d(X, W, stride=s, padding=p, dilation=d)`` (deep learning's cross-correlation, one
group), with ``X`` of shape ``(N, C, H, W_in)``, ``W`` of shape ``(O, C, k_h, k_w)`` and
``Xp`` the zero-padded input,

.. math::
    Y[n, o, y, x] = \sum_{c, i, j} W[o, c, i, j]\, Xp[n, c, s y + d i, s x + d j] .

Differentiating, with ``G = dL/dY``:

- ``dL/dW[o, c, i, j] = \sum_{n, y, x} G[n, o, y, x]\, Xp[n, c, s y + d i, s x + d j]``: the
  **correlation of the input with the output gradient** (:func:`conv2d_weight`);
- ``dL/dXp[n, c, u, v] = \sum_{o, i, j} G[n, o, y, x]\, W[o, c, i, j]`` over the ``(y, x)`` with
  ``s y + d i = u``: insert ``s - 1`` zeros between the entries of ``G``, pad it by ``d (k - 1)``
  and take the **full convolution with the flipped kernel** (channels ``O`` and ``C`` swapped);
  cropping the padding ``p`` gives ``dL/dX`` (:func:`conv2d_input`).

Names and argument order are those of ``torch.nn.grad.conv2d_input`` / ``conv2d_weight``.

Reference: Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", arXiv 1603.07285, 2016.
Taught in: notebooks/01_cnn_basics/12_conv_backward.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_shape, check_tensor

__all__ = ["conv2d_input", "conv2d_weight", "Conv2dFunction"]


def _pair(v: int | Sequence[int], name: str, minimum: int) -> tuple[int, int]:
    if isinstance(v, int) and not isinstance(v, bool):
        vals = (v, v)
    elif isinstance(v, Sequence) and not isinstance(v, str):
        vals = tuple(v)
    else:
        raise TypeError(f"{name} must be an int or a pair of ints, got {v!r}")
    if len(vals) != 2 or any(isinstance(a, bool) or not isinstance(a, int) for a in vals):
        raise TypeError(f"{name} must be an int or a pair of ints, got {v!r}")
    if any(a < minimum for a in vals):
        raise ValueError(f"{name} must be >= {minimum}, got {v!r}")
    return vals  # type: ignore[return-value]


def _out_size(size: int, k: int, s: int, p: int, d: int) -> int:
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def conv2d_input(input_size: Sequence[int], weight: Tensor, grad_output: Tensor,
                 stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                 dilation: int | Sequence[int] = 1) -> Tensor:
    """Gradient of a convolution with respect to its input: ``dL/dX`` from ``dL/dY``.

    Args:
        input_size: ``(N, C, H, W)`` of the input.
        weight: ``(O, C, k_h, k_w)``.
        grad_output: ``(N, O, H_out, W_out)``, ``dL/dY``.
        stride, padding, dilation: those of the forward convolution (int or pair).

    Returns:
        ``(N, C, H, W)``: ``dL/dX``. Input rows that no output unit reads (the remainder when
        ``(H + 2p - d(k-1) - 1)`` is not a multiple of ``s``) get zero gradient.

    Raises:
        ValueError: shapes disagree with each other or with the convolution arithmetic.
        TypeError: a tensor argument is not a tensor, or a size is not an int.

    Reference: Dumoulin & Visin, arXiv 1603.07285, Sec. 4 (transposed convolution).
    Taught in: notebooks/01_cnn_basics/12_conv_backward.ipynb
    """
    check_tensor(weight, "weight")
    check_tensor(grad_output, "grad_output")
    if len(input_size) != 4:
        raise ValueError(f"input_size must be (N, C, H, W), got {tuple(input_size)}")
    n, c, h, w = (int(v) for v in input_size)
    dims = check_shape(weight, "O C KH KW", "weight")
    g = check_shape(grad_output, "N O HO WO", "grad_output")
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    kh, kw = dims["KH"], dims["KW"]
    if dims["C"] != c or g["O"] != dims["O"] or g["N"] != n:
        raise ValueError(f"weight {tuple(weight.shape)}, grad_output {tuple(grad_output.shape)} and input_size "
                         f"{(n, c, h, w)} disagree on N, C or O")
    expected = (_out_size(h, kh, sh, ph, dh), _out_size(w, kw, sw, pw, dw))
    if (g["HO"], g["WO"]) != expected:
        raise ValueError(f"grad_output has spatial size {(g['HO'], g['WO'])}, the convolution gives {expected}")
    # 1. dilate G by the stride: s - 1 zeros between neighbouring entries
    ho, wo = expected
    dil = grad_output.new_zeros(n, dims["O"], (ho - 1) * sh + 1, (wo - 1) * sw + 1)
    dil[:, :, ::sh, ::sw] = grad_output
    # 2. full convolution with the flipped kernel, channels swapped: (O, C, kh, kw) -> (C, O, kh, kw)
    w_flip = weight.flip(-2, -1).transpose(0, 1)
    full = F.conv2d(dil, w_flip, padding=(dh * (kh - 1), dw * (kw - 1)), dilation=(dh, dw))
    # 3. it covers the first (ho-1)s + d(k-1) + 1 rows of the padded input; the rest get no gradient
    grad_padded = grad_output.new_zeros(n, c, h + 2 * ph, w + 2 * pw)
    grad_padded[:, :, : full.shape[2], : full.shape[3]] = full
    # 4. drop the padding
    return grad_padded[:, :, ph : ph + h, pw : pw + w]


def conv2d_weight(input: Tensor, weight_size: Sequence[int], grad_output: Tensor,
                  stride: int | Sequence[int] = 1, padding: int | Sequence[int] = 0,
                  dilation: int | Sequence[int] = 1) -> Tensor:
    """Gradient of a convolution with respect to its weight: ``dL/dW`` from ``dL/dY``.

    The correlation of the (padded) input with the output gradient, computed from the patches of
    the input (``F.unfold``, im2col): ``dW[o, (c, i, j)] = sum_n G[n, o, :] . patches[n, (c, i, j), :]``.

    Args:
        input: ``(N, C, H, W)``.
        weight_size: ``(O, C, k_h, k_w)``.
        grad_output: ``(N, O, H_out, W_out)``.
        stride, padding, dilation: those of the forward convolution (int or pair).

    Returns:
        ``(O, C, k_h, k_w)``: ``dL/dW``.

    Raises:
        ValueError: shapes disagree with each other or with the convolution arithmetic.
        TypeError: a tensor argument is not a tensor, or a size is not an int.

    Reference: Dumoulin & Visin, arXiv 1603.07285, 2016.
    Taught in: notebooks/01_cnn_basics/12_conv_backward.ipynb
    """
    check_tensor(input, "input")
    check_tensor(grad_output, "grad_output")
    x = check_shape(input, "N C H W", "input")
    g = check_shape(grad_output, "N O HO WO", "grad_output")
    if len(weight_size) != 4:
        raise ValueError(f"weight_size must be (O, C, kh, kw), got {tuple(weight_size)}")
    o, c, kh, kw = (int(v) for v in weight_size)
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    if c != x["C"] or o != g["O"] or x["N"] != g["N"]:
        raise ValueError(f"input {tuple(input.shape)}, weight_size {(o, c, kh, kw)} and grad_output "
                         f"{tuple(grad_output.shape)} disagree on N, C or O")
    expected = (_out_size(x["H"], kh, sh, ph, dh), _out_size(x["W"], kw, sw, pw, dw))
    if (g["HO"], g["WO"]) != expected:
        raise ValueError(f"grad_output has spatial size {(g['HO'], g['WO'])}, the convolution gives {expected}")
    patches = F.unfold(input, (kh, kw), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw))  # (N, C*kh*kw, L)
    grad = torch.einsum("nol,nkl->ok", grad_output.flatten(2), patches)
    return grad.reshape(o, c, kh, kw)


class Conv2dFunction(torch.autograd.Function):
    """``F.conv2d`` forward with the hand-written backward above (one group).

    ``Conv2dFunction.apply(x, weight, bias, stride, padding, dilation)``; ``bias`` may be ``None``.
    Its gradient ``dL/db`` is ``G`` summed over ``N``, ``H_out`` and ``W_out``.

    Taught in: notebooks/01_cnn_basics/12_conv_backward.ipynb
    """

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor, bias: Tensor | None, stride=1, padding=0, dilation=1):  # type: ignore[override]
        ctx.save_for_backward(x, weight)
        ctx.conf = (stride, padding, dilation)
        ctx.has_bias = bias is not None
        return F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)

    @staticmethod
    def backward(ctx, grad_output: Tensor):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        stride, padding, dilation = ctx.conf
        dx = conv2d_input(x.shape, weight, grad_output, stride, padding, dilation) if ctx.needs_input_grad[0] else None
        dw = conv2d_weight(x, weight.shape, grad_output, stride, padding, dilation) if ctx.needs_input_grad[1] else None
        db = grad_output.sum(dim=(0, 2, 3)) if ctx.has_bias and ctx.needs_input_grad[2] else None
        return dx, dw, db, None, None, None
