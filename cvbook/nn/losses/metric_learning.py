"""Metric-learning losses: triplets (all valid ones, batch-hard, batch-all), center loss, angular-margin heads.

Conventions: ``embeddings`` are ``Tensor[N, D]`` (one row per sample), ``labels`` are ``LongTensor[N]``;
distances are Euclidean (not squared), as in Hermans et al. A triplet ``(a, p, n)`` is *valid* when
``labels[a] == labels[p]``, ``a != p`` and ``labels[n] != labels[a]``; its hinge is
``max(0, d(a, p) - d(a, n) + margin)`` and it is *active* when the hinge is positive.

References: F. Schroff, D. Kalenichenko and J. Philbin, "FaceNet", CVPR 2015 (triplet loss);
A. Hermans, L. Beyer and B. Leibe, "In Defense of the Triplet Loss for Person Re-Identification", 2017
(batch-hard, batch-all); Y. Wen, K. Zhang, Z. Li and Y. Qiao, "A Discriminative Feature Learning Approach
for Deep Face Recognition", ECCV 2016 (center loss); H. Wang et al., "CosFace", CVPR 2018; J. Deng, J. Guo,
N. Xue and S. Zafeiriou, "ArcFace", CVPR 2019.
Taught in: notebooks/08_papers/02_triplet_mining.ipynb
"""
from __future__ import annotations

import abc
import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int, check_positive, check_shape, check_tensor

__all__ = [
    "pairwise_distances",
    "valid_triplets",
    "triplet_hinges",
    "batch_hard_triplet_loss",
    "batch_all_triplet_loss",
    "CenterLoss",
    "CosFaceHead",
    "ArcFaceHead",
]


def _check_labels(labels: object, n: int | None = None) -> Tensor:
    labels = check_tensor(labels, "labels")
    if labels.dim() != 1 or labels.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"labels must be an integer Tensor[N], got {labels.dtype} of shape {tuple(labels.shape)}")
    if n is not None and labels.numel() != n:
        raise ValueError(f"labels must have one entry per embedding ({n}), got {labels.numel()}")
    return labels.long()


def _check_embeddings(embeddings: object, labels: object) -> tuple[Tensor, Tensor]:
    n = check_shape(embeddings, "N D", "embeddings")["N"]
    if not embeddings.is_floating_point():
        raise TypeError(f"embeddings must be floating point, got {embeddings.dtype}")
    return embeddings, _check_labels(labels, n).to(embeddings.device)


def pairwise_distances(embeddings: Tensor) -> Tensor:
    """Euclidean distances between all rows, with a finite gradient on the diagonal.

    Args:
        embeddings: ``Tensor[N, D]``.

    Returns:
        ``Tensor[N, N]``, ``d[i, j] = ||e_i - e_j||_2`` (exactly 0 where ``i == j``).
    """
    check_shape(embeddings, "N D", "embeddings")
    sq = (embeddings[:, None, :] - embeddings[None, :, :]).pow(2).sum(-1)
    # sqrt has an infinite derivative at 0: take it only where the squared distance is positive
    positive = sq > 0
    return torch.where(positive, sq.clamp_min(torch.finfo(sq.dtype).tiny).sqrt(), torch.zeros_like(sq))


def valid_triplets(labels: Tensor) -> Tensor:
    """All valid (anchor, positive, negative) index triples of a batch, in lexicographic order.

    Args:
        labels: ``LongTensor[N]`` class labels.

    Returns:
        ``LongTensor[T, 3]`` with ``labels[a] == labels[p]``, ``a != p``, ``labels[n] != labels[a]``;
        ``T = sum_a (n_a - 1)(N - n_a)`` where ``n_a`` is the size of the anchor's class.
        Empty (``[0, 3]``) when no class has two samples or there is only one class.

    Raises:
        ValueError: ``labels`` is not a 1-D integer tensor.

    Reference: Schroff et al., CVPR 2015; Hermans et al., 2017 ("batch all").
    Taught in: notebooks/08_papers/02_triplet_mining.ipynb
    """
    labels = _check_labels(labels)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(labels.numel(), dtype=torch.bool, device=labels.device)
    ap = same & ~eye                                   # (a, p)
    an = ~same                                         # (a, n)
    mask = ap[:, :, None] & an[:, None, :]             # (a, p, n)
    return mask.nonzero().long()


def triplet_hinges(embeddings: Tensor, labels: Tensor, margin: float = 0.2) -> tuple[Tensor, Tensor]:
    """The hinge ``max(0, d(a, p) - d(a, n) + margin)`` of every valid triplet.

    Args:
        embeddings: ``Tensor[N, D]``.
        labels: ``LongTensor[N]``.
        margin: the margin, ``>= 0``.

    Returns:
        ``(hinges Tensor[T], triplets LongTensor[T, 3])``, triplets as :func:`valid_triplets` orders them.
    """
    embeddings, labels = _check_embeddings(embeddings, labels)
    margin = check_positive(margin, "margin", strict=False)
    trip = valid_triplets(labels)
    d = pairwise_distances(embeddings)
    a, p, n = trip.unbind(1)
    return F.relu(d[a, p] - d[a, n] + margin), trip


