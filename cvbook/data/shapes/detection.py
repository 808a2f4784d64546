"""Detection view of the procedural scenes: image batches with xyxy boxes and class labels.

Labels are re-numbered ``0 .. len(kinds) - 1`` in the order of ``kinds``; boxes are the scenes'
(enclosing the *visible* mask, x2/y2 exclusive), so an occluded object's box is its visible part.

Reference: DeTone et al. 2018, "SuperPoint" (Synthetic Shapes), used here as a detection set.
Taught in: notebooks/05_detection/08_trained_detector.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.sampling import make_scene_batch

__all__ = ["DETECTION_KINDS", "DetectionBatch", "make_detection_batch"]

#: the default classes of chapter 5: four filled shapes that stay distinct at 64x64
DETECTION_KINDS: tuple[str, ...] = ("triangle", "quadrilateral", "star", "ellipse")


@dataclass(frozen=True)
class DetectionBatch:
    """``images`` ``(B, C, H, W)`` in [0, 1]; ``targets``: per image ``{"boxes": Tensor[N, 4] xyxy,
    "labels": Tensor[N] int64}`` (torchmetrics' format); ``classes``: the class names."""

    images: Tensor
    targets: list[dict[str, Tensor]]
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return self.images.shape[0]

    def subset(self, index: Sequence[int] | Tensor) -> "DetectionBatch":
        """The images at ``index`` (a list or a 1-D tensor of ints) as a new batch."""
        idx = torch.as_tensor(index, dtype=torch.long)
        return DetectionBatch(self.images[idx], [self.targets[i] for i in idx.tolist()], self.classes)


def make_detection_batch(n: int, size: int = 64, kinds: Sequence[str] = DETECTION_KINDS,
                         n_objects: int | tuple[int, int] = (1, 3), seed: int | torch.Generator = 0,
                         noise: float = 0.02, supersample: int = 2, **kwargs) -> DetectionBatch:
    """``n`` random scenes of ``kinds`` as one detection batch.

    Args:
        n: number of images. size: side in pixels. kinds: shape classes (names of ``SHAPE_CLASSES``).
        n_objects: a count or an inclusive range per image. seed: int or ``torch.Generator``.
        noise: pixel noise std. supersample: anti-aliasing samples per axis.
        kwargs: passed on to :func:`cvbook.data.shapes.render_scene` (``blur``, ``channels``).

    Returns:
        :class:`DetectionBatch` with labels in ``0 .. len(kinds) - 1``.

    Raises:
        ValueError: unknown kinds (and whatever ``render_scene`` refuses).

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes.
    Taught in: notebooks/05_detection/08_trained_detector.ipynb
    """
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in SHAPE_CLASSES]
    if not kinds or unknown:
        raise ValueError(f"kinds must be names from {SHAPE_CLASSES}, got {list(kinds)}")
    remap = torch.full((len(SHAPE_CLASSES),), -1, dtype=torch.long)
    remap[torch.tensor([SHAPE_CLASSES.index(k) for k in kinds])] = torch.arange(len(kinds))
    scenes = make_scene_batch(n, size, seed=seed, n_objects=n_objects, kinds=list(kinds), noise=noise,
                              supersample=supersample, **kwargs)
    if not scenes:
        return DetectionBatch(torch.zeros(0, kwargs.get("channels", 1), size, size), [], kinds)
    images = torch.stack([s.image for s in scenes])
    targets = [{"boxes": s.boxes.float(), "labels": remap[s.labels]} for s in scenes]
    from cvbook.runtime import record_data  # lazy: cvbook.runtime must not load with the data package

    record_data("procedural shape scenes (cvbook.data.shapes, detection view)")
    return DetectionBatch(images, targets, kinds)
