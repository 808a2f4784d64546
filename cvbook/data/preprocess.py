"""Input preprocessing of neural networks: per-channel standardisation, PCA and ZCA whitening.

- :func:`channel_stats` and :func:`normalize`: subtract each channel's mean and divide by its
  standard deviation, the convention of image networks (``torchvision.transforms.v2.Normalize``).
  Viewing the flattened pixels as ``D`` channels of size 1x1, ``(N, D, 1, 1)``, the same two
  functions standardise each pixel (each feature) separately.
- :func:`fit_whitening` and :class:`Whitening`: a linear map ``z = W (x - mu)`` that makes the
  covariance of ``z`` the identity. With ``Sigma = U diag(lambda) U^T`` (eigenvalues descending),
  PCA whitening is ``W = diag(lambda + eps)^{-1/2} U^T`` (rotate onto the principal axes, then
  scale each to unit variance) and ZCA whitening is ``W = U diag(lambda + eps)^{-1/2} U^T =
  (Sigma + eps I)^{-1/2}``, the symmetric whitening, which rotates back and so changes the data
  least (Bell and Sejnowski 1997).

Reference: Y. LeCun, L. Bottou, G. Orr and K.-R. Mueller, "Efficient BackProp", in Neural Networks:
Tricks of the Trade, 1998 (sec. 4.3: centre, scale, decorrelate the inputs); A. Krizhevsky,
"Learning Multiple Layers of Features from Tiny Images", tech. report, 2009 (ZCA whitening of images);
A. J. Bell and T. J. Sejnowski, "The 'independent components' of natural scenes are edge filters",
Vision Research 37(23), 1997.
Taught in: notebooks/01_cnn_basics/13_preprocessing.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import check_tensor

__all__ = ["WHITENING_METHODS", "Whitening", "channel_stats", "fit_whitening", "normalize"]

#: The whitening methods of :func:`fit_whitening`.
WHITENING_METHODS: tuple[str, ...] = ("pca", "zca")


def channel_stats(images: Tensor) -> tuple[Tensor, Tensor]:
    """The mean and standard deviation of each channel over all images and pixels.

    Args:
        images: ``(N, C, H, W)`` floating-point images.

    Returns:
        ``(mean, std)``, each ``Tensor[C]`` of ``images``' dtype. ``std`` is the population standard
        deviation (divides by ``N H W``, not ``N H W - 1``): it describes the data set, as
        ``numpy.std`` does.

    Raises:
        TypeError: ``images`` is not a floating-point tensor.
        ValueError: ``images`` is not 4-D or holds no pixel.
    """
    check_tensor(images, "images")
    if images.dim() != 4:
        raise ValueError(f"images must have shape (N, C, H, W), got {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"images must be floating point, got {images.dtype}")
    if images.numel() == 0:
        raise ValueError(f"images must hold at least one pixel per channel, got shape {tuple(images.shape)}")
    flat = images.transpose(0, 1).reshape(images.shape[1], -1)  # (C, N H W)
    return flat.mean(dim=1), flat.std(dim=1, correction=0)


def normalize(images: Tensor, mean: Tensor | Sequence[float], std: Tensor | Sequence[float]) -> Tensor:
    """``(images - mean[c]) / std[c]`` channel by channel, as ``torchvision.transforms.v2.functional.normalize``.

    Args:
        images: ``(..., C, H, W)`` floating-point images (one image or a batch).
        mean: ``C`` channel means (a ``Tensor[C]`` or a sequence of floats).
        std: ``C`` channel standard deviations, all ``> 0``.

    Returns:
        A new tensor of ``images``' shape and dtype.

    Raises:
        TypeError: ``images`` is not a floating-point tensor.
        ValueError: ``images`` has fewer than 3 dimensions, ``mean``/``std`` do not have ``C``
            entries, or a standard deviation is not positive.
    """
    check_tensor(images, "images")
    if images.dim() < 3:
        raise ValueError(f"images must have shape (..., C, H, W), got {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"images must be floating point, got {images.dtype}")
    c = images.shape[-3]
    m = torch.as_tensor(mean, dtype=images.dtype, device=images.device).reshape(-1)
    s = torch.as_tensor(std, dtype=images.dtype, device=images.device).reshape(-1)
    if m.numel() != c or s.numel() != c:
        raise ValueError(f"mean and std need one entry per channel ({c}), got {m.numel()} and {s.numel()}")
    if not bool((s > 0).all()):
        raise ValueError(f"every std must be > 0 (a constant channel cannot be standardised), got {s.tolist()}")
    return (images - m.view(c, 1, 1)) / s.view(c, 1, 1)


@dataclass(frozen=True)
class Whitening:
    """A fitted whitening ``z = matrix @ (x - mean)``, applied row by row.

    Attributes:
        mean: ``Tensor[D]``, the training mean.
        matrix: ``Tensor[D, D]``; rows are the (scaled) directions. PCA: ``diag(lambda + eps)^{-1/2} U^T``;
            ZCA: ``U diag(lambda + eps)^{-1/2} U^T`` (symmetric).
        eigenvalues: ``Tensor[D]``, the eigenvalues of the training covariance, descending (before ``eps``).
        method: ``"pca"`` or ``"zca"``.
        eps: the regulariser added to every eigenvalue.
    """

    mean: Tensor
    matrix: Tensor
    eigenvalues: Tensor
    method: str
    eps: float

    def apply(self, x: Tensor) -> Tensor:
        """Whiten ``x`` ``Tensor[N, D]`` (or one ``Tensor[D]``): ``(x - mean) @ matrix.T``.

        Raises:
            ValueError: the last dimension of ``x`` is not ``D``.
        """
        check_tensor(x, "x")
        d = self.mean.numel()
        if x.dim() not in (1, 2) or x.shape[-1] != d:
            raise ValueError(f"x must have shape (N, {d}) or ({d},), got {tuple(x.shape)}")
        return (x.to(self.matrix.dtype) - self.mean) @ self.matrix.T


def fit_whitening(x: Tensor, method: str = "zca", eps: float = 0.0) -> Whitening:
    """Fit a PCA or ZCA whitening to the rows of ``x``.

    The covariance is the unbiased one, ``Sigma = (x - mu)^T (x - mu) / (N - 1)``, as in
    ``sklearn.decomposition.PCA(whiten=True)``, so that ``fit_whitening(x, "pca").apply(x)`` has
    identity sample covariance and equals scikit-learn's transform up to the sign of each component.

    Args:
        x: ``Tensor[N, D]`` floating point, one example per row.
        method: ``"pca"`` or ``"zca"``.
        eps: ``>= 0``, added to every eigenvalue before the inverse square root. ``eps = 0`` is
            exact whitening; ``eps > 0`` damps the directions of variance below about ``eps``
            instead of blowing them up (Krizhevsky 2009 adds a small constant likewise).

    Returns:
        A :class:`Whitening` of ``x``'s dtype.

    Raises:
        TypeError: ``x`` is not a floating-point tensor.
        ValueError: ``x`` is not 2-D, has fewer than 2 rows or no column, ``method`` is unknown,
            ``eps`` is negative or not finite, or ``eps = 0`` and the covariance is singular.
    """
    check_tensor(x, "x")
    if x.dim() != 2:
        raise ValueError(f"x must have shape (N, D), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"x must be floating point, got {x.dtype}")
    n, d = x.shape
    if n < 2 or d < 1:
        raise ValueError(f"x needs at least 2 rows and 1 column to estimate a covariance, got {tuple(x.shape)}")
    if method not in WHITENING_METHODS:
        raise ValueError(f"method must be one of {WHITENING_METHODS}, got {method!r}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not math.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    mean = x.mean(dim=0)
    xc = x - mean
    cov = xc.T @ xc / (n - 1)
    lam, u = torch.linalg.eigh(cov)  # ascending
    lam, u = lam.flip(0), u.flip(1)  # descending, as PCA orders its components
    tiny = lam[0].clamp(min=0) * d * torch.finfo(x.dtype).eps
    if eps == 0 and bool(lam[-1] <= tiny):
        raise ValueError(
            f"the covariance is singular (smallest eigenvalue {lam[-1].item():.3g}, rank < {d}; "
            f"a constant feature, or N = {n} <= D = {d}): pass eps > 0 or drop the constant features")
    scale = (lam.clamp(min=0) + eps).rsqrt()  # eigenvalues below 0 are rounding: clamp them
    pca = scale[:, None] * u.T  # (D, D): row k is u_k / sqrt(lambda_k + eps)
    matrix = pca if method == "pca" else u @ pca
    if method == "zca":
        matrix = (matrix + matrix.T) / 2  # symmetric in exact arithmetic; remove the rounding
    return Whitening(mean=mean, matrix=matrix, eigenvalues=lam, method=method, eps=float(eps))
