"""The segmentation view of the procedural scenes: semantic and instance label maps.

A scene's visible instance masks are disjoint (see :mod:`.scene`), so each pixel has one owner: the
background or one object. The semantic map gives each pixel its object's class, the instance map
its object's index.

- semantic: ``Tensor[H, W]`` int64, 0 = background, ``1 + i`` for the i-th kind of ``kinds``;
- instance: ``Tensor[H, W]`` int64, 0 = background, ``1 + n`` for the scene's n-th object.

Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
from torch import Tensor

from cvbook.data.shapes._checks import check_count, check_kinds, make_rng
from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.sampling import render_scene
from cvbook.data.shapes.scene import Scene

__all__ = ["SegmentationSet", "instance_map", "make_segmentation_set", "semantic_map"]


@dataclass(frozen=True)
class SegmentationSet:
    """Images and their label maps: images ``(N, C, H, W)`` float in [0, 1], semantic and instance
    ``(N, H, W)`` int64; ``classes[c]`` names label c (``classes[0] == "background"``)."""

    images: Tensor
    semantic: Tensor
    instance: Tensor
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def num_classes(self) -> int:
        return len(self.classes)


def semantic_map(scene: Scene, kinds: Sequence[str] | None = None) -> Tensor:
    """``Tensor[H, W]`` int64: 0 for background, ``1 + kinds.index(kind)`` for an object's pixels.

    Args:
        scene: a rendered :class:`Scene`.
        kinds: the classes in label order (default: all of ``SHAPE_CLASSES``).

    Raises:
        ValueError: the scene holds a kind that is not in ``kinds``.

    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    kinds = check_kinds(kinds)
    lookup = torch.full((len(SHAPE_CLASSES),), -1, dtype=torch.int64)
    lookup[torch.tensor([SHAPE_CLASSES.index(k) for k in kinds])] = torch.arange(1, len(kinds) + 1)
    out = torch.zeros(scene.masks.shape[1:], dtype=torch.int64)
    for mask, label in zip(scene.masks, scene.labels.tolist()):
        if lookup[label] < 0:
            raise ValueError(f"the scene holds a {SHAPE_CLASSES[label]!r}, which is not in kinds={list(kinds)}")
        out[mask] = lookup[label]
    return out


def instance_map(scene: Scene) -> Tensor:
    """``Tensor[H, W]`` int64: 0 for background, ``1 + n`` for the pixels of the scene's n-th object.

    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    out = torch.zeros(scene.masks.shape[1:], dtype=torch.int64)
    for n, mask in enumerate(scene.masks):
        out[mask] = n + 1
    return out


def make_segmentation_set(n: int, size: int | tuple[int, int] = 64, seed: int | torch.Generator = 0,
                          kinds: Sequence[str] | None = None, **kwargs) -> SegmentationSet:
    """``n`` random scenes of the given ``kinds`` as images with semantic and instance maps.

    Extra keyword arguments go to :func:`render_scene` (``n_objects``, ``channels``, ``noise``,
    ``blur``, ``supersample``). Same arguments, same set.

    Raises:
        ValueError: ``n < 1`` or bad scene arguments.

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes (the scenes).
    Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
    """
    from cvbook.runtime import record_data

    n = check_count(n, "n", minimum=1)
    kinds = check_kinds(kinds)
    g = make_rng(seed)
    scenes = [render_scene(size, kinds=kinds, seed=g, **kwargs) for _ in range(n)]
    record_data("procedural shape scenes (cvbook.data.shapes, segmentation view)")
    return SegmentationSet(
        images=torch.stack([s.image for s in scenes]),
        semantic=torch.stack([semantic_map(s, kinds) for s in scenes]),
        instance=torch.stack([instance_map(s) for s in scenes]),
        classes=("background", *kinds),
    )
