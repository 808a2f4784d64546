"""A procedural image-classification set: one SuperPoint primitive per image, with nuisances.

Each image shows one large shape of ``SHAPE_CLASSES`` at a random position, scale, rotation and
colour, on a smooth random background, with up to two small distractor shapes behind it and one in
front, and Gaussian pixel noise of a random level. Pixel templates do not transfer between
positions, rotations and colours, so the set is an offline stand-in for CIFAR-10.

Shapes come from the package's one primitive sampler (:func:`cvbook.data.shapes.sampling.random_shape`)
and one rasteriser (:func:`cvbook.data.shapes.scene.render_shapes`), as the scenes of chapters 5-7
do; all randomness comes from one ``torch.Generator``.

Reference: the primitives follow DeTone et al. 2018 (SuperPoint, Synthetic Shapes); SuperPoint
renders scenes for interest points, not a classification set: the nuisances here are ours.
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes' primitives; the classification set is the offline stand-in of small_benchmark)
"""
from __future__ import annotations

import torch
from torch import Tensor
from torch.utils.data import TensorDataset

from cvbook.data.shapes._checks import check_channels, check_count, check_size, make_rng
from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.sampling import random_shape, smooth_background
from cvbook.data.shapes.scene import render_shapes

__all__ = ["make_shapes_classification", "render_classification_batch"]

_MAIN_RADIUS = (0.25, 0.42)  # of the image side: the labelled shape dominates the image
_DISTRACTOR_RADIUS = (0.06, 0.12)  # small enough never to be mistaken for the labelled shape


def make_shapes_classification(
    n: int,
    size: int = 32,
    seed: int | torch.Generator = 0,
    channels: int = 3,
    *,
    supersample: int = 2,
    chunk: int = 256,
) -> TensorDataset:
    """``n`` labelled images of SuperPoint-style shapes, as a ``TensorDataset(images, labels)``.

    - ``images``: ``Tensor[n, channels, size, size]`` float32 in ``[0, 1]``;
    - ``labels``: ``Tensor[n]`` int64, indices into ``SHAPE_CLASSES`` (8 classes). Classes are
      balanced: every class occurs ``n // 8`` or ``n // 8 + 1`` times, in a random order.

    ``seed`` is a non-negative int or a CPU ``torch.Generator`` (which is advanced); the same seed
    gives the same data set. ``supersample`` is the anti-aliasing factor per axis; ``chunk`` the
    number of images rendered per call of :func:`render_classification_batch`.

    Raises:
        ValueError / TypeError: on a negative or non-integer ``n``, a non-square ``size``, or
        ``channels`` other than 1 or 3.

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes (the primitives).
    Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes' primitives; the classification set is the offline stand-in of small_benchmark)
    """
    n = check_count(n, "n", minimum=0)
    height, width = check_size(size)
    if height != width:
        raise ValueError(f"size must be square for classification, got {size!r}")
    channels = check_channels(channels)
    supersample = check_count(supersample, "supersample", minimum=1)
    chunk = check_count(chunk, "chunk", minimum=1)
    g = make_rng(seed)
    labels = (torch.arange(n) % len(SHAPE_CLASSES))[torch.randperm(n, generator=g)]
    images = torch.empty(n, channels, height, height)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        images[start:stop] = render_classification_batch(labels[start:stop], height, channels, g, supersample)
    from cvbook.runtime import record_data  # lazy: cvbook.runtime must not load with the data package

    record_data("procedural shape scenes (cvbook.data.shapes, classification view)")
    return TensorDataset(images, labels)


def render_classification_batch(
    labels: Tensor, size: int, channels: int, generator: torch.Generator, supersample: int = 2
) -> Tensor:
    """Render one image per label: ``labels`` ``Tensor[B]`` int64 -> ``Tensor[B, channels, size, size]``.

    The batch step of :func:`make_shapes_classification` (which validates the arguments). Per
    image: a smooth background, 0-2 small distractors, the labelled shape (radius 25-42 % of the
    side, centre at least 25 % of the side from the border), 0-1 distractor in front, then
    Gaussian noise with a standard deviation uniform in [0, 0.08]. Draws from ``generator`` only.

    Reference: DeTone et al. 2018, "SuperPoint", Synthetic Shapes (the primitives).
    Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes' primitives; the classification set is the offline stand-in of small_benchmark)
    """
    g = generator
    out = torch.empty(labels.shape[0], channels, size, size)
    for i, label in enumerate(labels.tolist()):
        background = smooth_background(size, size, channels, g)
        base = background.mean(dim=(1, 2))
        n_back, n_front = torch.randint(3, (1,), generator=g).item(), torch.randint(2, (1,), generator=g).item()
        kinds = torch.randint(len(SHAPE_CLASSES), (n_back + n_front,), generator=g).tolist()
        small = [random_shape(SHAPE_CLASSES[k], size, size, g, base, radius=_DISTRACTOR_RADIUS, margin=0.05)
                 for k in kinds]
        main = random_shape(SHAPE_CLASSES[label], size, size, g, base, radius=_MAIN_RADIUS, margin=0.25)
        shapes = small[:n_back] + [main] + small[n_back:]
        image = render_shapes(shapes, size, background=background, channels=channels, supersample=supersample).image
        sigma = 0.08 * torch.rand((), generator=g)
        out[i] = (image + sigma * torch.randn(image.shape, generator=g)).clamp_(0.0, 1.0)
    return out