def batch_hard_triplet_loss(embeddings: Tensor, labels: Tensor, margin: float = 0.2) -> Tensor:
    """Batch-hard triplet loss: per anchor the farthest positive and the nearest negative, mean over anchors.

    ``L = 1/|A| sum_a max(0, max_p d(a, p) - min_n d(a, n) + margin)`` over the anchors ``A`` that have at
    least one positive and one negative in the batch (all ``P*K`` of a P×K batch with ``K >= 2``).

    Args:
        embeddings: ``Tensor[N, D]``.
        labels: ``LongTensor[N]``.
        margin: the margin ``m >= 0`` (Hermans et al. use 0.3 on re-ID features).

    Returns:
        A scalar tensor. When no anchor has both a positive and a negative it is ``0`` (still attached
        to the graph, so ``backward`` works), never NaN.

    Raises:
        ValueError: shapes that disagree, non-integer labels or a negative margin.

    Reference: Hermans, Beyer and Leibe, 2017, eq. (5) (hard margin version, not the soft-plus one).
    Taught in: notebooks/08_papers/02_triplet_mining.ipynb
    """
    embeddings, labels = _check_embeddings(embeddings, labels)
    margin = check_positive(margin, "margin", strict=False)
    d = pairwise_distances(embeddings)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(labels.numel(), dtype=torch.bool, device=labels.device)
    pos, neg = same & ~eye, ~same
    valid = pos.any(1) & neg.any(1)
    if not valid.any():
        return embeddings.sum() * 0.0
    hardest_pos = torch.where(pos, d, torch.full_like(d, -math.inf)).amax(1)
    hardest_neg = torch.where(neg, d, torch.full_like(d, math.inf)).amin(1)
    return F.relu(hardest_pos[valid] - hardest_neg[valid] + margin).mean()


def batch_all_triplet_loss(embeddings: Tensor, labels: Tensor, margin: float = 0.2, nonzero: bool = False) -> Tensor:
    """Batch-all triplet loss: the hinge averaged over every valid triplet of the batch.

    With ``nonzero=False`` the mean runs over all ``T`` valid triplets (most of which become inactive,
    hinge 0, as training goes on, so the loss and its gradient shrink). Hermans et al.'s "BA≠0" variant,
    ``nonzero=True``, divides by the number of *active* triplets instead, which keeps the gradient's
    scale while easy triplets pile up.

    Args:
        embeddings: ``Tensor[N, D]``.
        labels: ``LongTensor[N]``.
        margin: the margin ``m >= 0``.
        nonzero: average over the active triplets only.

    Returns:
        A scalar tensor; ``0`` (attached to the graph) when there is no valid (or, with ``nonzero``,
        no active) triplet.

    Raises:
        ValueError: shapes that disagree, non-integer labels or a negative margin.

    Reference: Hermans, Beyer and Leibe, 2017, Section 2 ("Batch All", "BA≠0").
    Taught in: notebooks/08_papers/02_triplet_mining.ipynb
    """
    hinges, _ = triplet_hinges(embeddings, labels, margin)
    count = int((hinges > 0).sum()) if nonzero else hinges.numel()
    if count == 0:
        return embeddings.sum() * 0.0
    return hinges.sum() / count


class CenterLoss(nn.Module):
    """Center loss: half the mean squared distance of each feature to its class centre.

    ``L_C = 1/(2N) sum_i ||x_i - c_{y_i}||^2``, with one learnable centre per class, ``Tensor[C, D]``.
    Used as ``CE + lambda * L_C``.

    Departs from Wen et al.: the paper updates the centres with its own rule (the mean of the batch's
    features of the class, with a rate alpha); here the centres are ordinary parameters moved by the
    optimiser's gradient of ``L_C`` (a common implementation; give them their own learning rate to
    mimic alpha). The paper's ``L_C`` sums over the batch; we average, so that lambda does not depend on
    the batch size.

    Args:
        num_classes: ``C >= 1``.
        feat_dim: ``D >= 1``.
        generator: for the centres' initialisation (standard normal).

    Reference: Wen, Zhang, Li and Qiao, ECCV 2016, eq. (2).
    Taught in: notebooks/08_papers/07_center_loss.ipynb
    """

    def __init__(self, num_classes: int, feat_dim: int, generator: torch.Generator | int | None = None) -> None:
        super().__init__()
        self.num_classes = check_int(num_classes, "num_classes", minimum=1)
        self.feat_dim = check_int(feat_dim, "feat_dim", minimum=1)
        self.centers = nn.Parameter(torch.randn(self.num_classes, self.feat_dim, generator=as_generator(generator)))

    def forward(self, features: Tensor, labels: Tensor) -> Tensor:
        """``features (N, D)``, ``labels LongTensor[N]`` -> scalar; ``0`` for an empty batch."""
        features, labels = _check_embeddings(features, labels)
        if features.shape[1] != self.feat_dim:
            raise ValueError(f"features must have {self.feat_dim} columns, got {features.shape[1]}")
        if labels.numel() and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f"labels must lie in [0, {self.num_classes}), got [{int(labels.min())}, {int(labels.max())}]")
        if features.shape[0] == 0:
            return features.sum() * 0.0 + self.centers.sum() * 0.0
        return 0.5 * (features - self.centers[labels]).pow(2).sum(1).mean()


