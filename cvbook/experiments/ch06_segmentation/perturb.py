"""Label perturbations of equal pixel count: thin boundary errors against large area errors.

Taught in: notebooks/06_segmentation/06_boundaries_vs_areas.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook._checks import check_int
from cvbook.ops import dilate, erode

__all__ = ["perturb_boundary", "flip_area"]


def _check_maps(sem: Tensor, inst: Tensor) -> None:
    if sem.ndim != 2 or sem.shape != inst.shape:
        raise ValueError(f"sem and inst must be (H, W) maps of the same shape, got {tuple(sem.shape)} "
                         f"and {tuple(inst.shape)}")
    if sem.dtype.is_floating_point or inst.dtype.is_floating_point:
        raise TypeError(f"sem and inst must be integer label maps, got {sem.dtype} and {inst.dtype}")


def perturb_boundary(sem: Tensor, inst: Tensor, k: int, mode: str) -> Tensor:
    """Dilate (the class spills out) or erode (the rim becomes background) every object by ``k`` pixels.

    Args:
        sem: ``(H, W)`` class map, 0 = background. inst: ``(H, W)`` instance map, 0 = none, objects 1..n.
        k: half-size of the ``(2k+1) x (2k+1)`` square structuring element, ``k >= 1``.
        mode: ``"dilate"`` or ``"erode"``. Objects are dilated in instance order, so a later object's
            spill overwrites an earlier one where two spills meet.

    Returns:
        The perturbed ``(H, W)`` class map (a new tensor).

    Raises:
        ValueError: on maps of different shapes, ``k < 1`` or an unknown ``mode``.
    """
    _check_maps(sem, inst)
    k = check_int(k, "k", minimum=1)
    if mode not in ("dilate", "erode"):
        raise ValueError(f"mode must be 'dilate' or 'erode', got {mode!r}")
    out = sem.clone()
    for n in range(1, int(inst.max()) + 1 if inst.numel() else 1):
        mask = inst == n
        if not mask.any():
            continue
        if mode == "dilate":
            out[dilate(mask, k)] = sem[mask][0]
        else:
            out[mask & ~erode(mask, k)] = 0
    return out


def flip_area(sem: Tensor, inst: Tensor, n_px: int, num_classes: int) -> Tensor:
    """Flip ``n_px`` object pixels to another foreground class: whole objects, largest first.

    The last object touched is flipped only partly, its pixels nearest its centre first. The new class
    of an object of class ``c`` is ``c % (num_classes - 1) + 1``, the next foreground class.

    Args:
        sem, inst: as in :func:`perturb_boundary`. n_px: pixels to flip, ``>= 0``; fewer are flipped when
            the objects hold fewer. num_classes: classes including background, ``>= 3`` (two foreground
            classes at least, or there is no other class to flip to).

    Returns:
        The perturbed ``(H, W)`` class map (a new tensor).
    """
    _check_maps(sem, inst)
    n_px = check_int(n_px, "n_px", minimum=0)
    num_classes = check_int(num_classes, "num_classes", minimum=3)
    out = sem.clone()
    if inst.numel() == 0:
        return out
    counts = torch.bincount(inst.flatten(), minlength=int(inst.max()) + 1)
    counts[0] = 0
    left = n_px
    for n in counts.argsort(descending=True).tolist():
        if left == 0 or counts[n] == 0:
            break
        ys, xs = (inst == n).nonzero(as_tuple=True)
        order = ((ys - ys.float().mean()) ** 2 + (xs - xs.float().mean()) ** 2).argsort()[:left]
        out[ys[order], xs[order]] = int(sem[ys[0], xs[0]]) % (num_classes - 1) + 1
        left -= len(order)
    return out
