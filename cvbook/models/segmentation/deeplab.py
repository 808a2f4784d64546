"""DeepLab v3 on a small dilated backbone, the same backbone with a plain head, and a strip-pooling net.

The backbone (:class:`DilatedBackbone`) has four stages of two 3x3 ``ConvBNAct`` each. A stage
either halves the resolution (stride 2 in its first convolution) or, once the requested *output
stride* (输出步长) is reached, keeps it and doubles the dilation instead, so that later layers keep
the field they would have had with striding (DeepLab's atrous trick). Output strides 4, 8 or 16.

- :class:`DeepLabV3`: backbone -> ASPP (1x1, three atrous 3x3, image pooling) -> 3x3 + 1x1 head,
  then bilinear interpolation to the input size (torchvision's ``DeepLabHead``).
- ``dilated_fcn``: the same backbone -> 3x3 + 1x1 head, no ASPP ("a plain dilated backbone").
- ``spnet``: the same backbone -> strip pooling (:class:`cvbook.nn.conv.StripPooling`) -> head.
- ``sqpnet``: the same with :class:`cvbook.nn.blocks.SquarePooling` (k x k windows, the same weights): the control.

Departures from the papers: a 4-stage backbone of plain convolutions instead of ResNet-101, no
multi-grid; the default atrous rates (2, 4, 6) are the paper's (6, 12, 18) at output stride 16 scaled
down by 3 for 64x64 images, whose stride-8 maps are 8x8 (the paper's are 33x33 at stride 16): a rate as
large as the map degenerates into a 1x1 convolution, which is why v3 added image pooling.

Reference: Chen et al., "Rethinking Atrous Convolution for Semantic Image Segmentation", arXiv 2017;
Hou et al., "Strip Pooling: Rethinking Spatial Pooling for Scene Parsing", CVPR 2020.
Taught in: notebooks/06_segmentation/03_deeplab.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import check_int, check_shape
from cvbook.nn.conv import StripPooling
from cvbook.models.registry import register
from cvbook.nn.blocks.aspp import ASPP, SegHead
from cvbook.nn.blocks.conv import ConvBNAct
from cvbook.nn.blocks.square_pooling import SquarePooling

__all__ = ["DeepLabV3", "DilatedBackbone", "DilatedSegNet", "deeplabv3", "dilated_fcn", "spnet", "sqpnet"]


class DilatedBackbone(nn.Module):
    """Four stages of two ``ConvBNAct(3x3)``; stride 2 per stage until ``output_stride``, dilation after.

    ``(B, in_channels, H, W) -> (B, widths[-1], ceil(H / os), ceil(W / os))``.
    """

    def __init__(self, in_channels: int = 3, widths: Sequence[int] = (16, 32, 64, 96), output_stride: int = 8) -> None:
        super().__init__()
        if output_stride not in (4, 8, 16):
            raise ValueError(f"output_stride must be 4, 8 or 16, got {output_stride!r}")
        widths = tuple(check_int(w, "width", minimum=1) for w in widths)
        if len(widths) != 4:
            raise ValueError(f"DilatedBackbone needs four stage widths, got {len(widths)}")
        layers, c, stride, dilation = [], check_int(in_channels, "in_channels", minimum=1), 1, 1
        self.dilations = []
        for w in widths:
            if stride < output_stride:
                s, stride = 2, stride * 2
            else:
                s, dilation = 1, dilation * 2  # atrous: keep the resolution, keep the field
            layers += [ConvBNAct(c, w, 3, stride=s, dilation=1 if s == 2 else dilation),
                       ConvBNAct(w, w, 3, dilation=dilation)]
            self.dilations.append(dilation)
            c = w
        self.body = nn.Sequential(*layers)
        self.out_channels = c
        self.output_stride = output_stride

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


class DilatedSegNet(nn.Module):
    """Backbone -> context module -> head -> bilinear up-sampling to the input size.

    ``(B, in_channels, H, W) -> (B, num_classes, H, W)`` logits for any ``H, W``.
    """

    def __init__(self, backbone: DilatedBackbone, context: nn.Module, context_channels: int, num_classes: int,
                 head: str = "3x3+1x1") -> None:
        super().__init__()
        self.backbone = backbone
        self.context = context
        self.head = SegHead(context_channels, num_classes, kind=head)

    def forward(self, x: Tensor) -> Tensor:
        size = tuple(check_shape(x, "B C H W", "input")[k] for k in ("H", "W"))
        y = self.head(self.context(self.backbone(x)))
        return F.interpolate(y, size=size, mode="bilinear", align_corners=False)


class DeepLabV3(DilatedSegNet):
    """DeepLab v3: dilated backbone -> ASPP with image pooling -> 3x3 + 1x1 head -> bilinear x os.

    Args:
        num_classes: classes including background.
        in_channels: image channels.
        output_stride: 4, 8 or 16.
        atrous_rates: ASPP rates (default (2, 4, 6); see the module docstring).
        image_pooling: keep ASPP's image-level branch.
        widths: backbone widths; aspp_channels: ASPP width.

    Reference: Chen et al., DeepLab v3, arXiv:1706.05587, Fig. 5.
    Taught in: notebooks/06_segmentation/03_deeplab.ipynb
    """

    def __init__(self, num_classes: int = 5, in_channels: int = 3, output_stride: int = 8,
                 atrous_rates: Sequence[int] = (2, 4, 6), image_pooling: bool = True,
                 widths: Sequence[int] = (16, 32, 64, 96), aspp_channels: int = 64, dropout: float = 0.1) -> None:
        backbone = DilatedBackbone(in_channels, widths, output_stride)
        aspp = ASPP(backbone.out_channels, atrous_rates, aspp_channels, image_pooling=image_pooling, dropout=dropout)
        super().__init__(backbone, aspp, aspp_channels, num_classes)


@register("deeplabv3", task="segmentation")
def deeplabv3(num_classes: int = 5, **kwargs) -> DeepLabV3:
    """DeepLab v3 on :class:`DilatedBackbone` (see :class:`DeepLabV3`)."""
    return DeepLabV3(num_classes, **kwargs)


@register("dilated_fcn", task="segmentation")
def dilated_fcn(num_classes: int = 5, in_channels: int = 3, output_stride: int = 8,
                widths: Sequence[int] = (16, 32, 64, 96), head: str = "3x3+1x1") -> DilatedSegNet:
    """The plain dilated backbone with a segmentation head and no context module (DeepLab's baseline)."""
    backbone = DilatedBackbone(in_channels, widths, output_stride)
    return DilatedSegNet(backbone, nn.Identity(), backbone.out_channels, num_classes, head=head)


@register("spnet", task="segmentation")
def spnet(num_classes: int = 5, in_channels: int = 3, output_stride: int = 8,
          widths: Sequence[int] = (16, 32, 64, 96), head: str = "3x3+1x1") -> DilatedSegNet:
    """The dilated backbone with a strip pooling module before the head (SPNet's idea, one module).

    Reference: Hou et al., "Strip Pooling", CVPR 2020, Fig. 2.
    """
    backbone = DilatedBackbone(in_channels, widths, output_stride)
    return DilatedSegNet(backbone, StripPooling(backbone.out_channels), backbone.out_channels, num_classes, head=head)


@register("sqpnet", task="segmentation")
def sqpnet(num_classes: int = 5, in_channels: int = 3, output_stride: int = 8,
           widths: Sequence[int] = (16, 32, 64, 96), head: str = "3x3+1x1", kernel_size: int = 5) -> DilatedSegNet:
    """``spnet`` with square ``kernel_size`` windows instead of strips: equal weights, equal cost, other shape.

    Reference: Hou et al., "Strip Pooling", CVPR 2020 (the control is the book's).
    Taught in: notebooks/06_segmentation/07_strip_pooling.ipynb
    """
    backbone = DilatedBackbone(in_channels, widths, output_stride)
    context = SquarePooling(backbone.out_channels, kernel_size)
    return DilatedSegNet(backbone, context, backbone.out_channels, num_classes, head=head)