class _MarginHead(nn.Module, metaclass=abc.ABCMeta):
    def __init__(self, in_features: int, num_classes: int, scale: float, margin: float,
                 generator: torch.Generator | int | None) -> None:
        super().__init__()
        self.in_features = check_int(in_features, "in_features", minimum=1)
        self.num_classes = check_int(num_classes, "num_classes", minimum=2)
        self.scale = check_positive(scale, "scale")
        self.margin = check_positive(margin, "margin", strict=False)
        w = torch.randn(self.num_classes, self.in_features, generator=as_generator(generator))
        self.weight = nn.Parameter(w / math.sqrt(self.in_features))

    def cosine(self, features: Tensor) -> Tensor:
        """``cos(theta) = <x/|x|, w_j/|w_j|>``: ``(N, in_features) -> (N, num_classes)``."""
        check_shape(features, "N D", "features")
        if features.shape[1] != self.in_features:
            raise ValueError(f"features must have {self.in_features} columns, got {features.shape[1]}")
        return F.linear(F.normalize(features, dim=1), F.normalize(self.weight, dim=1))

    @abc.abstractmethod
    def _target_logit(self, cos_target: Tensor) -> Tensor:
        """The target class's logit before scaling, from its cosine (each head's margin)."""

    def forward(self, features: Tensor, labels: Tensor | None = None) -> Tensor:
        """Scaled logits ``(N, num_classes)``; with ``labels`` the margin is applied to the true class
        (training); without, the plain scaled cosines (evaluation)."""
        cos = self.cosine(features)
        if labels is None:
            return self.scale * cos
        labels = _check_labels(labels, cos.shape[0]).to(cos.device)
        target = cos.gather(1, labels[:, None])
        cos = cos.scatter(1, labels[:, None], self._target_logit(target))
        return self.scale * cos


class CosFaceHead(_MarginHead):
    """CosFace (large margin cosine) head: the true class's logit is ``s (cos(theta_y) - m)``.

    Args:
        in_features, num_classes: sizes of the linear map (no bias: weights and features are normalised).
        scale: ``s > 0`` (the paper uses 64 on faces; small 2-D toy problems need ~10).
        margin: ``m >= 0`` (paper 0.35).
        generator: for the weights' initialisation.

    Reference: Wang et al., "CosFace", CVPR 2018, eq. (4).
    Taught in: notebooks/08_papers/07_center_loss.ipynb
    """

    def __init__(self, in_features: int, num_classes: int, scale: float = 16.0, margin: float = 0.35,
                 generator: torch.Generator | int | None = None) -> None:
        super().__init__(in_features, num_classes, scale, margin, generator)

    def _target_logit(self, cos_target: Tensor) -> Tensor:
        return cos_target - self.margin


class ArcFaceHead(_MarginHead):
    """ArcFace (additive angular margin) head: the true class's logit is ``s cos(theta_y + m)``.

    Where ``theta_y + m > pi`` the cosine would increase again with theta; there (as in the authors'
    code, not in the paper's equation) the logit continues linearly as ``cos(theta_y) - m sin(m)``,
    which keeps it monotone in theta.

    Args:
        in_features, num_classes: sizes of the linear map.
        scale: ``s > 0`` (paper 64).
        margin: ``m`` in radians, ``0 <= m < pi/2`` (paper 0.5).
        generator: for the weights' initialisation.

    Reference: Deng, Guo, Xue and Zafeiriou, "ArcFace", CVPR 2019, eq. (3).
    Taught in: notebooks/08_papers/07_center_loss.ipynb
    """

    def __init__(self, in_features: int, num_classes: int, scale: float = 16.0, margin: float = 0.5,
                 generator: torch.Generator | int | None = None) -> None:
        super().__init__(in_features, num_classes, scale, margin, generator)
        if self.margin >= math.pi / 2:
            raise ValueError(f"margin must be < pi/2 radians, got {margin}")

    def _target_logit(self, cos_target: Tensor) -> Tensor:
        m = self.margin
        cos_t = cos_target.clamp(-1.0, 1.0)
        sin_t = (1.0 - cos_t.pow(2)).clamp_min(torch.finfo(cos_t.dtype).eps).sqrt()
        phi = cos_t * math.cos(m) - sin_t * math.sin(m)          # cos(theta + m)
        # theta + m > pi  <=>  cos(theta) < cos(pi - m): continue linearly (authors' code)
        return torch.where(cos_t > math.cos(math.pi - m), phi, cos_t - math.sin(math.pi - m) * m)
