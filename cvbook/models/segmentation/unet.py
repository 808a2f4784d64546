"""U-Net: a contracting path, a symmetric expanding path and skips that concatenate encoder features.

Two forms:

- ``padding="same"`` (registered as ``unet``): 3x3 convolutions with padding 1, the form most code
  uses; the input is zero-padded to a multiple of ``2**depth`` and the output cropped back.
- ``padding="valid"`` (``unet_valid``), the paper's: unpadded convolutions, so the output is smaller
  than the input by a fixed margin and every output pixel sees its whole field inside the input.
  ``forward`` mirror-pads the image by that margin (the paper's "overlap-tile" extrapolation of the
  border), so it still returns full-resolution logits; :func:`overlap_tile_predict` runs it tile by
  tile on a large image.

Departures from the paper: BN after each convolution; widths ``width * 2**level`` (the paper: 64 to
1024); ``depth`` levels instead of four.

Reference: Ronneberger, Fischer, Brox, "U-Net: Convolutional Networks for Biomedical Image
Segmentation", MICCAI 2015.
Taught in: notebooks/06_segmentation/02_unet.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import check_int, check_shape
from cvbook.models.registry import register
from cvbook.models.segmentation._common import crop_to, pad_to_multiple

__all__ = ["UNet", "mirror_pad", "overlap_tile_predict", "unet", "unet_valid"]


def mirror_pad(x: Tensor, top: int, bottom: int, left: int, right: int) -> Tensor:
    """Mirror (reflect, edge not repeated) padding of ``(..., H, W)`` by any amounts, also larger than the image.

    Equal to ``F.pad(x, (left, right, top, bottom), mode="reflect")`` where that is defined (pads < size);
    beyond it the reflection repeats, as ``numpy.pad(mode="reflect")``.
    """
    def index(n: int, before: int, after: int) -> Tensor:
        i = torch.arange(-before, n + after)
        if n == 1:
            return torch.zeros_like(i)
        period = 2 * (n - 1)
        m = i.remainder(period)
        return torch.where(m < n, m, period - m)

    rows = index(x.shape[-2], top, bottom)
    cols = index(x.shape[-1], left, right)
    return x[..., rows[:, None], cols[None, :]]


def _double_conv(in_channels: int, out_channels: int, pad: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, padding=pad, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU(),
                         nn.Conv2d(out_channels, out_channels, 3, padding=pad, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU())


def _center_crop(x: Tensor, size: tuple[int, int]) -> Tensor:
    dh, dw = (x.shape[-2] - size[0]) // 2, (x.shape[-1] - size[1]) // 2
    return x[..., dh : dh + size[0], dw : dw + size[1]]


class UNet(nn.Module):
    """U-Net: ``(B, in_channels, H, W) -> (B, num_classes, H, W)`` logits, any ``H, W``.

    Args:
        num_classes: classes including background.
        in_channels: image channels.
        width: channels of the first level (level l has ``width * 2**l``).
        depth: number of poolings (the paper: 4).
        padding: ``"same"`` or ``"valid"`` (see the module docstring).

    Raises:
        ValueError: bad sizes or an unknown ``padding``.

    Reference: Ronneberger et al. 2015, Fig. 1.
    Taught in: notebooks/06_segmentation/02_unet.ipynb
    """

    def __init__(self, num_classes: int = 5, in_channels: int = 3, width: int = 16, depth: int = 3,
                 padding: str = "same") -> None:
        super().__init__()
        if padding not in ("same", "valid"):
            raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")
        k = check_int(num_classes, "num_classes", minimum=1)
        w = check_int(width, "width", minimum=1)
        self.depth = check_int(depth, "depth", minimum=1)
        self.padding = padding
        pad = 1 if padding == "same" else 0
        chans = [w * 2**level for level in range(self.depth + 1)]
        self.down = nn.ModuleList()
        c = check_int(in_channels, "in_channels", minimum=1)
        for level in range(self.depth):
            self.down.append(_double_conv(c, chans[level], pad))
            c = chans[level]
        self.bottom = _double_conv(c, chans[-1], pad)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for level in reversed(range(self.depth)):
            self.up.append(nn.ConvTranspose2d(chans[level + 1], chans[level], 2, stride=2))
            self.dec.append(_double_conv(2 * chans[level], chans[level], pad))
        self.classifier = nn.Conv2d(chans[0], k, 1)
        self.margin = self._margin() if padding == "valid" else 0

    # --- size arithmetic of the valid form ---------------------------------------------------
    def valid_output_size(self, n: int) -> int | None:
        """Output size of the valid core for input size ``n``, or None if ``n`` does not fit
        (a pooling would see an odd size, or a size drops below 1)."""
        s = n
        for _ in range(self.depth):
            s -= 4
            if s < 2 or s % 2:
                return None
            s //= 2
        s -= 4
        if s < 1:
            return None
        for _ in range(self.depth):
            s = 2 * s - 4
        return s if s >= 1 else None

    def _margin(self) -> int:
        n = next(n for n in range(1, 10_000) if self.valid_output_size(n) is not None)
        return (n - self.valid_output_size(n)) // 2  # the shrink is the same for every valid size

    def valid_input_size(self, out: int) -> int:
        """The smallest valid input size whose core output is at least ``out`` pixels."""
        out = check_int(out, "out", minimum=1)
        n = out + 2 * self.margin
        while self.valid_output_size(n) is None:
            n += 1
        return n

    def core(self, x: Tensor) -> Tensor:
        """The network without any padding or cropping of the input: ``(B, C, n, m)`` -> logits.

        In the valid form the output is ``2 * margin`` smaller than the input in each dimension;
        ``n`` and ``m`` must be valid sizes (:meth:`valid_output_size`).
        """
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = up(x)
            x = dec(torch.cat([_center_crop(skip, x.shape[-2:]), x], dim=1))
        return self.classifier(x)

    def forward(self, x: Tensor) -> Tensor:
        if self.padding == "same":
            x, size = pad_to_multiple(x, 2**self.depth)
            return crop_to(self.core(x), size)
        sizes = check_shape(x, "B C H W", "input")
        h, w = sizes["H"], sizes["W"]
        nh, nw = self.valid_input_size(h), self.valid_input_size(w)
        m = self.margin
        x = mirror_pad(x, m, nh - h - m, m, nw - w - m)
        return crop_to(self.core(x), (h, w))


def overlap_tile_predict(model: UNet, image: Tensor, tile: int) -> Tensor:
    """Logits of a valid U-Net for a large ``(B, C, H, W)`` image, computed tile by tile.

    The image is mirror-padded by the margin; each output tile of ``tile x tile`` pixels (the last
    ones may be smaller, rounded up to a valid size) is predicted from its input window, which
    overlaps the neighbours' by ``2 * margin``. ``tile`` must be a multiple of ``2**depth`` so that
    every window's poolings stay aligned with the whole image's: then, in eval mode, the result
    equals ``model(image)``.

    Raises:
        ValueError: the model is not a valid-padding U-Net, or ``tile`` is not a multiple of ``2**depth``.

    Reference: Ronneberger et al. 2015, Fig. 2 (overlap-tile strategy).
    Taught in: notebooks/06_segmentation/02_unet.ipynb
    """
    if not isinstance(model, UNet) or model.padding != "valid":
        raise ValueError("overlap_tile_predict needs a UNet with padding='valid'")
    t = check_int(tile, "tile", minimum=1)
    if t % 2**model.depth:
        raise ValueError(f"tile must be a multiple of 2**depth = {2**model.depth}, got {t}")
    sizes = check_shape(image, "B C H W", "image")
    h, w = sizes["H"], sizes["W"]
    m = model.margin
    hh, ww = -(-h // t) * t, -(-w // t) * t  # cover the image with whole tiles
    big = mirror_pad(image, m, hh - h + m + 2**model.depth, m, ww - w + m + 2**model.depth)
    win = model.valid_input_size(t)
    out = None
    for r in range(0, hh, t):
        for c in range(0, ww, t):
            logits = model.core(big[..., r : r + win, c : c + win])[..., :t, :t]
            if out is None:
                out = image.new_zeros(image.shape[0], logits.shape[1], hh, ww)
            out[..., r : r + t, c : c + t] = logits
    return out[..., :h, :w]


@register("unet", task="segmentation")
def unet(num_classes: int = 5, **kwargs) -> UNet:
    """U-Net with 'same' padding (see :class:`UNet`)."""
    return UNet(num_classes, padding="same", **kwargs)


@register("unet_valid", task="segmentation")
def unet_valid(num_classes: int = 5, **kwargs) -> UNet:
    """U-Net with the paper's valid convolutions and mirror padding (see :class:`UNet`)."""
    return UNet(num_classes, padding="valid", **kwargs)
