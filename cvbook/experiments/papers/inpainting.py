"""Inpainting comparison: synthetic stroke masks, our Navier-Stokes solver against OpenCV's two methods.

Reference: M. Bertalmio, A. L. Bertozzi and G. Sapiro, CVPR 2001 (``cv2.INPAINT_NS``); A. Telea, "An Image
Inpainting Technique Based on the Fast Marching Method", J. Graphics Tools 2004 (``cv2.INPAINT_TELEA``).
Taught in: notebooks/08_papers/04_inpainting.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch
from torch import Tensor

from cvbook._checks import as_generator, check_int
from cvbook.metrics import psnr, ssim
from cvbook.ops import navier_stokes_inpaint

__all__ = ["InpaintResult", "stroke_mask", "inpaint_all"]


@dataclass(frozen=True)
class InpaintResult:
    """One method on one image: ``method``, ``image`` (the result, like the input), ``psnr`` and ``ssim``
    (whole image, against the original) and ``hole_mae`` (mean absolute error inside the hole)."""

    method: str
    image: Tensor
    psnr: float
    ssim: float
    hole_mae: float


def stroke_mask(height: int, width: int, n_strokes: int = 8, thickness: int = 3,
                generator: torch.Generator | int | None = None) -> Tensor:
    """A ``BoolTensor[H, W]`` of ``n_strokes`` random straight strokes (True = missing), like scratches."""
    h, w = check_int(height, "height", minimum=1), check_int(width, "width", minimum=1)
    g = as_generator(generator)
    mask = np.zeros((h, w), np.uint8)
    for _ in range(check_int(n_strokes, "n_strokes", minimum=0)):
        x0, x1 = torch.randint(0, w, (2,), generator=g).tolist()
        y0, y1 = torch.randint(0, h, (2,), generator=g).tolist()
        cv2.line(mask, (x0, y0), (x1, y1), 1, check_int(thickness, "thickness", minimum=1))
    return torch.from_numpy(mask.astype(bool))


def inpaint_all(image: Tensor, mask: Tensor, radius: int = 3, **ns_kwargs) -> list[InpaintResult]:
    """Inpaint ``image`` (``(H, W)`` or ``(C, H, W)`` in ``[0, 1]``) with ours, ``INPAINT_NS`` and ``INPAINT_TELEA``.

    OpenCV works on ``uint8``: its input is ``round(255 x)`` and its output is divided by 255 (a
    quantisation of at most 1/510 per pixel, far below the errors compared here).
    """
    results = []
    ours = navier_stokes_inpaint(image, mask, **ns_kwargs)
    arr = image.detach().cpu().numpy()
    u8 = np.round(255 * (arr if arr.ndim == 2 else np.moveaxis(arr, 0, -1))).astype(np.uint8)
    m8 = mask.numpy().astype(np.uint8)
    outputs = {"ours (Navier-Stokes PDE)": ours}
    for name, flag in (("cv2 INPAINT_NS", cv2.INPAINT_NS), ("cv2 INPAINT_TELEA", cv2.INPAINT_TELEA)):
        out = cv2.inpaint(np.ascontiguousarray(u8), m8, radius, flag).astype(np.float64) / 255
        outputs[name] = torch.from_numpy(out if out.ndim == 2 else np.moveaxis(out, -1, 0).copy()).to(image.dtype)
    for name, out in outputs.items():
        err = (out.double() - image.double()).abs()
        hole_mae = float(err[..., mask].mean())
        results.append(InpaintResult(name, out, float(psnr(out, image)), float(ssim(out, image)), hole_mae))
    return results
