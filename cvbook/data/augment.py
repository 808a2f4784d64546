"""Batched random data augmentation (数据增强) on ``(B, C, H, W)`` tensors: horizontal flip, random crop
with padding, colour jitter (brightness and contrast) and cutout, each image with its own parameters.

Every op comes as a pair: ``*_params`` draws the per-image parameters from a ``torch.Generator`` and
``random_*`` / :func:`color_jitter` / :func:`cutout` draws the same parameters (with the same generator
state) and applies them. The pixel operations are those of ``torchvision.transforms.v2.functional``
(``horizontal_flip``, ``pad`` + ``crop``, ``adjust_brightness``, ``adjust_contrast``, ``erase``) at those
parameters; the tests check equality image by image. torchvision's transforms draw one parameter per
call from the global RNG; here one call transforms a whole batch, each image differently, and all
randomness comes from the generator.

Images are floats in ``[0, 1]`` (colour jitter clamps to that range, as torchvision does for floats).

Reference: A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet Classification with Deep
Convolutional Neural Networks", NeurIPS 2012, Sec. 4.1 (flips and crops); T. DeVries and G. W. Taylor,
"Improved Regularization of Convolutional Neural Networks with Cutout", arXiv:1708.04552, 2017.
Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive, check_probability, check_shape

__all__ = [
    "horizontal_flip_params", "random_horizontal_flip",
    "crop_params", "random_crop",
    "color_jitter_params", "color_jitter",
    "cutout_params", "cutout",
]

Generator = torch.Generator | int | None


def _check_images(x: object) -> dict[str, int]:
    sizes = check_shape(x, "B C H W", "x")
    if not x.is_floating_point():  # type: ignore[union-attr]
        raise TypeError(f"x must be a floating-point image batch in [0, 1], got {x.dtype}")  # type: ignore[union-attr]
    return sizes


def _pair(size: int | tuple[int, int], name: str) -> tuple[int, int]:
    if isinstance(size, (tuple, list)):
        if len(size) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width), got {size!r}")
        return check_int(size[0], name, minimum=1), check_int(size[1], name, minimum=1)
    s = check_int(size, name, minimum=1)
    return s, s


# --------------------------------------------------------------------------- horizontal flip
def horizontal_flip_params(x: Tensor, p: float = 0.5, generator: Generator = None) -> Tensor:
    """Which images of the batch to flip: ``BoolTensor[B]``, each ``True`` with probability ``p``.

    Raises:
        ValueError: ``x`` not ``(B, C, H, W)``, ``p`` outside ``[0, 1]``.
        TypeError: ``x`` not a floating-point tensor.

    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    b = _check_images(x)["B"]
    p = check_probability(p, "p")
    return torch.rand(b, generator=as_generator(generator)) < p


def random_horizontal_flip(x: Tensor, p: float = 0.5, generator: Generator = None) -> Tensor:
    """Mirror each image left-right with probability ``p`` (torchvision's ``RandomHorizontalFlip``, per image).

    Args:
        x: ``(B, C, H, W)`` floats.
        p: probability of a flip; ``p = 0`` returns ``x`` unchanged (a copy).
        generator: the only source of randomness (the flags of :func:`horizontal_flip_params`).

    Returns:
        ``(B, C, H, W)``; flipped rows equal ``torchvision.transforms.v2.functional.horizontal_flip``.

    Raises:
        ValueError, TypeError: as :func:`horizontal_flip_params`.

    Reference: Krizhevsky et al. 2012, Sec. 4.1.
    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    flip = horizontal_flip_params(x, p, generator).to(x.device)
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


# --------------------------------------------------------------------------- random crop
def crop_params(x: Tensor, size: int | tuple[int, int], padding: int = 0, generator: Generator = None) -> Tensor:
    """Top-left corners of the crops in the padded images: ``LongTensor[B, 2]`` of ``(top, left)``.

    ``top`` is uniform in ``0 .. H + 2 padding - h`` and ``left`` in ``0 .. W + 2 padding - w``, as
    ``torchvision.transforms.RandomCrop.get_params`` draws them (one corner per image here).

    Raises:
        ValueError: ``x`` not ``(B, C, H, W)``, a negative ``padding``, a non-positive ``size``, or a
            crop larger than the padded image.
        TypeError: ``x`` not floating point, ``size`` / ``padding`` not ints.

    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    s = _check_images(x)
    h, w = _pair(size, "size")
    pad = check_int(padding, "padding", minimum=0)
    ph, pw = s["H"] + 2 * pad, s["W"] + 2 * pad
    if h > ph or w > pw:
        raise ValueError(f"crop size ({h}, {w}) is larger than the padded image ({ph}, {pw}) "
                         f"(image ({s['H']}, {s['W']}), padding {pad})")
    g = as_generator(generator)
    top = torch.randint(0, ph - h + 1, (s["B"],), generator=g)
    left = torch.randint(0, pw - w + 1, (s["B"],), generator=g)
    return torch.stack([top, left], dim=1)


