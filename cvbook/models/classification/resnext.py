"""ResNeXt: aggregated transformations, in the three equivalent forms of the paper's Fig. 3."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.models.classification.resnet import ResNet

__all__ = ["RESNEXT_FORMS", "ResNeXtBottleneck", "set_resnext_form", "resnext50_32x4d",
           "resnext101_32x8d"]

RESNEXT_FORMS = ("a", "b", "c")


def _bn(x: Tensor, bn: nn.BatchNorm2d, lo: int, hi: int) -> Tensor:
    """BatchNorm restricted to channels ``lo:hi`` (per-channel, so it splits exactly)."""
    rm = None if bn.running_mean is None else bn.running_mean[lo:hi]  # views: updates land in bn
    rv = None if bn.running_var is None else bn.running_var[lo:hi]
    return F.batch_norm(x, rm, rv, bn.weight[lo:hi], bn.bias[lo:hi],
                        bn.training or rm is None, bn.momentum or 0.0, bn.eps)


class ResNeXtBottleneck(nn.Module):
    """ResNeXt block with cardinality ``C = groups`` and path width ``d``; three forms, one set of weights.

    ``(B, in_channels, H, W) -> (B, 4*channels, H/stride, W/stride)``; ``width = C*d`` with
    ``d = channels * base_width / 64`` (d = 4 for 32x4d). All forms read the weights of the grouped
    form, so switching ``form`` does not change the function:

    - "a": C separate paths 1x1 (in->d), 3x3 (d->d), 1x1 (d->out), **summed** (split-transform-merge);
    - "b": C paths 1x1, 3x3, **concatenated** to C*d channels, then one 1x1 (C*d->out);
    - "c": 1x1 (in->C*d), **grouped** 3x3 with C groups, 1x1 (C*d->out): the fast form.

    (a) equals (b) because a sum of 1x1 convs over channel blocks is one 1x1 conv over their
    concatenation; (b) equals (c) because a grouped conv is the concatenation of per-group convs.
    BN is per channel, so it splits over paths too; bn3 acts after the sum.

    Reference: Xie et al., "Aggregated Residual Transformations for Deep Neural Networks", CVPR 2017,
    Fig. 3 (notes 002 l.1-6).
    Taught in: notebooks/04_architectures/03_resnet.ipynb
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 downsample: nn.Module | None = None, groups: int = 32, base_width: int = 4,
                 form: str = "c", **unused: Any) -> None:
        super().__init__()
        if form not in RESNEXT_FORMS:
            raise ValueError(f"form must be one of {RESNEXT_FORMS}, got {form!r}")
        self.d = int(channels * (base_width / 64.0))
        if self.d < 1:
            raise ValueError(f"path width d = channels*base_width/64 must be >= 1, got {self.d}")
        width, out = self.d * groups, channels * self.expansion
        self.groups, self.stride, self.form = groups, stride, form
        self.conv1 = nn.Conv2d(in_channels, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def _path(self, x: Tensor, i: int) -> Tensor:
        lo, hi = i * self.d, (i + 1) * self.d
        h = F.relu(_bn(F.conv2d(x, self.conv1.weight[lo:hi]), self.bn1, lo, hi))
        h = F.conv2d(h, self.conv2.weight[lo:hi], stride=self.stride, padding=1)
        return F.relu(_bn(h, self.bn2, lo, hi))  # (B, d, H', W')

    def transform(self, x: Tensor) -> Tensor:
        """The aggregated transformation before bn3 and the shortcut: ``(B, in, H, W) -> (B, out, H', W')``."""
        if self.form == "c":
            h = self.relu(self.bn1(self.conv1(x)))
            return self.conv3(self.relu(self.bn2(self.conv2(h))))
        paths = [self._path(x, i) for i in range(self.groups)]
        if self.form == "b":
            return self.conv3(torch.cat(paths, 1))
        w3 = self.conv3.weight
        out = F.conv2d(paths[0], w3[:, : self.d])
        for i in range(1, self.groups):
            out = out + F.conv2d(paths[i], w3[:, i * self.d:(i + 1) * self.d])
        return out

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.bn3(self.transform(x)) + identity)


def set_resnext_form(model: nn.Module, form: str) -> nn.Module:
    """Switch every :class:`ResNeXtBottleneck` in ``model`` to form "a", "b" or "c" (in place)."""
    if form not in RESNEXT_FORMS:
        raise ValueError(f"form must be one of {RESNEXT_FORMS}, got {form!r}")
    for m in model.modules():
        if isinstance(m, ResNeXtBottleneck):
            m.form = form
    return model


@register()
def resnext50_32x4d(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNeXt-50 (32x4d): ResNet-50 layout, cardinality 32, path width 4."""
    return ResNet(ResNeXtBottleneck, [3, 4, 6, 3], num_classes, groups=32, base_width=4, **kw)


@register()
def resnext101_32x8d(num_classes: int = 1000, **kw: Any) -> ResNet:
    """ResNeXt-101 (32x8d)."""
    return ResNet(ResNeXtBottleneck, [3, 4, 23, 3], num_classes, groups=32, base_width=8, **kw)
