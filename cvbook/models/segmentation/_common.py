"""Shared pieces of the segmentation models: pad to a multiple of the stride, crop back."""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_shape

__all__ = ["pad_to_multiple", "crop_to"]


def pad_to_multiple(x: Tensor, multiple: int) -> tuple[Tensor, tuple[int, int]]:
    """Zero-pad ``(B, C, H, W)`` at the bottom and right to multiples of ``multiple``; return it and ``(H, W)``."""
    sizes = check_shape(x, "B C H W", "input")
    h, w = sizes["H"], sizes["W"]
    ph, pw = (-h) % multiple, (-w) % multiple
    return (F.pad(x, (0, pw, 0, ph)) if ph or pw else x), (h, w)


def crop_to(x: Tensor, size: tuple[int, int]) -> Tensor:
    """The top-left ``(H, W)`` window of ``(B, C, H', W')``."""
    return x[..., : size[0], : size[1]]
