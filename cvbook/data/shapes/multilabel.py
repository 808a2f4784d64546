"""Multi-label view of the procedural scenes: each image's target is the *set* of shape classes in it.

The scenes are those of :func:`~cvbook.data.shapes.make_detection_batch` (several shapes per image,
later shapes occluding earlier ones); the target forgets where the shapes are and how many of a
class there are, and keeps a multi-hot vector: ``targets[i, k] = 1`` when at least one shape of
``classes[k]`` is visible in image ``i`` (a shape hidden entirely behind others is not in the scene's
labels, so it is not in the target either).

Reference: DeTone et al. 2018, "SuperPoint" (Synthetic Shapes), used here as a multi-label set;
the multi-hot formulation as in Tsoumakas and Katakis 2007, "Multi-Label Classification: An Overview".
Taught in: notebooks/03_optimization/13_multilabel.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.utils.data import TensorDataset

from cvbook.data.shapes._checks import check_count
from cvbook.data.shapes.detection import DETECTION_KINDS, make_detection_batch

__all__ = ["MultilabelSet", "make_multilabel_set", "multi_hot"]


@dataclass(frozen=True)
class MultilabelSet:
    """``images`` ``(B, C, H, W)`` float32 in [0, 1]; ``targets`` ``(B, K)`` float32 multi-hot (0 or 1);
    ``classes``: the ``K`` class names, in target order."""

    images: Tensor
    targets: Tensor
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return self.images.shape[0]

    def dataset(self) -> TensorDataset:
        """``TensorDataset(images, targets)`` for a ``DataLoader``."""
        return TensorDataset(self.images, self.targets)

    @property
    def labels_per_image(self) -> Tensor:
        """``Tensor[B]`` int64: how many classes each image contains (``targets.sum(1)``)."""
        return self.targets.sum(1).long()


def multi_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Multi-hot ``Tensor[num_classes]`` float32 from class indices ``Tensor[N]`` (repeats count once).

    Raises:
        ValueError: ``labels`` not 1-D integers in ``0 .. num_classes - 1``, or ``num_classes < 1``.
    """
    num_classes = check_count(num_classes, "num_classes", minimum=1)
    if not isinstance(labels, Tensor) or labels.dim() != 1 or labels.is_floating_point():
        raise ValueError(f"labels must be a 1-D integer Tensor, got {getattr(labels, 'shape', type(labels))}")
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in 0 .. {num_classes - 1}, got {labels.tolist()}")
    out = torch.zeros(num_classes)
    out[labels.long()] = 1.0
    return out


def make_multilabel_set(n: int, size: int = 32, kinds: Sequence[str] = DETECTION_KINDS,
                        n_objects: int | tuple[int, int] = (1, 3), seed: int | torch.Generator = 0,
                        noise: float = 0.02, supersample: int = 2, **kwargs) -> MultilabelSet:
    """``n`` random scenes of ``kinds`` with multi-hot targets: the classes visible in each image.

    Args:
        n: number of images. size: side in pixels. kinds: the classes (names of ``SHAPE_CLASSES``),
            in target order. n_objects: shapes per scene, a count or an inclusive range (the kinds
            are drawn with replacement, so a scene of 3 shapes may hold 1, 2 or 3 classes).
        seed: int or CPU ``torch.Generator`` (advanced); the same seed gives the same set.
        noise: pixel noise std. supersample: anti-aliasing samples per axis.
        kwargs: passed on to :func:`cvbook.data.shapes.render_scene` (``blur``, ``channels``).

    Returns:
        :class:`MultilabelSet`, images ``(n, C, size, size)``, targets ``(n, len(kinds))``.

    Raises:
        ValueError: unknown kinds, ``n < 0`` (and whatever ``render_scene`` refuses).

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes.
    Taught in: notebooks/03_optimization/13_multilabel.ipynb
    """
    batch = make_detection_batch(n, size, kinds=kinds, n_objects=n_objects, seed=seed, noise=noise,
                                 supersample=supersample, **kwargs)
    k = len(batch.classes)
    targets = (torch.stack([multi_hot(t["labels"], k) for t in batch.targets]) if len(batch)
               else torch.zeros(0, k))
    from cvbook.runtime import record_data  # lazy: cvbook.runtime must not load with the data package

    record_data("procedural shape scenes (cvbook.data.shapes, multi-label view)")
    return MultilabelSet(batch.images, targets, batch.classes)
