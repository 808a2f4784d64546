"""Feature Pyramid Network: a top-down pathway with lateral 1x1 convs and 3x3 smoothing.

``P_l = smooth_l(lateral_l(C_l) + upsample_nearest(inner_{l+1}))``, from the coarsest level
down. With ``fuse="add"`` the module is torchvision's ``FeaturePyramidNetwork`` (same parameters,
same outputs once weights are copied); ``fuse="concat"`` concatenates lateral and top-down maps
and mixes them with a 1x1 conv instead (note 001's add-vs-concat question).

Reference: Lin, Dollár, Girshick, He, Hariharan, Belongie 2017, "Feature Pyramid Networks for
Object Detection", Sec. 3 and Fig. 3.
Taught in: notebooks/05_detection/06_fpn.ipynb and notebooks/05_detection/08_trained_detector.ipynb (used by the detector)
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["FeaturePyramidNetwork"]


class FeaturePyramidNetwork(nn.Module):
    """FPN over feature maps ordered from fine (high resolution) to coarse.

    Args:
        in_channels_list: channels of each input level, fine to coarse.
        out_channels: channels of every output level (the paper: 256).
        extra_pool: append a level by 1x1 max-pool with stride 2 of the coarsest output
            (torchvision's ``LastLevelMaxPool``, key ``"pool"``).
        fuse: ``"add"`` (the paper, torchvision) or ``"concat"``.

    Input/output: an ``OrderedDict[str, (B, C_l, H_l, W_l)]`` (or a list) in, the same keys with
    ``(B, out_channels, H_l, W_l)`` out.

    Raises:
        ValueError: empty ``in_channels_list``, bad ``fuse``, or an input of the wrong length.

    Reference: Lin et al. 2017, "Feature Pyramid Networks for Object Detection", Sec. 3.
    Taught in: notebooks/05_detection/06_fpn.ipynb and notebooks/05_detection/08_trained_detector.ipynb (used by the detector)
    """

    def __init__(self, in_channels_list: Sequence[int], out_channels: int, extra_pool: bool = False,
                 fuse: str = "add") -> None:
        super().__init__()
        if not in_channels_list or min(in_channels_list) <= 0 or out_channels <= 0:
            raise ValueError(f"in_channels_list must be non-empty positive ints and out_channels > 0, got {in_channels_list}, {out_channels}")
        if fuse not in ("add", "concat"):
            raise ValueError(f"fuse must be 'add' or 'concat', got {fuse!r}")
        self.fuse = fuse
        self.extra_pool = extra_pool
        self.inner_blocks = nn.ModuleList(nn.Conv2d(c, out_channels, 1) for c in in_channels_list)
        self.layer_blocks = nn.ModuleList(nn.Conv2d(out_channels, out_channels, 3, padding=1) for _ in in_channels_list)
        self.mix_blocks = nn.ModuleList(nn.Conv2d(2 * out_channels, out_channels, 1)
                                        for _ in in_channels_list[:-1]) if fuse == "concat" else None
        for m in self.modules():  # torchvision's init
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight, a=1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x: OrderedDict[str, Tensor] | Sequence[Tensor]) -> OrderedDict[str, Tensor] | list[Tensor]:
        as_dict = isinstance(x, dict)
        names = list(x.keys()) if as_dict else None
        feats = list(x.values()) if as_dict else list(x)
        if len(feats) != len(self.inner_blocks):
            raise ValueError(f"expected {len(self.inner_blocks)} feature maps, got {len(feats)}")
        last = self.inner_blocks[-1](feats[-1])
        results = [self.layer_blocks[-1](last)]
        for idx in range(len(feats) - 2, -1, -1):
            lateral = self.inner_blocks[idx](feats[idx])
            top_down = F.interpolate(last, size=lateral.shape[-2:], mode="nearest")
            if self.fuse == "add":
                last = lateral + top_down
            else:
                last = self.mix_blocks[idx](torch.cat([lateral, top_down], dim=1))
            results.insert(0, self.layer_blocks[idx](last))
        if self.extra_pool:
            results.append(F.max_pool2d(results[-1], 1, 2, 0))
            if names is not None:
                names = names + ["pool"]
        if names is not None:
            return OrderedDict(zip(names, results))
        return results
