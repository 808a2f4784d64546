"""Matching and homography estimation on image pairs: SuperPoint (ours) against ORB (OpenCV), same pairs.

For each pair ``(I, H I)`` a method gives points and descriptors in both images; the descriptors are
matched by nearest neighbour with a mutual check (Euclidean for SuperPoint,
:func:`~cvbook.ops.matching.mutual_nearest_neighbours`; Hamming for ORB, ``cv2.BFMatcher(crossCheck=True)``),
and ``cv2.findHomography`` with RANSAC estimates ``H`` from the matches, for both methods alike. The
score is the corner error of :func:`~cvbook.metrics.keypoints.homography_corner_error` and the matching
precision (the matches that agree with the true ``H`` within ``eps`` px).

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 7.2-7.3 (Table 4); Rublee et al.
2011 (ORB).
Taught in: notebooks/07_superpoint/06_descriptors.ipynb
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from torch import Tensor, nn

from cvbook._checks import check_int, check_positive, check_shape
from cvbook.metrics.keypoints import homography_corner_error
from cvbook.ops.homography import warp_points
from cvbook.ops.keypoints import heatmap_nms, logits_to_heatmap
from cvbook.ops.matching import mutual_nearest_neighbours, sample_descriptors

__all__ = ["Matches", "matching_precision", "estimate_homography", "orb_matches", "superpoint_matches",
           "PairScore", "score_pair"]


@dataclass(frozen=True)
class Matches:
    """Matched points of a pair: ``points1``, ``points2`` ``Tensor[K, 2]`` float64 ``(x, y)``, row ``k`` of
    one matched to row ``k`` of the other; ``n_points``: the points detected in each image."""

    points1: Tensor
    points2: Tensor
    n_points: tuple[int, int]

    def __len__(self) -> int:
        return len(self.points1)


def matching_precision(matches: Matches, homography: Tensor, eps: float = 3.0) -> float:
    """The fraction of matches ``(p, q)`` with ``|H p - q| <= eps`` px (NaN when there are none).

    Args:
        matches: the matches.
        homography: ``Tensor[3, 3]`` true, from image 1 to image 2.
        eps: the distance in pixels.

    Returns:
        The precision in ``[0, 1]``.

    Raises:
        ValueError: a bad homography or eps.
    """
    check_shape(homography, "3 3", "homography")
    eps = check_positive(eps, "eps")
    if len(matches) == 0:
        return float("nan")
    d = torch.linalg.norm(warp_points(matches.points1.double(), homography.double()) - matches.points2.double(), dim=1)
    return float((d <= eps).double().mean())


def estimate_homography(matches: Matches, ransac_threshold: float = 3.0) -> Tensor | None:
    """``cv2.findHomography(points1, points2, cv2.RANSAC, ransac_threshold)``; ``None`` with fewer than
    4 matches or when OpenCV finds none.

    Args:
        matches: the matches.
        ransac_threshold: the RANSAC reprojection threshold in pixels.

    Returns:
        ``Tensor[3, 3]`` float64 from image 1 to image 2, or ``None``.
    """
    ransac_threshold = check_positive(ransac_threshold, "ransac_threshold")
    if len(matches) < 4:
        return None
    h, _ = cv2.findHomography(matches.points1.double().numpy(), matches.points2.double().numpy(), cv2.RANSAC,
                              ransac_threshold)
    return None if h is None else torch.from_numpy(h).double()


def _u8(image: Tensor) -> np.ndarray:
    x = image.detach().cpu().float()
    x = x[0] if x.dim() == 3 else x
    return (x.clamp(0, 1) * 255).round().to(torch.uint8).numpy()


def orb_matches(image1: Tensor, image2: Tensor, n_features: int = 100) -> Matches:
    """ORB points and descriptors (``cv2.ORB_create(nfeatures=n_features)``, OpenCV's defaults otherwise)
    on 8-bit versions of two grey images ``(1, H, W)`` in [0, 1], matched by Hamming distance with
    ``cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)``.

    Returns:
        The :class:`Matches`.
    """
    orb = cv2.ORB_create(nfeatures=check_int(n_features, "n_features", minimum=1))
    k1, d1 = orb.detectAndCompute(_u8(image1), None)
    k2, d2 = orb.detectAndCompute(_u8(image2), None)
    empty = torch.zeros(0, 2, dtype=torch.float64)
    if d1 is None or d2 is None or len(k1) == 0 or len(k2) == 0:
        return Matches(empty, empty, (len(k1), len(k2)))
    found = sorted(cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(d1, d2), key=lambda m: m.queryIdx)
    p1 = torch.tensor([k1[m.queryIdx].pt for m in found], dtype=torch.float64).view(-1, 2)
    p2 = torch.tensor([k2[m.trainIdx].pt for m in found], dtype=torch.float64).view(-1, 2)
    return Matches(p1, p2, (len(k1), len(k2)))


def superpoint_matches(model: nn.Module, image1: Tensor, image2: Tensor, top_k: int = 100, nms_radius: int = 4,
                       border: int = 8) -> Matches:
    """SuperPoint's points (the ``top_k`` strongest of the heat map after NMS) and their descriptors
    (:func:`~cvbook.ops.matching.sample_descriptors`), matched by mutual nearest neighbours.

    Args:
        model: a SuperPoint (``forward`` gives ``(logits, descriptors)``).
        image1, image2: ``(1, H, W)`` grey in [0, 1].
        top_k, nms_radius, border: the detection (as page 05).

    Returns:
        The :class:`Matches`.
    """
    with torch.no_grad():
        logits, desc = model(torch.stack([image1, image2]).float())
    heat = logits_to_heatmap(logits)
    pts = [heatmap_nms(heat[i], threshold=1e-8, nms_radius=nms_radius, border=border, top_k=top_k).points.double()
           for i in range(2)]
    ds = [sample_descriptors(desc[i], pts[i]) for i in range(2)]
    m = mutual_nearest_neighbours(ds[0], ds[1])
    return Matches(pts[0][m[:, 0]], pts[1][m[:, 1]], (len(pts[0]), len(pts[1])))


@dataclass(frozen=True)
class PairScore:
    """One method on one pair: ``corner_error`` (px, ``inf`` when no homography was found),
    ``precision`` (of the mutual matches, NaN without matches) and ``n_matches``."""

    corner_error: float
    precision: float
    n_matches: int


def score_pair(match: Callable[[Tensor, Tensor], Matches], image1: Tensor, image2: Tensor, homography: Tensor,
               eps: float = 3.0, ransac_threshold: float = 3.0) -> PairScore:
    """Match a pair with ``match``, estimate ``H`` by RANSAC, score it against the true ``homography``.

    Args:
        match: ``(image1, image2) -> Matches`` (:func:`orb_matches`, :func:`superpoint_matches`).
        image1, image2: ``(1, H, W)``.
        homography: ``Tensor[3, 3]`` true.
        eps: the matching-precision distance (px).
        ransac_threshold: RANSAC's threshold (px).

    Returns:
        The :class:`PairScore`.
    """
    m = match(image1, image2)
    size = tuple(image1.shape[-2:])
    err = homography_corner_error(estimate_homography(m, ransac_threshold), homography, size)
    return PairScore(corner_error=err, precision=matching_precision(m, homography, eps), n_matches=len(m))
