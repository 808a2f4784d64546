"""Fully convolutional networks FCN-32s, FCN-16s and FCN-8s on a small VGG-style backbone.

The backbone has five stages ``[Conv3x3 -> BN -> ReLU] x n -> MaxPool 2x2``, so stage s has stride
``2**s`` and the last one stride 32. ``fc6``/``fc7`` of a classifier become a 3x3 and a 1x1
convolution (:func:`convolutionalize`), a 1x1 ``score`` layer predicts the classes at stride 32,
and transposed convolutions initialised to bilinear interpolation bring the scores back up:

- FCN-32s: one x32 up-sampling of the stride-32 scores;
- FCN-16s: x2 up-sampling, plus the scores of pool4 (stride 16), then x16;
- FCN-8s: as 16s, x2 again, plus the scores of pool3 (stride 8), then x8.

Departures from the paper: BN after every convolution (trains in a few hundred steps without the
paper's staged training from VGG-16 weights); fc6 is a 3x3 convolution with padding 1 rather than
7x7 unpadded; the input is zero-padded at the bottom/right to a multiple of 32 and the scores are
cropped back, instead of the paper's padding of 100 pixels and its offset crops. As in the paper,
the final up-sampling is fixed to bilinear and the x2 layers start bilinear and are learned; the
skip score layers start at zero, so FCN-16s/8s start as FCN-32s.

Reference: Long, Shelhamer, Darrell, "Fully Convolutional Networks for Semantic Segmentation",
CVPR 2015 (and TPAMI 2017).
Taught in: notebooks/06_segmentation/01_fcn.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from cvbook._checks import check_int
from cvbook.models.registry import register
from cvbook.models.segmentation._common import crop_to, pad_to_multiple
from cvbook.nn.blocks.conv import ConvBNAct
from cvbook.ops.masks import bilinear_upsampling_weight

__all__ = ["FCN", "SmallVGG", "SmallVGGClassifier", "bilinear_upsampler", "convolutionalize",
           "fcn8s", "fcn16s", "fcn32s"]


class SmallVGG(nn.Module):
    """Five VGG-style stages; ``forward`` returns the pooled maps of all five (strides 2, 4, 8, 16, 32).

    ``widths``: channels of the five stages; ``depth``: convolutions per stage.
    """

    def __init__(self, in_channels: int = 3, widths: Sequence[int] = (16, 32, 64, 64, 128), depth: int = 1) -> None:
        super().__init__()
        widths = tuple(check_int(w, "width", minimum=1) for w in widths)
        if len(widths) != 5:
            raise ValueError(f"SmallVGG needs five stage widths, got {len(widths)}")
        depth = check_int(depth, "depth", minimum=1)
        stages, c = [], check_int(in_channels, "in_channels", minimum=1)
        for w in widths:
            layers = [ConvBNAct(c if i == 0 else w, w, 3) for i in range(depth)]
            stages.append(nn.Sequential(*layers, nn.MaxPool2d(2, 2)))
            c = w
        self.stages = nn.ModuleList(stages)
        self.widths = widths

    def forward(self, x: Tensor) -> list[Tensor]:
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        return feats


class SmallVGGClassifier(nn.Module):
    """A classifier on :class:`SmallVGG` for ``(B, C, 32 k, 32 k)`` inputs with ``k = field``:
    ``flatten -> fc6 (Linear) -> ReLU -> fc7 -> ReLU -> fc8``; ``(B, C, H, W) -> (B, num_classes)``.

    The starting point of FCN: :func:`convolutionalize` turns fc6/fc7/fc8 into convolutions.
    """

    def __init__(self, num_classes: int, in_channels: int = 3, widths: Sequence[int] = (16, 32, 64, 64, 128),
                 hidden: int = 128, field: int = 3) -> None:
        super().__init__()
        self.backbone = SmallVGG(in_channels, widths)
        c, self.field = self.backbone.widths[-1], check_int(field, "field", minimum=1)
        self.fc6 = nn.Linear(c * self.field**2, hidden)
        self.fc7 = nn.Linear(hidden, hidden)
        self.fc8 = nn.Linear(hidden, check_int(num_classes, "num_classes", minimum=1))

    def forward(self, x: Tensor) -> Tensor:
        f = self.backbone(x)[-1]
        if f.shape[-2:] != (self.field, self.field):
            raise ValueError(f"the classifier needs inputs of {32 * self.field}x{32 * self.field}, got {tuple(x.shape[-2:])}")
        h = torch.relu(self.fc6(f.flatten(1)))
        return self.fc8(torch.relu(self.fc7(h)))


def convolutionalize(linear: nn.Linear, in_channels: int, kernel_size: int, padding: int = 0) -> nn.Conv2d:
    """The convolution equal to ``linear`` on a ``(in_channels, k, k)`` window: weight reshaped
    ``(out, C*k*k) -> (out, C, k, k)`` (flatten order C, row, col), bias copied.

    On a ``(B, C, k, k)`` input with ``padding=0`` its ``(B, out, 1, 1)`` output equals
    ``linear(x.flatten(1))``; on a larger input it slides the classifier over every window.

    Raises:
        ValueError: ``linear.in_features != in_channels * k * k``.

    Reference: Long et al. 2015, Sec. 3.1 ("Adapting classifiers for dense prediction").
    Taught in: notebooks/06_segmentation/01_fcn.ipynb
    """
    k = check_int(kernel_size, "kernel_size", minimum=1)
    c = check_int(in_channels, "in_channels", minimum=1)
    if linear.in_features != c * k * k:
        raise ValueError(f"linear has {linear.in_features} inputs, expected in_channels * k * k = {c * k * k}")
    conv = nn.Conv2d(c, linear.out_features, k, padding=check_int(padding, "padding", minimum=0),
                     bias=linear.bias is not None)
    with torch.no_grad():
        conv.weight.copy_(linear.weight.reshape(linear.out_features, c, k, k))
        if linear.bias is not None:
            conv.bias.copy_(linear.bias)
    return conv


def bilinear_upsampler(channels: int, factor: int, learnable: bool = True) -> nn.ConvTranspose2d:
    """``ConvTranspose2d(C, C, 2f - f % 2, stride=f, padding=f // 2, bias=False)`` initialised to
    bilinear up-sampling (:func:`cvbook.ops.masks.bilinear_upsampling_weight`); ``H -> f H`` exactly.

    Away from the border (about f pixels) it equals ``F.interpolate(scale_factor=f, mode="bilinear")``.
    ``learnable=False`` freezes the weight (FCN's final up-sampling).

    Reference: Long et al. 2015, Sec. 3.3 (upsampling is backwards strided convolution).
    Taught in: notebooks/06_segmentation/01_fcn.ipynb
    """
    f = check_int(factor, "factor", minimum=1)
    w = bilinear_upsampling_weight(channels, f)
    up = nn.ConvTranspose2d(channels, channels, w.shape[-1], stride=f, padding=f // 2, bias=False)
    with torch.no_grad():
        up.weight.copy_(w)
    up.weight.requires_grad_(learnable)
    return up


class FCN(nn.Module):
    """FCN-32s / 16s / 8s: ``(B, in_channels, H, W) -> (B, num_classes, H, W)`` logits, any ``H, W``.

    Args:
        num_classes: classes including the background.
        stride: 32, 16 or 8 (the finest skip used).
        in_channels: image channels.
        widths: the five backbone widths.
        hidden: channels of fc6/fc7.

    Raises:
        ValueError: ``stride`` not in (32, 16, 8), or bad channel counts.

    Reference: Long, Shelhamer, Darrell, CVPR 2015, Fig. 3.
    Taught in: notebooks/06_segmentation/01_fcn.ipynb
    """

    def __init__(self, num_classes: int, stride: int = 32, in_channels: int = 3,
                 widths: Sequence[int] = (16, 32, 64, 64, 128), hidden: int = 128) -> None:
        super().__init__()
        if stride not in (32, 16, 8):
            raise ValueError(f"stride must be 32, 16 or 8, got {stride!r}")
        k = check_int(num_classes, "num_classes", minimum=1)
        self.backbone = SmallVGG(in_channels, widths)
        c3, c4, c5 = self.backbone.widths[2:]
        hidden = check_int(hidden, "hidden", minimum=1)
        self.fc6 = nn.Sequential(nn.Conv2d(c5, hidden, 3, padding=1), nn.ReLU())
        self.fc7 = nn.Sequential(nn.Conv2d(hidden, hidden, 1), nn.ReLU())
        self.score = nn.Conv2d(hidden, k, 1)
        self.stride = stride
        if stride <= 16:
            self.score_pool4 = nn.Conv2d(c4, k, 1)
            self.up2_a = bilinear_upsampler(k, 2)
        if stride == 8:
            self.score_pool3 = nn.Conv2d(c3, k, 1)
            self.up2_b = bilinear_upsampler(k, 2)
        for m in (getattr(self, "score_pool4", None), getattr(self, "score_pool3", None)):
            if m is not None:  # zero-initialised skips, as in the paper: the net starts as its coarser parent
                nn.init.zeros_(m.weight)
                nn.init.zeros_(m.bias)
        self.up_final = bilinear_upsampler(k, stride, learnable=False)

    def forward(self, x: Tensor) -> Tensor:
        x, size = pad_to_multiple(x, 32)
        _, _, p3, p4, p5 = self.backbone(x)
        s = self.score(self.fc7(self.fc6(p5)))
        if self.stride <= 16:
            s = self.up2_a(s) + self.score_pool4(p4)
        if self.stride == 8:
            s = self.up2_b(s) + self.score_pool3(p3)
        return crop_to(self.up_final(s), size)


@register("fcn32s", task="segmentation")
def fcn32s(num_classes: int = 5, **kwargs) -> FCN:
    """FCN-32s on :class:`SmallVGG` (see :class:`FCN`)."""
    return FCN(num_classes, stride=32, **kwargs)


@register("fcn16s", task="segmentation")
def fcn16s(num_classes: int = 5, **kwargs) -> FCN:
    """FCN-16s on :class:`SmallVGG` (see :class:`FCN`)."""
    return FCN(num_classes, stride=16, **kwargs)


@register("fcn8s", task="segmentation")
def fcn8s(num_classes: int = 5, **kwargs) -> FCN:
    """FCN-8s on :class:`SmallVGG` (see :class:`FCN`)."""
    return FCN(num_classes, stride=8, **kwargs)
