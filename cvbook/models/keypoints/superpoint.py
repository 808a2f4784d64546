"""MagicPoint and SuperPoint: a VGG-style encoder, a 65-channel detector head and a descriptor head.

Encoder: eight 3x3 convolutions of widths 64-64-64-64-128-128-128-128, a 2x2 max pool after
the 2nd, 4th and 6th (each conv followed by BatchNorm and ReLU), so an ``H x W`` image becomes an
``H/8 x W/8`` map. Detector head: 3x3 conv to 256, 1x1 conv to 65 = 64 positions of an 8x8 cell +
1 dustbin. Descriptor head (SuperPoint only): 3x3 conv to 256, 1x1 conv to 256, L2-normalised per cell.

For small CPU runs, ``widths`` and ``head_channels`` shrink the network (same structure).

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 3.1-3.3.
Taught in: notebooks/07_superpoint/01_network.ipynb
"""
from __future__ import annotations

from typing import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import check_int, check_shape
from cvbook.models.registry import register

__all__ = ["MagicPoint", "SuperPoint", "magicpoint", "superpoint"]


def _conv(in_channels: int, out_channels: int, k: int, batch_norm: bool, act: bool = True) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(in_channels, out_channels, k, padding=k // 2, bias=not batch_norm or not act)]
    if act:
        layers += ([nn.BatchNorm2d(out_channels)] if batch_norm else []) + [nn.ReLU(inplace=True)]
    return layers


class MagicPoint(nn.Module):
    """The detector: ``(B, in_channels, H, W) -> (B, 65, H/8, W/8)`` logits (dustbin last).

    Args:
        in_channels: 1 (grey images, as in the paper).
        widths: the four stage widths, each used by two convolutions (paper: 64, 64, 128, 128).
        head_channels: the detector head's hidden width (paper: 256).
        batch_norm: BatchNorm after every hidden convolution (the paper's choice).

    Raises:
        ValueError: bad widths, or an input whose size is not a multiple of 8.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.1-3.2.
    Taught in: notebooks/07_superpoint/01_network.ipynb
    """

    cell = 8

    def __init__(self, in_channels: int = 1, widths: Sequence[int] = (64, 64, 128, 128), head_channels: int = 256,
                 batch_norm: bool = True) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        if len(widths) != 4:
            raise ValueError(f"widths must be 4 stage widths, got {list(widths)}")
        widths = [check_int(w, "width", minimum=1) for w in widths]
        head_channels = check_int(head_channels, "head_channels", minimum=1)
        layers: list[nn.Module] = []
        for stage, w in enumerate(widths):
            layers += _conv(in_channels, w, 3, batch_norm) + _conv(w, w, 3, batch_norm)
            in_channels = w
            if stage < 3:
                layers.append(nn.MaxPool2d(2, 2))
        self.encoder = nn.Sequential(*layers)
        self.detector = nn.Sequential(*_conv(in_channels, head_channels, 3, batch_norm),
                                      *_conv(head_channels, self.cell * self.cell + 1, 1, batch_norm, act=False))
        self.out_channels = in_channels

    def _check(self, x: Tensor) -> None:
        s = check_shape(x, "B C H W", "x")
        if s["H"] % self.cell or s["W"] % self.cell:
            raise ValueError(f"input height and width must be multiples of 8, got {s['H']}x{s['W']}")

    def forward(self, x: Tensor) -> Tensor:
        self._check(x)
        return self.detector(self.encoder(x))


class SuperPoint(MagicPoint):
    """MagicPoint plus the descriptor head: ``forward`` returns ``(logits, descriptors)``,
    ``(B, 65, H/8, W/8)`` and unit-length ``(B, descriptor_dim, H/8, W/8)``.

    Args:
        descriptor_dim: 256 in the paper; other args as :class:`MagicPoint`.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.3 (at a keypoint the paper interpolates the
    coarse descriptors bicubically; this module returns the coarse map).
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """

    def __init__(self, in_channels: int = 1, widths: Sequence[int] = (64, 64, 128, 128), head_channels: int = 256,
                 descriptor_dim: int = 256, batch_norm: bool = True) -> None:
        super().__init__(in_channels, widths, head_channels, batch_norm)
        d = check_int(descriptor_dim, "descriptor_dim", minimum=1)
        self.descriptor = nn.Sequential(*_conv(self.out_channels, head_channels, 3, batch_norm),
                                        *_conv(head_channels, d, 1, batch_norm, act=False))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:  # type: ignore[override]
        self._check(x)
        f = self.encoder(x)
        return self.detector(f), F.normalize(self.descriptor(f), dim=1)


@register("magicpoint", task="keypoints")
def magicpoint(**kwargs) -> MagicPoint:
    """MagicPoint (detector only) with the paper's widths; ``kwargs`` go to :class:`MagicPoint`.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.
    Taught in: notebooks/07_superpoint/01_network.ipynb
    """
    return MagicPoint(**kwargs)


@register("superpoint", task="keypoints")
def superpoint(**kwargs) -> SuperPoint:
    """SuperPoint (detector and descriptor) with the paper's widths; ``kwargs`` go to :class:`SuperPoint`.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    return SuperPoint(**kwargs)


