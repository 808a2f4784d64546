"""Intra-class spread and inter-class separation of an embedding, in Euclidean and angular terms.

With class centres ``c_k`` (the mean feature of class ``k``):

- ``intra``: the mean distance of a feature to its own class centre, ``mean_i ||x_i - c_{y_i}||``;
- ``inter``: the mean over classes of the distance from a centre to the nearest other centre;
- ``ratio = intra / inter``: scale-free (a softmax embedding can grow its norms without changing it);
- ``intra_angle`` / ``inter_angle``: the same with the angle (degrees) between a feature and its centre's
  direction, and between centre directions: the geometry that angular-margin heads act on.

Reference: Y. Wen, K. Zhang, Z. Li and Y. Qiao, "A Discriminative Feature Learning Approach for Deep Face
Recognition", ECCV 2016 (intra-class compactness, inter-class separability; their Fig. 2-3 show them qualitatively).
Taught in: notebooks/08_papers/07_center_loss.ipynb
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_shape

__all__ = ["ClassSeparation", "class_separation"]


@dataclass(frozen=True)
class ClassSeparation:
    """``intra``, ``inter``, ``ratio`` (Euclidean) and ``intra_angle``, ``inter_angle`` (degrees); see the module."""

    intra: float
    inter: float
    ratio: float
    intra_angle: float
    inter_angle: float


def class_separation(features: Tensor, labels: Tensor) -> ClassSeparation:
    """Measure how compact the classes of an embedding are and how far apart their centres lie.

    Args:
        features: ``Tensor[N, D]``.
        labels: ``LongTensor[N]`` class indices; at least two distinct classes must occur.

    Returns:
        A :class:`ClassSeparation` (classes that do not occur are ignored).

    Raises:
        ValueError: shapes that disagree, non-integer labels, fewer than two classes, or two classes with the
        same centre (``inter == 0``: the ratio is undefined).

    Reference: Wen et al., ECCV 2016 (the quantities their center loss and softmax trade off).
    Taught in: notebooks/08_papers/07_center_loss.ipynb
    """
    n = check_shape(features, "N D", "features")["N"]
    if not features.is_floating_point():
        raise TypeError(f"features must be floating point, got {features.dtype}")
    if not isinstance(labels, Tensor) or labels.dim() != 1 or labels.is_floating_point() or labels.numel() != n:
        raise ValueError(f"labels must be an integer Tensor[{n}], got {getattr(labels, 'shape', type(labels))}")
    classes, y = torch.unique(labels, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"need at least two classes to measure a separation, got {len(classes)}")
    x = features.double()
    centres = torch.zeros(len(classes), x.shape[1], dtype=x.dtype).index_add_(0, y, x)
    centres /= torch.bincount(y, minlength=len(classes))[:, None]
    intra = (x - centres[y]).norm(dim=1).mean()
    d = torch.cdist(centres, centres)
    d.fill_diagonal_(math.inf)
    inter = d.min(1).values.mean()
    if not inter > 0:
        raise ValueError("two class centres coincide: the inter-class distance is 0 and the ratio undefined")
    u, cu = F.normalize(x, dim=1), F.normalize(centres, dim=1)
    intra_angle = torch.rad2deg(torch.acos((u * cu[y]).sum(1).clamp(-1, 1))).mean()
    a = torch.rad2deg(torch.acos((cu @ cu.T).clamp(-1, 1)))
    a.fill_diagonal_(math.inf)
    return ClassSeparation(float(intra), float(inter), float(intra / inter), float(intra_angle),
                           float(a.min(1).values.mean()))
