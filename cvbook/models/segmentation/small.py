"""A small segmentation network of valid convolutions, and how its input is padded.

``SmallValidNet``: ``depth`` unpadded 3x3 conv-BN-ReLU layers and a 1x1 classifier. Each layer
trims one pixel on every side, so the logits cover only the inner ``(H - 2m) x (W - 2m)`` of the
image (``m = depth``, the *margin*). To return full-resolution logits (the chapter's contract),
``input_padding`` says how the border band gets its prediction:

- ``"none"``: the network runs on the image as it is; the band copies the nearest computed logit
  (replicate-padding of the logits): an object at the border is predicted from features that
  never saw its outer part, a line or point of the output (notes 001 l.15);
- ``"zeros"`` / ``"reflect"`` / ``"replicate"``: the image is padded by ``m`` first, so every
  pixel gets its own logits, computed from a full (partly padded) window.

Reference: the note (001 l.15); Ronneberger et al. 2015 (U-Net) pad the input by mirroring.
Taught in: notebooks/06_segmentation/09_padding.ipynb
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import check_int, check_shape
from cvbook.models.registry import register

__all__ = ["PADDINGS", "SmallValidNet", "small_valid"]

PADDINGS = ("none", "zeros", "reflect", "replicate")


class SmallValidNet(nn.Module):
    """``depth`` valid 3x3 conv-BN-ReLU layers + 1x1 classifier; ``(B, C, H, W) -> (B, K, H, W)``.

    Args:
        num_classes: classes including background; in_channels: image channels.
        width: channels of every layer; depth: layers (the margin ``m`` in pixels).
        input_padding: one of :data:`PADDINGS` (see the module docstring).

    Raises:
        ValueError: unknown ``input_padding``; at call time, an input not larger than ``2 m``
            with ``input_padding="none"`` (nothing would be computed), or smaller than ``m + 1`` for
            ``"reflect"`` (torch's reflect padding needs it).

    Taught in: notebooks/06_segmentation/09_padding.ipynb
    """

    def __init__(self, num_classes: int = 3, in_channels: int = 3, width: int = 16, depth: int = 5,
                 input_padding: str = "zeros") -> None:
        super().__init__()
        if input_padding not in PADDINGS:
            raise ValueError(f"input_padding must be one of {PADDINGS}, got {input_padding!r}")
        c = check_int(in_channels, "in_channels", minimum=1)
        width = check_int(width, "width", minimum=1)
        self.margin = check_int(depth, "depth", minimum=1)
        self.input_padding = input_padding
        layers = []
        for _ in range(self.margin):
            layers += [nn.Conv2d(c, width, 3, padding=0, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            c = width
        layers.append(nn.Conv2d(c, check_int(num_classes, "num_classes", minimum=1), 1))
        self.core = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        sizes = check_shape(x, "B C H W", "input")
        m, h, w = self.margin, sizes["H"], sizes["W"]
        if self.input_padding == "none":
            if min(h, w) <= 2 * m:
                raise ValueError(f"input {h}x{w} must be larger than 2 * margin = {2 * m} without padding")
            return F.pad(self.core(x), (m, m, m, m), mode="replicate")  # the band copies the nearest logit
        if self.input_padding == "reflect" and min(h, w) <= m:
            raise ValueError(f"reflect padding by {m} needs an input larger than {m}, got {h}x{w}")
        mode = "constant" if self.input_padding == "zeros" else self.input_padding
        return self.core(F.pad(x, (m, m, m, m), mode=mode))


@register("small_valid", task="segmentation")
def small_valid(num_classes: int = 3, **kwargs) -> SmallValidNet:
    """:class:`SmallValidNet` (valid 3x3 convolutions, input padded by the margin unless told not to)."""
    return SmallValidNet(num_classes, **kwargs)
