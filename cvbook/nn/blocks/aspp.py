"""Atrous spatial pyramid pooling (ASPP) with image-level pooling, and the small segmentation heads.

ASPP runs parallel branches on one feature map, a 1x1 convolution, three 3x3 atrous convolutions
with rates ``r1 < r2 < r3`` and an *image pooling* branch (global average, 1x1 conv, broadcast back),
concatenates them and projects with a 1x1 convolution. The module tree and the parameter names are
torchvision's (``torchvision.models.segmentation.deeplabv3.ASPP``), so a state dict moves between
the two.

Reference: Chen, Papandreou, Schroff, Adam, "Rethinking Atrous Convolution for Semantic Image
Segmentation" (DeepLab v3), arXiv 2017, Sec. 3.3.
Taught in: notebooks/06_segmentation/03_deeplab.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import check_int, check_probability

__all__ = ["ASPP", "ASPPConv", "ASPPPooling", "SegHead"]


class ASPPConv(nn.Sequential):
    """``Conv2d(3x3, dilation=rate, padding=rate, bias=False) -> BN -> ReLU``; keeps ``(H, W)``."""

    def __init__(self, in_channels: int, out_channels: int, dilation: int) -> None:
        d = check_int(dilation, "dilation", minimum=1)
        super().__init__(nn.Conv2d(in_channels, out_channels, 3, padding=d, dilation=d, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


class ASPPPooling(nn.Sequential):
    """Image-level features: global average pool -> 1x1 conv -> BN -> ReLU -> broadcast to ``(H, W)``.

    Note: in training mode its BatchNorm sees one value per channel and image, so it needs a batch of
    more than one image (as torchvision's).
    """

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_channels, out_channels, 1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, x: Tensor) -> Tensor:
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        # bilinear from 1x1 is a broadcast; torchvision writes it as an interpolation
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    """Atrous spatial pyramid pooling: ``(B, in_channels, H, W) -> (B, out_channels, H, W)``.

    Args:
        in_channels: channels of the backbone's last feature map.
        atrous_rates: the rates of the 3x3 branches (DeepLab v3: (6, 12, 18) at output stride 16,
            doubled at output stride 8).
        out_channels: channels of every branch and of the output (256 in the paper).
        image_pooling: include the image-level branch (set False to measure what it adds).
        dropout: dropout after the projection (0.5 as in torchvision; 0.1 in the paper's code).

    Raises:
        ValueError: no rate, a rate < 1, or a dropout outside [0, 1].

    Reference: Chen et al., DeepLab v3, arXiv:1706.05587, Sec. 3.3 and Fig. 5.
    Taught in: notebooks/06_segmentation/03_deeplab.ipynb
    """

    def __init__(self, in_channels: int, atrous_rates: Sequence[int], out_channels: int = 256,
                 image_pooling: bool = True, dropout: float = 0.5) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        out_channels = check_int(out_channels, "out_channels", minimum=1)
        rates = tuple(check_int(r, "atrous rate", minimum=1) for r in atrous_rates)
        if not rates:
            raise ValueError("ASPP needs at least one atrous rate, got none")
        p = check_probability(dropout, "dropout")
        modules: list[nn.Module] = [nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, bias=False),
                                                  nn.BatchNorm2d(out_channels), nn.ReLU())]
        modules += [ASPPConv(in_channels, out_channels, r) for r in rates]
        if image_pooling:
            modules.append(ASPPPooling(in_channels, out_channels))
        self.convs = nn.ModuleList(modules)
        self.project = nn.Sequential(nn.Conv2d(len(modules) * out_channels, out_channels, 1, bias=False),
                                     nn.BatchNorm2d(out_channels), nn.ReLU(), nn.Dropout(p))
        self.atrous_rates = rates
        self.out_channels = out_channels

    def forward(self, x: Tensor) -> Tensor:
        return self.project(torch.cat([conv(x) for conv in self.convs], dim=1))


class SegHead(nn.Module):
    """The per-pixel classifier at the end of a segmentation network.

    ``kind="3x3+1x1"``: ``Conv3x3 -> BN -> ReLU -> Conv1x1(num_classes)`` (FCN's and DeepLab's head);
    ``kind="3x3"``: one ``Conv3x3(num_classes)``; ``kind="1x1"``: one ``Conv1x1(num_classes)``.
    ``(B, in_channels, H, W) -> (B, num_classes, H, W)``.

    Raises:
        ValueError: an unknown ``kind`` or a non-positive channel count.

    Reference: the notes' claim (note 001 l.13) that a 3x3 then 1x1 head is more stable than one 3x3.
    Taught in: notebooks/06_segmentation/04_output_heads.ipynb
    """

    KINDS = ("3x3+1x1", "3x3", "1x1")

    def __init__(self, in_channels: int, num_classes: int, kind: str = "3x3+1x1", mid_channels: int | None = None) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        num_classes = check_int(num_classes, "num_classes", minimum=1)
        if kind not in self.KINDS:
            raise ValueError(f"kind must be one of {self.KINDS}, got {kind!r}")
        mid = in_channels if mid_channels is None else check_int(mid_channels, "mid_channels", minimum=1)
        if kind == "3x3+1x1":
            self.layers = nn.Sequential(nn.Conv2d(in_channels, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid),
                                        nn.ReLU(), nn.Conv2d(mid, num_classes, 1))
        elif kind == "3x3":
            self.layers = nn.Sequential(nn.Conv2d(in_channels, num_classes, 3, padding=1))
        else:
            self.layers = nn.Sequential(nn.Conv2d(in_channels, num_classes, 1))
        self.kind = kind

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)
