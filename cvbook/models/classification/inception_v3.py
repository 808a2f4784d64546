"""Inception-v3: factorised convolutions (5x5 -> two 3x3, n x n -> 1 x n + n x 1), grid reduction by
parallel stride-2 conv and pool, BN everywhere. Module names follow torchvision, so its state dict loads."""
from __future__ import annotations

from typing import Any, Sequence, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import check_int
from cvbook.models.registry import register

__all__ = ["BasicConv2d", "InceptionA", "InceptionB", "InceptionC", "InceptionD", "InceptionE",
           "InceptionAux", "InceptionV3", "inception_v3", "branch_params"]

_Size = Union[int, tuple[int, int]]


class BasicConv2d(nn.Module):
    """``Conv2d(bias=False) -> BatchNorm2d(eps=1e-3) -> ReLU`` with any (rectangular) kernel and padding.

    ``(B, in_channels, H, W) -> (B, out_channels, H', W')``; parameters ``c_in c_out k_h k_w + 2 c_out``.

    Reference: Ioffe & Szegedy, "Batch Normalization", ICML 2015 (BN-Inception: BN after every conv).
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: _Size, stride: int = 1,
                 padding: _Size = 0) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.bn(self.conv(x)), inplace=True)


def branch_params(in_channels: int, convs: Sequence[tuple[int, int, int]]) -> int:
    """Parameters of a chain of conv-BN units ``[(out_channels, k_h, k_w), ...]`` starting at ``in_channels``.

    Each unit costs ``c_in * c_out * k_h * k_w`` weights (no bias) plus ``2 * c_out`` BN scale and shift,
    the formula for one branch of an Inception module. An empty chain (a pooling branch) costs 0.

    Raises:
        ValueError: a channel count or kernel size is not positive.

    Reference: Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016.
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """
    c = check_int(in_channels, "in_channels", minimum=1)
    total = 0
    for spec in convs:
        if len(spec) != 3:
            raise ValueError(f"each conv must be (out_channels, k_h, k_w), got {spec!r}")
        out, kh, kw = (check_int(v, "conv entry", minimum=1) for v in spec)
        total += c * out * kh * kw + 2 * out
        c = out
    return total


class InceptionA(nn.Module):
    """35x35 module: ``cat[1x1, 1x1->5x5, 1x1->3x3->3x3, avgpool->1x1]``, ``224 + pool_features`` out.

    Reference: Szegedy et al., CVPR 2016, Fig. 5.
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int, pool_features: int) -> None:
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 64, 1)
        # departure: Fig. 5 factorises the 5x5 into two 3x3 (branch3x3dbl); the reference code (and
        # torchvision) keep a 5x5 branch as well, so that the parameter counts agree with theirs
        self.branch5x5_1 = BasicConv2d(in_channels, 48, 1)
        self.branch5x5_2 = BasicConv2d(48, 64, 5, padding=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, 1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, 3, padding=1)
        self.branch_pool = BasicConv2d(in_channels, pool_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        bp = self.branch_pool(F.avg_pool2d(x, 3, 1, 1))
        return torch.cat([b1, b5, b3, bp], 1)


class InceptionB(nn.Module):
    """Grid reduction 35 -> 17: ``cat[3x3/2, 1x1->3x3->3x3/2, maxpool/2]``, ``480 + in_channels`` out.

    The stride-2 convolutions and the pool run in parallel, so the grid shrinks while the channels grow
    (no representational bottleneck, at a fraction of the cost of convolving before pooling).

    Reference: Szegedy et al., CVPR 2016, Sec. 5 and Fig. 10.
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3 = BasicConv2d(in_channels, 384, 3, stride=2)
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 64, 1)
        self.branch3x3dbl_2 = BasicConv2d(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = BasicConv2d(96, 96, 3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        b3 = self.branch3x3(x)
        bd = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([b3, bd, F.max_pool2d(x, 3, 2)], 1)


class InceptionC(nn.Module):
    """17x17 module with 7x7 factorised into 1x7 and 7x1: ``cat[1x1, 1x1->1x7->7x1, 1x1->(7x1->1x7)x2,
    avgpool->1x1]``, 768 out.

    Reference: Szegedy et al., CVPR 2016, Fig. 6 (n = 7).
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int, channels_7x7: int) -> None:
        super().__init__()
        c7 = channels_7x7
        self.branch1x1 = BasicConv2d(in_channels, 192, 1)
        self.branch7x7_1 = BasicConv2d(in_channels, c7, 1)
        self.branch7x7_2 = BasicConv2d(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7_3 = BasicConv2d(c7, 192, (7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = BasicConv2d(in_channels, c7, 1)
        self.branch7x7dbl_2 = BasicConv2d(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = BasicConv2d(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = BasicConv2d(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = BasicConv2d(c7, 192, (1, 7), padding=(0, 3))
        self.branch_pool = BasicConv2d(in_channels, 192, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = x
        for i in range(1, 6):
            bd = getattr(self, f"branch7x7dbl_{i}")(bd)
        bp = self.branch_pool(F.avg_pool2d(x, 3, 1, 1))
        return torch.cat([b1, b7, bd, bp], 1)


class InceptionD(nn.Module):
    """Grid reduction 17 -> 8: ``cat[1x1->3x3/2, 1x1->1x7->7x1->3x3/2, maxpool/2]``, ``512 + in_channels`` out.

    Reference: Szegedy et al., CVPR 2016, Sec. 5 (the second grid reduction of Table 1).
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch3x3_1 = BasicConv2d(in_channels, 192, 1)
        self.branch3x3_2 = BasicConv2d(192, 320, 3, stride=2)
        self.branch7x7x3_1 = BasicConv2d(in_channels, 192, 1)
        self.branch7x7x3_2 = BasicConv2d(192, 192, (1, 7), padding=(0, 3))
        self.branch7x7x3_3 = BasicConv2d(192, 192, (7, 1), padding=(3, 0))
        self.branch7x7x3_4 = BasicConv2d(192, 192, 3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        b3 = self.branch3x3_2(self.branch3x3_1(x))
        b7 = x
        for i in range(1, 5):
            b7 = getattr(self, f"branch7x7x3_{i}")(b7)
        return torch.cat([b3, b7, F.max_pool2d(x, 3, 2)], 1)


class InceptionE(nn.Module):
    """8x8 module with expanded filter banks (1x3 and 3x1 side by side): 2048 out.

    Reference: Szegedy et al., CVPR 2016, Fig. 7.
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = BasicConv2d(in_channels, 320, 1)
        self.branch3x3_1 = BasicConv2d(in_channels, 384, 1)
        self.branch3x3_2a = BasicConv2d(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3_2b = BasicConv2d(384, 384, (3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = BasicConv2d(in_channels, 448, 1)
        self.branch3x3dbl_2 = BasicConv2d(448, 384, 3, padding=1)
        self.branch3x3dbl_3a = BasicConv2d(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = BasicConv2d(384, 384, (3, 1), padding=(1, 0))
        self.branch_pool = BasicConv2d(in_channels, 192, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        bp = self.branch_pool(F.avg_pool2d(x, 3, 1, 1))
        return torch.cat([b1, b3, bd, bp], 1)


class InceptionAux(nn.Module):
    """Auxiliary classifier on the 17x17 grid: avgpool 5/3, 1x1 (128), 5x5 (768), global pool, FC.

    Reference: Szegedy et al., CVPR 2016, Sec. 4 and Fig. 8 (BN in the side head acts as a regulariser).
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.conv0 = BasicConv2d(in_channels, 128, 1)
        self.conv1 = BasicConv2d(128, 768, 5)
        self.fc = nn.Linear(768, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(self.conv0(F.avg_pool2d(x, 5, 3)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class InceptionV3(nn.Module):
    """Inception-v3: ``(B, 3, H, W) -> (B, num_classes)``, H, W >= 75 (299 in the paper).

    In training mode with ``aux_logits=True`` it returns ``(logits, aux_logits)``; otherwise the logits.
    The auxiliary head needs the 17x17 grid of a 299-pixel input (its 5/3 pooling then a 5x5 conv).
    Layer names equal torchvision's ``Inception3`` (``transform_input`` is not implemented: inputs are
    taken as they come).

    Reference: Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", CVPR 2016,
        Table 1.
    Taught in: notebooks/04_architectures/11_inception_v3.ipynb
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True, dropout: float = 0.5) -> None:
        super().__init__()
        check_int(num_classes, "num_classes", minimum=1)
        self.aux_logits = bool(aux_logits)
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, 3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, 3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, 3, padding=1)
        self.maxpool1 = nn.MaxPool2d(3, 2)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, 1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, 3)
        self.maxpool2 = nn.MaxPool2d(3, 2)
        self.Mixed_5b = InceptionA(192, 32)
        self.Mixed_5c = InceptionA(256, 64)
        self.Mixed_5d = InceptionA(288, 64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, 128)
        self.Mixed_6c = InceptionC(768, 160)
        self.Mixed_6d = InceptionC(768, 160)
        self.Mixed_6e = InceptionC(768, 192)
        self.AuxLogits = InceptionAux(768, num_classes) if self.aux_logits else None
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280)
        self.Mixed_7c = InceptionE(2048)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x: Tensor) -> Union[Tensor, tuple[Tensor, Tensor]]:
        if x.dim() != 4 or x.shape[1] != 3 or min(x.shape[-2:]) < 75:
            raise ValueError(f"expected (B, 3, H, W) with H, W >= 75, got shape {tuple(x.shape)}")
        for name in ("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1",
                     "Conv2d_4a_3x3", "maxpool2", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a",
                     "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"):
            x = getattr(self, name)(x)
        aux = self.AuxLogits(x) if self.AuxLogits is not None and self.training else None
        x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))
        out = self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))
        return (out, aux) if aux is not None else out


@register("inception_v3")
def inception_v3(num_classes: int = 1000, **kw: Any) -> InceptionV3:
    """Inception-v3 (torchvision layout; auxiliary head on by default, as in torchvision)."""
    return InceptionV3(num_classes, **kw)
