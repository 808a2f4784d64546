"""Descriptors at keypoints and their matching: sampling a coarse descriptor map, mutual nearest neighbours.

SuperPoint's descriptor head gives one unit-length descriptor per 8x8 cell; the descriptor of a
keypoint ``(x, y)`` is read off that coarse map by interpolation, then L2-normalised. Two images'
descriptors are matched by nearest neighbour in Euclidean distance with a mutual check: ``(i, j)``
is kept when ``j`` is ``i``'s nearest neighbour and ``i`` is ``j``'s (OpenCV's
``BFMatcher(crossCheck=True)``).

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 3.3 and 7.2.
Taught in: notebooks/07_superpoint/06_descriptors.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_int, check_shape

__all__ = ["sample_descriptors", "mutual_nearest_neighbours"]


def sample_descriptors(descriptors: Tensor, points: Tensor, cell: int = 8) -> Tensor:
    """The descriptors of keypoints, interpolated from a coarse per-cell map.

    Args:
        descriptors: ``(D, Hc, Wc)`` the map of one image; cell ``(h, w)`` has centre
            ``(x, y) = (cell * w + (cell - 1) / 2, cell * h + (cell - 1) / 2)`` in pixels.
        points: ``Tensor[K, 2]`` pixel ``(x, y)``.
        cell: the cell side.

    Returns:
        ``Tensor[K, D]`` unit-length descriptors (bilinear between cell centres, clamped at the border).

    Raises:
        ValueError: bad shapes.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.3 (departure: bilinear, the paper bicubic).
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    s = check_shape(descriptors, "D Hc Wc", "descriptors")
    check_shape(points, "K 2", "points")
    cell = check_int(cell, "cell", minimum=1)
    if len(points) == 0:
        return descriptors.new_zeros(0, s["D"])
    # pixel -> coarse-map coordinate of the cell centres, then to grid_sample's [-1, 1] (align_corners=True)
    u = (points[:, 0].to(descriptors.dtype) - (cell - 1) / 2) / cell
    v = (points[:, 1].to(descriptors.dtype) - (cell - 1) / 2) / cell
    gx = 2 * u / max(s["Wc"] - 1, 1) - 1
    gy = 2 * v / max(s["Hc"] - 1, 1) - 1
    grid = torch.stack([gx, gy], dim=1).view(1, 1, -1, 2)
    out = F.grid_sample(descriptors[None], grid, mode="bilinear", padding_mode="border", align_corners=True)
    return F.normalize(out[0, :, 0].T, dim=1)


def mutual_nearest_neighbours(desc1: Tensor, desc2: Tensor) -> Tensor:
    """Matches of two descriptor sets by nearest neighbour (Euclidean) with a mutual check.

    Args:
        desc1: ``Tensor[N, D]``; desc2: ``Tensor[M, D]``.

    Returns:
        ``LongTensor[K, 2]`` index pairs ``(i, j)``, sorted by ``i``; empty when either set is.

    Raises:
        ValueError: bad shapes or different descriptor lengths.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 7.2 (as ``cv2.BFMatcher(crossCheck=True)``).
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    a = check_shape(desc1, "N D", "desc1")
    b = check_shape(desc2, "M D", "desc2")
    if a["D"] != b["D"]:
        raise ValueError(f"descriptors must have one length, got {a['D']} and {b['D']}")
    if a["N"] == 0 or b["M"] == 0:
        return torch.zeros(0, 2, dtype=torch.int64)
    d = torch.cdist(desc1.double(), desc2.double())
    nn12 = d.argmin(dim=1)
    nn21 = d.argmin(dim=0)
    i = torch.arange(a["N"])
    keep = nn21[nn12] == i
    return torch.stack([i[keep], nn12[keep]], dim=1)
