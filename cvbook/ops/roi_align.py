"""RoIAlign: average of bilinear samples on a regular grid in each output bin of a box.

Vectorised over boxes, bins and samples (no loop), with torchvision's signature and semantics:
box corners are scaled by ``spatial_scale``; with ``aligned=True`` half a pixel is subtracted so
that a box's corner sits on pixel centres (the "pixel shift" fix of Detectron2); with
``aligned=False`` boxes smaller than one pixel are enlarged to one pixel (legacy behaviour). The
number of samples per bin is ``sampling_ratio`` or, if ``<= 0``, ``ceil(box size / output size)``
per box. A sample more than one pixel outside the map counts as 0.

Reference: He, Gkioxari, Dollár, Girshick 2017, "Mask R-CNN", Sec. 3 (RoIAlign); torchvision.ops.roi_align.
Taught in: notebooks/05_detection/03_box_regression.ipynb (features of proposals)
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook._checks import check_shape, check_tensor

__all__ = ["roi_align"]


def _rois(boxes: Tensor | list[Tensor]) -> Tensor:
    if isinstance(boxes, (list, tuple)):
        parts = []
        for i, b in enumerate(boxes):
            check_shape(b, "L 4", f"boxes[{i}]")
            parts.append(torch.cat([torch.full_like(b[:, :1], i), b], dim=1))
        if not parts:
            raise ValueError("boxes must be a Tensor[K, 5] or a non-empty list of Tensor[L, 4]")
        return torch.cat(parts)
    check_shape(boxes, "K 5", "boxes")
    return boxes


def _axis(start: Tensor, size: Tensor, bins: int, grid: Tensor, g_max: int) -> tuple[Tensor, Tensor]:
    """Sample coordinates (K, bins, g_max) along one axis and the mask of real samples."""
    bin_size = size / bins
    p = torch.arange(bins, dtype=start.dtype, device=start.device)
    i = torch.arange(g_max, dtype=start.dtype, device=start.device)
    g = grid.clamp(min=1).to(start.dtype)
    coord = start[:, None, None] + p[None, :, None] * bin_size[:, None, None] \
        + (i[None, None, :] + 0.5) * (bin_size / g)[:, None, None]
    mask = i[None, None, :] < grid[:, None, None]
    return coord, mask.expand_as(coord)


def _linear(coord: Tensor, size: int) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """torchvision's bilinear rule along one axis: low/high index, their weights, validity."""
    valid = (coord >= -1.0) & (coord <= size)
    c = coord.clamp(min=0)
    low = c.floor().long()
    at_edge = low >= size - 1
    low = torch.where(at_edge, torch.full_like(low, size - 1), low)
    high = torch.where(at_edge, low, low + 1)
    c = torch.where(at_edge, low.to(c.dtype), c)
    w_high = c - low.to(c.dtype)
    return low, high, 1 - w_high, w_high, valid


def roi_align(input: Tensor, boxes: Tensor | list[Tensor], output_size: int | tuple[int, int],
              spatial_scale: float = 1.0, sampling_ratio: int = -1, aligned: bool = False) -> Tensor:
    """Pool a fixed-size feature for each box with bilinear sampling (no quantisation).

    Args:
        input: ``(B, C, H, W)`` feature map.
        boxes: ``Tensor[K, 5]`` rows ``(batch_index, x1, y1, x2, y2)`` or a list of ``B`` tensors
            ``Tensor[L, 4]`` xyxy, in input-image coordinates.
        output_size: ``(PH, PW)`` or one int. spatial_scale: feature size / image size (1/16 ...).
        sampling_ratio: samples per bin along each axis; ``<= 0``: adaptive, ``ceil(size / bins)``.
        aligned: subtract half a pixel (True), or use the legacy rule (False).

    Returns:
        ``(K, C, PH, PW)``, equal to ``torchvision.ops.roi_align`` with the same arguments.

    Raises:
        ValueError: bad shapes or output size. TypeError: ``input`` not a tensor.

    Reference: He et al. 2017, "Mask R-CNN", Sec. 3 (RoIAlign); Wu et al. 2019, Detectron2 (aligned).
    Taught in: notebooks/05_detection/03_box_regression.ipynb (features of proposals)
    """
    check_tensor(input, "input")
    check_shape(input, "B C H W", "input")
    rois = _rois(boxes).to(input.dtype)
    ph, pw = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if ph < 1 or pw < 1:
        raise ValueError(f"output_size must be positive, got {(ph, pw)}")
    _, c, h, w = input.shape
    k = rois.shape[0]
    if k == 0:
        return input.new_zeros(0, c, ph, pw)
    offset = 0.5 if aligned else 0.0
    bidx = rois[:, 0].long()
    x1, y1 = rois[:, 1] * spatial_scale - offset, rois[:, 2] * spatial_scale - offset
    rw, rh = rois[:, 3] * spatial_scale - offset - x1, rois[:, 4] * spatial_scale - offset - y1
    if not aligned:  # legacy: force malformed boxes to 1x1
        rw, rh = rw.clamp(min=1.0), rh.clamp(min=1.0)
    if sampling_ratio > 0:
        gh = torch.full((k,), sampling_ratio, dtype=torch.long, device=input.device)
        gw = gh
    else:
        gh = torch.ceil(rh / ph).long()
        gw = torch.ceil(rw / pw).long()
    gh_max, gw_max = max(int(gh.max()), 1), max(int(gw.max()), 1)
    ys, my = _axis(y1, rh, ph, gh, gh_max)  # (K, PH, GH)
    xs, mx = _axis(x1, rw, pw, gw, gw_max)  # (K, PW, GW)
    yl, yh, wyl, wyh, vy = _linear(ys, h)
    xl, xh, wxl, wxh, vx = _linear(xs, w)
    b = bidx[:, None, None, None, None]

    def at(yi: Tensor, xi: Tensor) -> Tensor:  # -> (K, PH, GH, PW, GW, C)
        return input[b, :, yi[:, :, :, None, None], xi[:, None, None, :, :]]

    wy = lambda t: t[:, :, :, None, None, None]  # noqa: E731
    wx = lambda t: t[:, None, None, :, :, None]  # noqa: E731
    val = (wy(wyl) * wx(wxl) * at(yl, xl) + wy(wyl) * wx(wxh) * at(yl, xh)
           + wy(wyh) * wx(wxl) * at(yh, xl) + wy(wyh) * wx(wxh) * at(yh, xh))
    keep = (wy(vy & my) & wx(vx & mx)).to(input.dtype)
    count = (gh * gw).clamp(min=1).to(input.dtype)[:, None, None, None]
    out = (val * keep).sum(dim=(2, 4)) / count  # (K, PH, PW, C)
    return out.permute(0, 3, 1, 2).contiguous()
