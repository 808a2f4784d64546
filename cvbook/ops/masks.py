"""Mask ops for segmentation: one-hot, boundaries, erosion and dilation by k pixels, bilinear kernels.

Masks are ``bool`` tensors ``(..., H, W)`` indexed ``[row, col]``; label maps are integer tensors
``(..., H, W)``. Erosion and dilation use a square ``(2k+1) x (2k+1)`` structuring element, so "within
k pixels" means Chebyshev (chessboard) distance ``<= k``. Outside the image counts as *background* for
dilation and as *foreground* for erosion (scipy's ``border_value=1``), so that a mask that touches the
image border is not eaten away from the border: the border of the image is not a boundary of the object.

Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_int, check_tensor

__all__ = ["one_hot", "dilate", "erode", "mask_boundary", "bilinear_kernel", "bilinear_upsampling_weight"]


def _check_mask(mask: object, name: str = "mask") -> Tensor:
    mask = check_tensor(mask, name)
    if mask.dtype != torch.bool:
        raise TypeError(f"{name} must be a bool tensor (..., H, W), got dtype {mask.dtype}")
    if mask.dim() < 2:
        raise ValueError(f"{name} must have shape (..., H, W), got {tuple(mask.shape)}")
    return mask


def _as_batch(mask: Tensor) -> tuple[Tensor, torch.Size]:
    shape = mask.shape
    return mask.reshape(-1, 1, shape[-2], shape[-1]), shape


def one_hot(labels: Tensor, num_classes: int, ignore_index: int | None = None) -> Tensor:
    """Label map ``(B, H, W)`` int -> one-hot ``(B, K, H, W)`` bool, class dimension second.

    Pixels equal to ``ignore_index`` get an all-False column (they belong to no class).

    Args:
        labels: integer tensor ``(B, H, W)`` (any leading shape ``(..., H, W)`` works: ``K`` goes
            in front of the last two dimensions).
        num_classes: ``K``.
        ignore_index: a label to leave out (may lie outside ``[0, K)``, e.g. 255).

    Raises:
        TypeError: ``labels`` is not an integer tensor.
        ValueError: a label outside ``[0, K)`` that is not ``ignore_index``.

    Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
    """
    labels = check_tensor(labels, "labels")
    k = check_int(num_classes, "num_classes", minimum=1)
    if labels.is_floating_point() or labels.dtype == torch.bool or labels.is_complex():
        raise TypeError(f"labels must be an integer tensor, got dtype {labels.dtype}")
    if labels.dim() < 2:
        raise ValueError(f"labels must have shape (..., H, W), got {tuple(labels.shape)}")
    valid = torch.ones_like(labels, dtype=torch.bool) if ignore_index is None else labels != ignore_index
    bad = valid & ((labels < 0) | (labels >= k))
    if bad.any():
        raise ValueError(f"labels must lie in [0, {k}) (or equal ignore_index={ignore_index}), got {labels[bad][0].item()}")
    out = F.one_hot(torch.where(valid, labels, 0).long(), k).bool() & valid[..., None]
    return out.movedim(-1, -3)


def dilate(mask: Tensor, k: int) -> Tensor:
    """Binary dilation by ``k`` pixels: a pixel is set when some mask pixel lies within Chebyshev distance k.

    ``(..., H, W)`` bool -> same shape. ``k = 0`` returns a copy.

    Reference: Serra, "Image Analysis and Mathematical Morphology", 1982 (square structuring element).
    Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
    """
    mask = _check_mask(mask)
    k = check_int(k, "k", minimum=0)
    if k == 0 or mask.numel() == 0:
        return mask.clone()
    x, shape = _as_batch(mask)
    # max_pool2d pads with -inf, so outside the image is background, as scipy's border_value=0
    out = F.max_pool2d(x.float(), 2 * k + 1, stride=1, padding=k) > 0.5
    return out.reshape(shape)


def erode(mask: Tensor, k: int) -> Tensor:
    """Binary erosion by ``k`` pixels: a pixel stays set when every pixel within Chebyshev distance k is set.

    ``(..., H, W)`` bool -> same shape. Outside the image counts as set (scipy's ``border_value=1``),
    the dual of :func:`dilate`: ``erode(m, k) == ~dilate(~m, k)``.

    Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
    """
    mask = _check_mask(mask)
    return ~dilate(~mask, k)


def mask_boundary(mask: Tensor) -> Tensor:
    """Inner boundary of a binary mask: mask pixels with a 4-neighbour outside the mask.

    ``(..., H, W)`` bool -> same shape. Pixels on the image border are boundary pixels only where a
    neighbour inside the image is background (the image border itself is no boundary), as
    ``skimage.segmentation.find_boundaries(mask, connectivity=1, mode="inner")``.

    Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
    """
    mask = _check_mask(mask)
    if mask.numel() == 0:
        return mask.clone()
    x, shape = _as_batch(mask)
    # 4-neighbour erosion with the outside counted as foreground (replicate padding of the mask)
    p = F.pad(x.float(), (1, 1, 1, 1), mode="replicate") > 0.5
    inner = p[..., 1:-1, 1:-1] & p[..., :-2, 1:-1] & p[..., 2:, 1:-1] & p[..., 1:-1, :-2] & p[..., 1:-1, 2:]
    return (x & ~inner).reshape(shape)


def bilinear_kernel(factor: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """The ``k x k`` kernel, ``k = 2 factor - factor % 2``, of bilinear up-sampling by an integer factor.

    ``w[i, j] = (1 - |i - c| / f) (1 - |j - c| / f)`` with centre ``c = (k - 1) / 2``; used as the
    weight of ``ConvTranspose2d(kernel_size=k, stride=f, padding=f // 2)`` it reproduces
    ``F.interpolate(scale_factor=f, mode="bilinear", align_corners=False)`` except within about ``f``
    pixels of the border (where interpolate clamps and the transposed convolution sees zeros).

    Reference: Long, Shelhamer, Darrell, "Fully Convolutional Networks for Semantic Segmentation",
    CVPR 2015 (the ``get_upsampling_weight`` of their Caffe code; we add padding f // 2 instead of
    cropping, so the output is exactly ``f`` times the input).
    Taught in: notebooks/06_segmentation/01_fcn.ipynb
    """
    f = check_int(factor, "factor", minimum=1)
    k = 2 * f - f % 2
    centre = (k - 1) / 2
    t = 1 - (torch.arange(k, dtype=torch.float64) - centre).abs() / f
    return (t[:, None] * t[None, :]).to(dtype)


def bilinear_upsampling_weight(channels: int, factor: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """Weight ``(C, C, k, k)`` of a ``ConvTranspose2d(C, C, k, stride=factor, padding=factor // 2)``
    that up-samples each channel bilinearly on its own (channel i to channel i, zero across channels).

    Taught in: notebooks/06_segmentation/01_fcn.ipynb
    """
    c = check_int(channels, "channels", minimum=1)
    kern = bilinear_kernel(factor, dtype)
    w = torch.zeros(c, c, *kern.shape, dtype=dtype)
    w[torch.arange(c), torch.arange(c)] = kern
    return w
