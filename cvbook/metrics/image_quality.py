"""Image quality: PSNR and SSIM, written as scikit-image computes them (its functions are the tests' oracle).

Images are ``Tensor[H, W]`` (grey) or ``Tensor[C, H, W]`` (channels first; SSIM is averaged over channels,
like ``skimage.metrics.structural_similarity(..., channel_axis=0)``).

Reference: Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image Quality Assessment: From Error
Visibility to Structural Similarity", IEEE TIP 2004.
Taught in: notebooks/08_papers/04_inpainting.ipynb
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_int, check_positive, check_tensor

__all__ = ["psnr", "ssim"]


def _pair(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    check_tensor(x, "x")
    check_tensor(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {tuple(x.shape)} and {tuple(y.shape)}")
    if x.dim() not in (2, 3):
        raise ValueError(f"images must be (H, W) or (C, H, W), got shape {tuple(x.shape)}")
    if x.numel() == 0:
        raise ValueError("images must not be empty")
    return x.double(), y.double()


def psnr(x: Tensor, y: Tensor, data_range: float = 1.0) -> Tensor:
    """Peak signal-to-noise ratio ``10 log10(R^2 / MSE)`` in dB.

    Args:
        x, y: images of the same shape, ``(H, W)`` or ``(C, H, W)``.
        data_range: ``R``, the span of possible values (1 for ``[0, 1]`` images, 255 for ``uint8``).

    Returns:
        A float64 scalar; ``inf`` for identical images (as scikit-image).

    Raises:
        ValueError: shapes differ or are not 2-D/3-D, empty images, ``data_range <= 0``.

    Reference: ``skimage.metrics.peak_signal_noise_ratio``.
    Taught in: notebooks/08_papers/04_inpainting.ipynb
    """
    x, y = _pair(x, y)
    r = check_positive(data_range, "data_range")
    mse = (x - y).pow(2).mean()
    return 10 * torch.log10(torch.tensor(r * r, dtype=torch.float64) / mse)


def ssim(x: Tensor, y: Tensor, data_range: float = 1.0, win_size: int = 7, k1: float = 0.01, k2: float = 0.03) -> Tensor:
    r"""Mean structural similarity with a uniform ``win_size`` window (scikit-image's default).

    With local means :math:`\mu`, sample variances :math:`\sigma^2` and covariance :math:`\sigma_{xy}` (ddof 1)
    in each window, :math:`C_1 = (k_1 R)^2, C_2 = (k_2 R)^2`:

    .. math:: \mathrm{SSIM} = \frac{(2\mu_x\mu_y + C_1)(2\sigma_{xy} + C_2)}{(\mu_x^2 + \mu_y^2 + C_1)(\sigma_x^2 + \sigma_y^2 + C_2)},

    averaged over the windows that fit inside the image (scikit-image crops the border of its map).

    Departs from Wang et al. 2004, who use an 11×11 Gaussian window (``gaussian_weights=True`` in
    scikit-image); this is scikit-image's default.

    Args:
        x, y: images of the same shape, ``(H, W)`` or ``(C, H, W)``, ``H, W >= win_size``.
        data_range: ``R``.
        win_size: odd window side ``>= 3``.

    Returns:
        A float64 scalar in ``[-1, 1]`` (the mean over channels for ``(C, H, W)``).

    Raises:
        ValueError: bad shapes, an even or too large window, ``data_range <= 0``.

    Reference: Wang et al., IEEE TIP 2004, eq. (13); ``skimage.metrics.structural_similarity``.
    Taught in: notebooks/08_papers/04_inpainting.ipynb
    """
    x, y = _pair(x, y)
    r = check_positive(data_range, "data_range")
    win = check_int(win_size, "win_size", minimum=3)
    if win % 2 == 0:
        raise ValueError(f"win_size must be odd, got {win}")
    if min(x.shape[-2:]) < win:
        raise ValueError(f"images must be at least win_size={win} pixels on each side, got {tuple(x.shape[-2:])}")
    x = x.reshape(-1, 1, *x.shape[-2:])
    y = y.reshape(-1, 1, *y.shape[-2:])
    mean = lambda t: F.avg_pool2d(t, win, stride=1)  # noqa: E731  (valid windows = scikit-image's cropped map)
    np_ = win * win
    cov_norm = np_ / (np_ - 1)
    ux, uy = mean(x), mean(y)
    vx = cov_norm * (mean(x * x) - ux * ux)
    vy = cov_norm * (mean(y * y) - uy * uy)
    vxy = cov_norm * (mean(x * y) - ux * uy)
    c1, c2 = (k1 * r) ** 2, (k2 * r) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return s.mean(dim=(1, 2, 3)).mean()
