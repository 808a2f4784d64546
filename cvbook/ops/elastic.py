"""Elastic deformation: a smooth random displacement field, and warping images and label maps by it.

U-Net's augmentation: random displacement vectors on a coarse ``grid x grid`` lattice, drawn from a
Gaussian of ``sigma`` pixels, interpolated bicubically to a per-pixel field; the image is resampled
bilinearly and the label map by nearest neighbour at ``(x + dx, y + dy)``. Outside the image the
sample is mirrored (edge pixel not repeated), as ``cv2.BORDER_REFLECT_101``.

Displacements are ``Tensor[2, H, W]`` in pixels, channel 0 the x (column) shift and channel 1 the
y (row) shift: output pixel ``(row, col)`` takes the input at ``(col + d[0], row + d[1])``.

Reference: Ronneberger, Fischer, Brox, "U-Net", MICCAI 2015, Sec. 3.1 (3x3 grid, 10 px std,
bicubic); Simard, Steinkraus, Platt, ICDAR 2003 (elastic distortions).
Taught in: notebooks/06_segmentation/02_unet.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive, check_shape, check_tensor

__all__ = ["elastic_displacement", "remap", "elastic_deform"]


def elastic_displacement(height: int, width: int, sigma: float, grid: int = 3,
                         generator: torch.Generator | None = None) -> Tensor:
    """A smooth random displacement field ``Tensor[2, H, W]`` float32 (pixels; channel 0 = x, 1 = y).

    Args:
        height, width: the image size.
        sigma: standard deviation of the lattice displacements in pixels (0: no displacement).
        grid: lattice points per side (U-Net: 3).
        generator: the randomness.

    Raises:
        ValueError: a size < 1, ``grid < 2`` or ``sigma < 0``.

    Reference: Ronneberger et al. 2015, Sec. 3.1.
    Taught in: notebooks/06_segmentation/02_unet.ipynb
    """
    h, w = check_int(height, "height", minimum=1), check_int(width, "width", minimum=1)
    g = check_int(grid, "grid", minimum=2)
    s = check_positive(sigma, "sigma", strict=False)
    coarse = torch.randn(1, 2, g, g, generator=as_generator(generator)) * s
    # bicubic through the lattice points, which sit on the corner pixels and evenly between them
    return F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)[0]


def remap(image: Tensor, displacement: Tensor, mode: str = "bilinear") -> Tensor:
    """Sample ``(..., C, H, W)`` (or a label map ``(..., H, W)`` with ``mode="nearest"``) at the displaced points.

    ``out[..., r, c] = image[..., r + d[1, r, c], c + d[0, r, c]]``, interpolated, with mirror
    reflection outside the image (``cv2.remap(..., borderMode=cv2.BORDER_REFLECT_101)``).

    Args:
        image: float ``(C, H, W)`` / ``(B, C, H, W)``, or an integer label map ``(H, W)`` / ``(B, H, W)``
            (then ``mode`` must be ``"nearest"``, and labels stay labels).
        displacement: ``Tensor[2, H, W]`` in pixels (channel 0 = x, 1 = y).
        mode: ``"bilinear"`` or ``"nearest"``.

    Returns:
        A tensor of the image's shape and dtype.

    Raises:
        TypeError: ``image`` or ``displacement`` is not a tensor.
        ValueError: shapes that disagree, or bilinear interpolation of integer labels.

    Reference: OpenCV ``cv2.remap`` with ``INTER_LINEAR`` / ``INTER_NEAREST`` and ``BORDER_REFLECT_101``.
    Taught in: notebooks/06_segmentation/02_unet.ipynb
    """
    image = check_tensor(image, "image")
    d = check_tensor(displacement, "displacement")
    size = check_shape(d, "2 H W", "displacement")
    h, w = size["H"], size["W"]
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"mode must be 'bilinear' or 'nearest', got {mode!r}")
    if image.dim() < 2 or tuple(image.shape[-2:]) != (h, w):
        raise ValueError(f"image must end in (H, W) = {(h, w)}, got shape {tuple(image.shape)}")
    is_label = not image.is_floating_point()
    if is_label and mode != "nearest":
        raise ValueError("integer label maps must be remapped with mode='nearest'")
    x = image.unsqueeze(-3) if is_label else image  # labels get a channel axis
    lead = x.shape[:-3]
    x = x.reshape(-1, *x.shape[-3:])
    x = x.to(d.dtype) if is_label else x
    rows, cols = torch.meshgrid(torch.arange(h, dtype=d.dtype), torch.arange(w, dtype=d.dtype), indexing="ij")
    sx, sy = cols + d[0], rows + d[1]
    # normalise with align_corners=True: -1 and 1 are the centres of the corner pixels, so that
    # padding_mode="reflection" reflects about them (BORDER_REFLECT_101)
    gx = 2 * sx / max(w - 1, 1) - 1
    gy = 2 * sy / max(h - 1, 1) - 1
    grid = torch.stack([gx, gy], dim=-1).expand(x.shape[0], h, w, 2).to(x.dtype)
    out = F.grid_sample(x, grid, mode=mode, padding_mode="reflection", align_corners=True)
    out = out.reshape(*lead, *out.shape[-3:])
    return out.squeeze(-3).round().to(image.dtype) if is_label else out


def elastic_deform(image: Tensor, labels: Tensor | None, sigma: float, grid: int = 3,
                   generator: torch.Generator | None = None) -> tuple[Tensor, Tensor | None]:
    """U-Net's elastic augmentation of one ``(C, H, W)`` image and its ``(H, W)`` label map (or None).

    One field from :func:`elastic_displacement`; the image is resampled bilinearly, the labels by
    nearest neighbour, so the labels stay in the label set and follow the image.

    Args:
        image: float ``(C, H, W)``.
        labels: integer ``(H, W)`` label map, or None.
        sigma, grid, generator: as :func:`elastic_displacement`.

    Returns:
        ``(deformed image (C, H, W), deformed labels (H, W) or None)``.

    Raises:
        ValueError: ``image`` is not ``(C, H, W)``, or the labels do not match its size.

    Reference: Ronneberger et al. 2015, Sec. 3.1.
    Taught in: notebooks/06_segmentation/02_unet.ipynb
    """
    image = check_tensor(image, "image")
    check_shape(image, "C H W", "image")
    d = elastic_displacement(image.shape[-2], image.shape[-1], sigma, grid, generator)
    out = remap(image, d.to(image.dtype))
    return out, (None if labels is None else remap(labels, d, mode="nearest"))