def random_crop(x: Tensor, size: int | tuple[int, int], padding: int = 0, generator: Generator = None) -> Tensor:
    """Zero-pad every side by ``padding``, then cut a random ``size`` window from each image (CIFAR style).

    Args:
        x: ``(B, C, H, W)`` floats.
        size: output ``h`` (and ``w``): an int or ``(h, w)``; ``size = H`` with ``padding = 4`` is the
            "pad by 4, crop 32x32" of the CIFAR recipes.
        padding: zeros added on each side, ``>= 0``.
        generator: the only source of randomness (the corners of :func:`crop_params`).

    Returns:
        ``(B, C, h, w)``; image ``i`` equals ``crop(pad(x[i], [padding]), top_i, left_i, h, w)`` of
        ``torchvision.transforms.v2.functional``.

    Raises:
        ValueError, TypeError: as :func:`crop_params`.

    Reference: Krizhevsky et al. 2012, Sec. 4.1 (random crops); the zero padding is the CIFAR recipe of
        He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Sec. 4.2.
    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    corners = crop_params(x, size, padding, generator).to(x.device)
    h, w = _pair(size, "size")
    padded = F.pad(x, (padding,) * 4) if padding else x
    rows = corners[:, :1] + torch.arange(h, device=x.device)  # (B, h)
    cols = corners[:, 1:] + torch.arange(w, device=x.device)  # (B, w)
    batch = torch.arange(x.shape[0], device=x.device)[:, None, None]
    out = padded[batch, :, rows[:, :, None], cols[:, None, :]]  # advanced indices first: (B, h, w, C)
    return out.permute(0, 3, 1, 2).contiguous()


# --------------------------------------------------------------------------- colour jitter
def color_jitter_params(x: Tensor, brightness: float = 0.0, contrast: float = 0.0,
                        generator: Generator = None) -> Tensor:
    """Per-image factors ``Tensor[B, 2]`` of ``(brightness, contrast)``, each uniform in
    ``[max(0, 1 - s), 1 + s]`` for strength ``s`` (torchvision's ``ColorJitter`` ranges); ``s = 0``
    gives the factor 1 exactly.

    Raises:
        ValueError: ``x`` not ``(B, C, H, W)``, a negative strength, or ``contrast > 0`` on images with
            other than 1 or 3 channels (contrast is measured on the luma).
        TypeError: ``x`` not floating point, a strength not a number.

    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    s = _check_images(x)
    bs = check_positive(brightness, "brightness", strict=False)
    cs = check_positive(contrast, "contrast", strict=False)
    if cs > 0 and s["C"] not in (1, 3):
        raise ValueError(f"contrast jitter needs 1 or 3 channels (grey or RGB), got C={s['C']}")
    u = torch.rand(s["B"], 2, generator=as_generator(generator), dtype=torch.float64)
    lo = torch.tensor([max(0.0, 1 - bs), max(0.0, 1 - cs)], dtype=torch.float64)
    hi = torch.tensor([1 + bs, 1 + cs], dtype=torch.float64)
    return lo + (hi - lo) * u


def color_jitter(x: Tensor, brightness: float = 0.0, contrast: float = 0.0, generator: Generator = None) -> Tensor:
    """Scale each image's brightness, then its contrast, by random factors (colour jitter, 颜色抖动).

    Brightness: ``x b``; contrast: ``c x + (1 - c) m`` with ``m`` the image's mean luma
    (``0.2989 R + 0.587 G + 0.114 B``, or the grey value); each result clamped to ``[0, 1]``.

    Args:
        x: ``(B, C, H, W)`` floats in ``[0, 1]``.
        brightness, contrast: strengths ``>= 0`` (``0`` leaves that property alone).
        generator: the only source of randomness (the factors of :func:`color_jitter_params`).

    Returns:
        ``(B, C, H, W)``; image ``i`` equals ``adjust_contrast(adjust_brightness(x[i], b_i), c_i)`` of
        ``torchvision.transforms.v2.functional``.

    Raises:
        ValueError, TypeError: as :func:`color_jitter_params`.

    Reference: torchvision's ``ColorJitter`` (brightness and contrast only).
    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    # Departure from torchvision's ColorJitter: a fixed order (brightness, then contrast) instead of a
    # random permutation, and no saturation or hue.
    f = color_jitter_params(x, brightness, contrast, generator).to(device=x.device, dtype=x.dtype)
    b, c = f[:, 0, None, None, None], f[:, 1, None, None, None]
    out = (x * b).clamp(0, 1)
    if contrast > 0:
        if out.shape[1] == 3:
            weights = torch.tensor([0.2989, 0.587, 0.114], device=x.device, dtype=x.dtype)[None, :, None, None]
            luma = (out * weights).sum(1, keepdim=True)
        else:
            luma = out
        m = luma.mean(dim=(1, 2, 3), keepdim=True)
        out = (c * out + (1 - c) * m).clamp(0, 1)
    return out


# --------------------------------------------------------------------------- cutout
def cutout_params(x: Tensor, size: int, generator: Generator = None) -> Tensor:
    """The boxes to blank, ``LongTensor[B, 4]`` of ``(top, left, height, width)`` (torchvision ``erase``'s
    ``i, j, h, w``): a ``size x size`` square centred on a uniformly random pixel, clipped to the image.

    The centre may lie anywhere in the image, so near a border part of the square falls outside and
    the blanked box is smaller (DeVries and Taylor, Sec. 3.2: this is what lets some images keep
    most of their content).

    Raises:
        ValueError: ``x`` not ``(B, C, H, W)``, ``size < 1``.
        TypeError: ``x`` not floating point, ``size`` not an int.

    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    s = _check_images(x)
    size = check_int(size, "size", minimum=1)
    g = as_generator(generator)
    cy = torch.randint(0, s["H"], (s["B"],), generator=g)
    cx = torch.randint(0, s["W"], (s["B"],), generator=g)
    # Departure from the authors' code (y1 = cy - size // 2, y2 = cy + size // 2): y2 = y1 + size, so
    # that an odd size gives a size x size square too; for even sizes the two agree.
    y1, x1 = cy - size // 2, cx - size // 2
    top, left = y1.clamp(0, s["H"]), x1.clamp(0, s["W"])
    bottom, right = (y1 + size).clamp(0, s["H"]), (x1 + size).clamp(0, s["W"])
    return torch.stack([top, left, bottom - top, right - left], dim=1)


def cutout(x: Tensor, size: int, value: float = 0.0, generator: Generator = None) -> Tensor:
    """Blank a random ``size x size`` square (clipped at the border) of every image with ``value``.

    Args:
        x: ``(B, C, H, W)`` floats.
        size: side of the square in pixels, ``>= 1`` (16 for CIFAR-10 in the paper).
        value: the fill. The paper blanks normalised images with 0, i.e. the data set's mean; for
            images in ``[0, 1]`` pass the mean pixel to do the same.
        generator: the only source of randomness (the boxes of :func:`cutout_params`).

    Returns:
        ``(B, C, H, W)``; image ``i`` equals ``erase(x[i], top_i, left_i, h_i, w_i, value)`` of
        ``torchvision.transforms.v2.functional``.

    Raises:
        ValueError, TypeError: as :func:`cutout_params`.

    Reference: DeVries and Taylor, arXiv:1708.04552, 2017, Sec. 3.
    Taught in: notebooks/01_cnn_basics/14_augmentation.ipynb
    """
    boxes = cutout_params(x, size, generator).to(x.device)
    h, w = x.shape[-2:]
    rows = torch.arange(h, device=x.device)[None, :]
    cols = torch.arange(w, device=x.device)[None, :]
    in_rows = (rows >= boxes[:, :1]) & (rows < boxes[:, :1] + boxes[:, 2:3])  # (B, H)
    in_cols = (cols >= boxes[:, 1:2]) & (cols < boxes[:, 1:2] + boxes[:, 3:4])  # (B, W)
    mask = (in_rows[:, :, None] & in_cols[:, None, :])[:, None]  # (B, 1, H, W)
    return x.masked_fill(mask, float(value))
