"""Keypoint labels per 8x8 cell and the decoding of SuperPoint's detector output into points.

Labels (the detector's target): the image is cut into ``cell x cell`` cells; a cell holding a
keypoint at pixel ``(x, y)`` gets the class ``(y % cell) * cell + (x % cell)`` (its position in the
cell, row-major, 0-based), a cell without one gets the **dustbin** class ``cell * cell`` (64 for
8x8 cells: the 65th class, index 64). Where a cell holds several keypoints, one is drawn at random.

Decoding: softmax over the 65 classes of each cell, drop the dustbin, depth-to-space to a full
resolution heat map, keep pixels above a threshold, greedy non-maximum suppression in a square of
radius ``nms_radius``, drop points within ``border`` pixels of the edge.

Coordinates: points are ``(x, y)`` = (column, row) of the pixel; tensors indexed by pixel are
``[row, col]``.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 3.2 and the authors' demo
(threshold 0.015, NMS distance 4, border 4).
Taught in: notebooks/07_superpoint/02_labels.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive, check_shape, check_tensor
from cvbook.ops.depth_to_space import depth_to_space

__all__ = ["Keypoints", "keypoints_to_labels", "labels_to_keypoints", "logits_to_heatmap", "heatmap_nms",
           "detect_keypoints"]


@dataclass(frozen=True)
class Keypoints:
    """Detections of one image: ``points`` ``Tensor[K, 2]`` float ``(x, y)``, ``scores`` ``Tensor[K]``,
    sorted by decreasing score."""

    points: Tensor
    scores: Tensor

    def __len__(self) -> int:
        return self.points.shape[0]


def _size(image_size: object) -> tuple[int, int]:
    if isinstance(image_size, int) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (tuple, list)) or len(image_size) != 2:
        raise ValueError(f"image_size must be (H, W) or an int, got {image_size!r}")
    return check_int(image_size[0], "height", minimum=1), check_int(image_size[1], "width", minimum=1)


def keypoints_to_labels(keypoints: Tensor, image_size: int | tuple[int, int], cell: int = 8,
                        generator: torch.Generator | int | None = None) -> Tensor:
    """Per-cell class labels of an image's keypoints (the detector's target).

    Args:
        keypoints: ``Tensor[N, 2]`` pixel ``(x, y)``; integer pixels, or float positions, which
            are floored to the pixel that contains them (``(10.0, 5.7)`` is pixel ``(10, 5)``).
        image_size: ``(H, W)`` (or one int), multiples of ``cell``.
        cell: the cell side (8 in SuperPoint).
        generator: draws the keypoint kept where a cell holds several (seed 0 when ``None``).

    Returns:
        ``LongTensor[H // cell, W // cell]``: ``(y % cell) * cell + (x % cell)`` for the cell's
        keypoint, ``cell * cell`` (the dustbin, 64 for 8x8 cells) where there is none.

    Raises:
        ValueError: bad shapes, sizes that are not multiples of ``cell``, or keypoints outside the image.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.2 (one point per cell, the "no interest point"
    dustbin). The paper does not say which point a crowded cell keeps; here a uniformly random one.
    Taught in: notebooks/07_superpoint/02_labels.ipynb
    """
    cell = check_int(cell, "cell", minimum=1)
    height, width = _size(image_size)
    if height % cell or width % cell:
        raise ValueError(f"image_size must be multiples of cell = {cell}, got {height}x{width}")
    check_shape(keypoints, "N 2", "keypoints")
    g = as_generator(generator)
    hc, wc = height // cell, width // cell
    labels = torch.full((hc * wc,), cell * cell, dtype=torch.int64)
    if keypoints.shape[0] == 0:
        return labels.view(hc, wc)
    pix = keypoints.floor().long() if keypoints.is_floating_point() else keypoints.long()
    x, y = pix[:, 0], pix[:, 1]
    if (x < 0).any() or (y < 0).any() or (x >= width).any() or (y >= height).any():
        raise ValueError(f"keypoints must lie inside the {height}x{width} image (0 <= x < W, 0 <= y < H)")
    cell_index = (y // cell) * wc + (x // cell)
    inner = (y % cell) * cell + (x % cell)
    priority = torch.rand(len(x), generator=g)  # the keypoint with the largest priority wins its cell
    best = torch.full((hc * wc,), -1.0).scatter_reduce(0, cell_index, priority, reduce="amax")
    winner = priority == best[cell_index]
    labels[cell_index[winner]] = inner[winner]
    return labels.view(hc, wc)


def labels_to_keypoints(labels: Tensor, cell: int = 8) -> Tensor:
    """The keypoints a label map encodes: the inverse of :func:`keypoints_to_labels` when each cell
    holds at most one keypoint.

    Args:
        labels: ``LongTensor[Hc, Wc]`` with values in ``0 .. cell * cell`` (``cell * cell``: none).
        cell: the cell side.

    Returns:
        ``LongTensor[K, 2]`` pixel ``(x, y)``, one per non-dustbin cell, in row-major cell order.

    Raises:
        ValueError: labels not 2-d, not integer, or outside ``0 .. cell * cell``.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.2.
    Taught in: notebooks/07_superpoint/02_labels.ipynb
    """
    cell = check_int(cell, "cell", minimum=1)
    check_shape(labels, "Hc Wc", "labels")
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise ValueError(f"labels must be an integer tensor, got {labels.dtype}")
    if labels.numel() and (labels.min() < 0 or labels.max() > cell * cell):
        raise ValueError(f"labels must lie in 0 .. {cell * cell} (dustbin = {cell * cell})")
    rows, cols = torch.nonzero(labels != cell * cell, as_tuple=True)
    inner = labels[rows, cols].long()
    return torch.stack([cols * cell + inner % cell, rows * cell + inner // cell], dim=1)


def logits_to_heatmap(logits: Tensor, cell: int = 8) -> Tensor:
    """Detector logits to a full-resolution probability map.

    Args:
        logits: ``(B, cell * cell + 1, Hc, Wc)``, the dustbin last.
        cell: the cell side.

    Returns:
        ``(B, Hc * cell, Wc * cell)``: the softmax over each cell's classes, dustbin dropped, put
        back in place by depth-to-space. Each cell's 64 values sum to ``1 - p(dustbin)``.

    Raises:
        ValueError: not 4-d, or not ``cell * cell + 1`` channels.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.2.
    Taught in: notebooks/07_superpoint/01_network.ipynb
    """
    cell = check_int(cell, "cell", minimum=1)
    s = check_shape(logits, "B C Hc Wc", "logits")
    if s["C"] != cell * cell + 1:
        raise ValueError(f"logits must have cell**2 + 1 = {cell * cell + 1} channels, got {s['C']}")
    prob = torch.softmax(logits, dim=1)[:, :-1]  # log-sum-exp inside: no overflow at any scale
    return depth_to_space(prob, cell)[:, 0]


def heatmap_nms(heatmap: Tensor, threshold: float = 0.015, nms_radius: int = 4, border: int = 4,
                top_k: int | None = None) -> Keypoints:
    """Points of one heat map: threshold, greedy square NMS, border removal.

    Args:
        heatmap: ``Tensor[H, W]`` scores.
        threshold: keep pixels with score ``>= threshold`` (SuperPoint's demo: 0.015; the TensorFlow
            reimplementation: 0.001).
        nms_radius: a kept point suppresses every weaker candidate within Chebyshev distance
            ``nms_radius`` (0 disables NMS).
        border: drop points closer than ``border`` pixels to the edge (``x < border`` or
            ``x >= W - border``, likewise y).
        top_k: keep at most this many of the strongest points.

    Returns:
        :class:`Keypoints` with float ``(x, y)`` pixel coordinates, strongest first (ties: row-major).

    Raises:
        ValueError: heat map not 2-d, bad threshold, radius, border or top_k.

    Reference: DeTone et al. 2018, SuperPoint demo (``nms_fast``: greedy, strongest first).
    Taught in: notebooks/07_superpoint/02_labels.ipynb
    """
    check_shape(heatmap, "H W", "heatmap")
    threshold = check_positive(threshold, "threshold", strict=False)
    radius = check_int(nms_radius, "nms_radius", minimum=0)
    border = check_int(border, "border", minimum=0)
    h, w = heatmap.shape
    heat = heatmap.detach().float().cpu()
    ys, xs = torch.nonzero(heat >= threshold, as_tuple=True)
    scores = heat[ys, xs]
    order = torch.sort(scores, descending=True, stable=True).indices
    ys, xs, scores = ys[order], xs[order], scores[order]
    if radius > 0 and len(scores):
        free = torch.ones(h + 2 * radius, w + 2 * radius, dtype=torch.bool).numpy()
        keep = []
        for i, (y, x) in enumerate(zip(ys.tolist(), xs.tolist())):
            if free[y + radius, x + radius]:
                keep.append(i)
                free[y: y + 2 * radius + 1, x: x + 2 * radius + 1] = False
        idx = torch.tensor(keep, dtype=torch.int64)
        ys, xs, scores = ys[idx], xs[idx], scores[idx]
    inside = (xs >= border) & (xs < w - border) & (ys >= border) & (ys < h - border)
    ys, xs, scores = ys[inside], xs[inside], scores[inside]
    if top_k is not None:
        k = check_int(top_k, "top_k", minimum=0)
        ys, xs, scores = ys[:k], xs[:k], scores[:k]
    return Keypoints(points=torch.stack([xs, ys], dim=1).float(), scores=scores)


def detect_keypoints(logits: Tensor, threshold: float = 0.015, nms_radius: int = 4, border: int = 4,
                     top_k: int | None = None, cell: int = 8) -> list[Keypoints]:
    """SuperPoint's decoding of a batch: :func:`logits_to_heatmap` then :func:`heatmap_nms` per image.

    Args:
        logits: ``(B, cell * cell + 1, Hc, Wc)`` detector logits.
        threshold, nms_radius, border, top_k: as in :func:`heatmap_nms`.
        cell: the cell side.

    Returns:
        One :class:`Keypoints` per image.

    Raises:
        ValueError: as :func:`logits_to_heatmap` and :func:`heatmap_nms`.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 3.2 and demo.
    Taught in: notebooks/07_superpoint/02_labels.ipynb
    """
    check_tensor(logits, "logits")
    heat = logits_to_heatmap(logits, cell)
    return [heatmap_nms(hm, threshold, nms_radius, border, top_k) for hm in heat]
