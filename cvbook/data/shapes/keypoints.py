"""The keypoint view of the procedural scenes: grey images, corner keypoints and SuperPoint labels.

Each scene's visible corner keypoints (see :mod:`.scene`) become integer pixels ``(x, y)``
(floored; a corner at ``(10.0, 5.0)`` lies on the top-left corner of pixel ``(10, 5)``) and the
per-cell labels of :func:`cvbook.ops.keypoints_to_labels` (dustbin 64).

Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
from torch import Tensor

from cvbook.data.shapes._checks import check_count, make_rng
from cvbook.data.shapes.sampling import render_scene
from cvbook.ops.keypoints import keypoints_to_labels

__all__ = ["KeypointSet", "make_keypoint_set"]


@dataclass(frozen=True)
class KeypointSet:
    """Images ``(N, 1, H, W)`` float in [0, 1]; ``labels`` ``(N, H/8, W/8)`` int64 (64 = dustbin);
    ``keypoints``: per image ``LongTensor[K_i, 2]`` pixel ``(x, y)``."""

    images: Tensor
    labels: Tensor
    keypoints: tuple[Tensor, ...]

    def __len__(self) -> int:
        return self.images.shape[0]


def make_keypoint_set(n: int, size: int | tuple[int, int] = 64, seed: int | torch.Generator = 0, *,
                      noise: float = 0.0, blur: float = 0.0, kinds: Sequence[str] | None = None,
                      n_objects: int | tuple[int, int] = (1, 4), supersample: int = 4) -> KeypointSet:
    """``n`` grey scenes with their corner keypoints and per-cell labels, from one generator.

    Args:
        n: the number of scenes.
        size: ``H`` or ``(H, W)``, multiples of 8.
        seed: an int or a CPU generator; it also draws the keypoint kept in crowded cells.
        noise, blur, kinds, n_objects, supersample: as :func:`render_scene`.

    Returns:
        A :class:`KeypointSet`.

    Raises:
        ValueError: a size that is not a multiple of 8, or bad scene arguments.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 4 (Synthetic Shapes).
    Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
    """
    n = check_count(n, "n", minimum=0)
    h, w = (size, size) if isinstance(size, int) else tuple(size)
    if h % 8 or w % 8:
        raise ValueError(f"size must be a multiple of 8 (SuperPoint's cells), got {h}x{w}")
    g = make_rng(seed)
    images, labels, points = [], [], []
    for _ in range(n):
        scene = render_scene((h, w), n_objects, kinds, g, noise, blur=blur, channels=1, supersample=supersample)
        kp = scene.keypoints.floor().long()
        kp = torch.unique(kp, dim=0) if len(kp) else kp.view(0, 2)  # corners sharing a pixel count once
        images.append(scene.image)
        labels.append(keypoints_to_labels(kp, (h, w), generator=g))
        points.append(kp)
    if n == 0:
        return KeypointSet(torch.zeros(0, 1, h, w), torch.zeros(0, h // 8, w // 8, dtype=torch.int64), ())
    from cvbook.runtime import record_data  # lazy: cvbook.runtime must not load with the data package

    record_data("procedural shape scenes (cvbook.data.shapes, keypoint view)")
    return KeypointSet(torch.stack(images), torch.stack(labels), tuple(points))
