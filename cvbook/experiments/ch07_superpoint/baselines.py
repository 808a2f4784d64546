"""Classical corner detectors through OpenCV, scored like MagicPoint: points with scores.

Each returns :class:`cvbook.ops.Keypoints` (``(x, y)``, strongest first) from a grey image
``Tensor[1, H, W]`` or ``[H, W]`` in [0, 1]. To draw a precision-recall curve every detector
returns *all* its local maxima with a score (no fixed threshold): FAST with its corner response,
Harris with its response after 3x3 NMS, Shi-Tomasi with the minimum eigenvalue after 3x3 NMS.
Parameters follow the public SuperPoint reimplementation's evaluation (FAST threshold 10 on 8-bit
images, Harris block 3 / Sobel 3 / k = 0.04, Shi-Tomasi block 3).

Reference: Rosten and Drummond 2006 (FAST), Harris and Stephens 1988, Shi and Tomasi 1994; as used
in DeTone et al. 2018, "SuperPoint", Table 2.
Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
"""
from __future__ import annotations

import cv2
import numpy as np
import torch
from torch import Tensor

from cvbook.ops.keypoints import Keypoints, heatmap_nms

__all__ = ["BASELINES", "detect_fast", "detect_harris", "detect_shi_tomasi", "harris_response"]


def _u8(image: Tensor) -> np.ndarray:
    x = image.detach().cpu().float()
    x = x[0] if x.dim() == 3 else x
    return (x.clamp(0, 1) * 255).round().to(torch.uint8).numpy()


def _from_response(response: np.ndarray, nms_radius: int, border: int) -> Keypoints:
    r = torch.from_numpy(np.ascontiguousarray(response, dtype=np.float32))
    r = r - r.min() if float(r.min()) < 0 else r
    return heatmap_nms(r, threshold=1e-12, nms_radius=nms_radius, border=border)


def detect_fast(image: Tensor, threshold: int = 10, nms_radius: int = 1, border: int = 0) -> Keypoints:
    """FAST-9 corners (``cv2.FastFeatureDetector``, OpenCV's NMS) scored by their response."""
    det = cv2.FastFeatureDetector_create(threshold=threshold, nonmaxSuppression=True)
    kps = det.detect(_u8(image), None)
    h, w = _u8(image).shape
    heat = np.zeros((h, w), np.float32)
    for k in kps:
        x, y = int(round(k.pt[0])), int(round(k.pt[1]))
        heat[y, x] = max(heat[y, x], k.response)
    return _from_response(heat, nms_radius, border)


def harris_response(image: Tensor, block: int = 3, ksize: int = 3, k: float = 0.04) -> Tensor:
    """The positive part of the Harris response ``det M - k (tr M)^2`` (``cv2.cornerHarris``) of a grey
    image ``Tensor[1, H, W]`` or ``[H, W]`` in [0, 1] (quantised to 8 bits first); ``Tensor[H, W]`` float32.

    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    r = cv2.cornerHarris(_u8(image).astype(np.float32) / 255.0, block, ksize, k)
    return torch.from_numpy(np.maximum(r, 0).astype(np.float32))


def detect_harris(image: Tensor, block: int = 3, ksize: int = 3, k: float = 0.04, nms_radius: int = 1,
                  border: int = 0) -> Keypoints:
    """Harris corners (``cv2.cornerHarris``): positive responses after NMS."""
    return _from_response(harris_response(image, block, ksize, k).numpy(), nms_radius, border)


def detect_shi_tomasi(image: Tensor, block: int = 3, nms_radius: int = 1, border: int = 0,
                      max_corners: int = 0) -> Keypoints:
    """Shi-Tomasi corners (``cv2.goodFeaturesToTrack``'s minimum-eigenvalue score)."""
    u8 = _u8(image)
    pts = cv2.goodFeaturesToTrack(u8, maxCorners=max_corners, qualityLevel=1e-3, minDistance=nms_radius + 1,
                                  blockSize=block)
    eig = cv2.cornerMinEigenVal(u8.astype(np.float32) / 255.0, block)
    heat = np.zeros_like(eig)
    if pts is not None:
        for x, y in pts.reshape(-1, 2):
            heat[int(y), int(x)] = eig[int(y), int(x)]
    return _from_response(heat, nms_radius, border)


BASELINES = {"FAST": detect_fast, "Harris": detect_harris, "Shi-Tomasi": detect_shi_tomasi}
