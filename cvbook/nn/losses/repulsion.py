"""Repulsion losses for crowds: RepGT (with IoG) and RepBox, on Smooth_ln.

The repulsion loss of Wang et al. adds two terms to a box regressor's attraction loss
``L_Attr`` (smooth L1 towards the proposal's target ``G_Attr``):

- **RepGT** pushes each predicted box ``B^P`` away from ``G_Rep^P``, the ground-truth box other
  than its target that overlaps the proposal ``P`` most:
  ``L_RepGT = sum_P Smooth_ln(IoG(B^P, G_Rep^P)) / |P+|``;
- **RepBox** pushes predicted boxes of proposals with different targets apart:
  ``L_RepBox = sum_{i != j} Smooth_ln(IoU(B^i, B^j)) / sum_{i != j} 1[IoU(B^i, B^j) > 0]``;

with ``Smooth_ln(x) = -ln(1 - x)`` for ``x <= σ`` and ``(x - σ) / (1 - σ) - ln(1 - σ)`` above.
The total is ``L_Attr + α L_RepGT + β L_RepBox``.

Boxes are ``Tensor[N, 4]`` xyxy pixels (x to the right, y down).

Reference: Wang, Xiao, Jiang, Shao, Sun, Shen 2018, "Repulsion Loss: Detecting Pedestrians in a
Crowd", Sec. 3, Eqs. (1)-(6).
Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor

from cvbook._checks import check_shape, check_tensor
from cvbook.ops.boxes import box_iog, box_iou

__all__ = ["smooth_ln", "repulsion_targets", "rep_gt_loss", "rep_box_loss"]

_REDUCTIONS = ("none", "mean", "sum")


def _check_sigma(sigma: float) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not 0.0 <= float(sigma) < 1.0:
        raise ValueError(f"sigma must be a number in [0, 1), got {sigma!r}")
    return float(sigma)


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def smooth_ln(x: Tensor, sigma: float = 0.5) -> Tensor:
    """The repulsion loss's Smooth_ln, element-wise: ``-ln(1 - x)`` up to ``σ``, then linear.

    The two pieces meet at ``x = σ`` with equal value and slope ``1 / (1 - σ)``, so the loss is
    finite on all of ``[0, 1]`` (an overlap of 1 costs ``1 - ln(1 - σ)``); smaller ``σ`` means a
    gentler penalty on large overlaps (less sensitive to outliers), ``σ -> 1`` approaches ``-ln(1 - x)``.

    Args:
        x: any shape, values in ``[0, 1]`` (an IoG or IoU).
        sigma: the smoothing parameter, ``0 <= σ < 1``.

    Returns:
        A tensor of ``x``'s shape, ``>= 0``, 0 where ``x = 0``.

    Raises:
        ValueError: ``σ`` outside ``[0, 1)``; values of ``x`` outside ``[0, 1]``.
        TypeError: ``x`` not a tensor.

    Reference: Wang et al. 2018, "Repulsion Loss", Eq. (5).
    Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
    """
    x = check_tensor(x, "x")
    sigma = _check_sigma(sigma)
    if x.numel() and (bool((x < 0).any()) or bool((x > 1).any()) or bool(torch.isnan(x).any())):
        raise ValueError("x must lie in [0, 1] (an overlap ratio)")
    low = -torch.log1p(-torch.clamp(x, max=sigma))  # safe on both branches: 1 - min(x, σ) >= 1 - σ > 0
    high = (x - sigma) / (1.0 - sigma) - torch.log1p(torch.tensor(-sigma, dtype=x.dtype, device=x.device))
    return torch.where(x <= sigma, low, high)


def repulsion_targets(proposals: Tensor, gt_boxes: Tensor, attr_index: Tensor) -> Tensor:
    """``G_Rep`` of each proposal: the index of the ground truth, other than its target, with the
    largest IoU with the proposal; -1 where no other ground truth overlaps it.

    Args:
        proposals: ``Tensor[N, 4]`` xyxy (the proposals ``P``, not the predicted boxes).
        gt_boxes: ``Tensor[M, 4]`` xyxy, the ground truth of the proposals' image.
        attr_index: ``Tensor[N]`` int64 in ``[0, M)``, each proposal's target ``G_Attr``.

    Returns:
        ``Tensor[N]`` int64 in ``[-1, M)``, never equal to ``attr_index``.

    Raises:
        ValueError: wrong shapes, ``attr_index`` out of range or of a non-integer dtype.

    Reference: Wang et al. 2018, "Repulsion Loss", Eq. (3) (``G_Rep = argmax_{G != G_Attr} IoU(G, P)``).
    Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
    """
    n = check_shape(proposals, "N 4", "proposals")["N"]
    m = check_shape(gt_boxes, "M 4", "gt_boxes")["M"]
    attr_index = check_tensor(attr_index, "attr_index")
    if attr_index.shape != (n,) or attr_index.is_floating_point() or attr_index.dtype == torch.bool:
        raise ValueError(f"attr_index must be an integer Tensor[{n}], got {attr_index.dtype} {tuple(attr_index.shape)}")
    if n and (bool((attr_index < 0).any()) or bool((attr_index >= m).any())):
        raise ValueError(f"attr_index must lie in [0, {m}) (one target per proposal)")
    if n == 0 or m < 2:
        return torch.full((n,), -1, dtype=torch.long, device=proposals.device)
    iou = box_iou(proposals, gt_boxes)
    iou = iou.scatter(1, attr_index.long()[:, None], -1.0)  # exclude the target
    best, idx = iou.max(dim=1)
    # departure: the paper's argmax is undefined when no other box overlaps the proposal (all IoU 0);
    # then there is nothing to repel from and the proposal gets -1 (no RepGT term)
    return torch.where(best > 0, idx, torch.full_like(idx, -1))


def rep_gt_loss(pred_boxes: Tensor, gt_boxes: Tensor, rep_index: Tensor, sigma: float = 0.5,
                reduction: str = "mean") -> Tensor:
    """RepGT: ``Smooth_ln(IoG(B^P, G_Rep^P))`` per positive proposal, averaged over all positives.

    IoG, not IoU: with IoU a box could lower its loss by growing (notes 002 l.159).

    Args:
        pred_boxes: ``Tensor[N, 4]`` xyxy, the regressed boxes ``B^P`` of the N positive proposals.
        gt_boxes: ``Tensor[M, 4]`` xyxy ground truth.
        rep_index: ``Tensor[N]`` int64 in ``[-1, M)`` from :func:`repulsion_targets`; -1 adds 0.
        sigma: Smooth_ln's ``σ`` in ``[0, 1)``.
        reduction: ``"none"`` (``Tensor[N]``), ``"mean"`` (over all N positives, as the paper's
            ``/ |P+|``; 0 for N = 0) or ``"sum"``.

    Returns:
        The loss, a scalar or ``Tensor[N]``.

    Raises:
        ValueError: wrong shapes, indices out of range, bad ``sigma`` or ``reduction``.

    Reference: Wang et al. 2018, "Repulsion Loss", Eq. (4).
    Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
    """
    n = check_shape(pred_boxes, "N 4", "pred_boxes")["N"]
    m = check_shape(gt_boxes, "M 4", "gt_boxes")["M"]
    rep_index = check_tensor(rep_index, "rep_index")
    sigma, reduction = _check_sigma(sigma), _check_reduction(reduction)
    if rep_index.shape != (n,) or rep_index.is_floating_point() or rep_index.dtype == torch.bool:
        raise ValueError(f"rep_index must be an integer Tensor[{n}], got {rep_index.dtype} {tuple(rep_index.shape)}")
    if n and (bool((rep_index < -1).any()) or bool((rep_index >= m).any())):
        raise ValueError(f"rep_index must lie in [-1, {m})")
    has = rep_index >= 0
    per = pred_boxes.new_zeros(n) if pred_boxes.is_floating_point() else torch.zeros(n)
    if bool(has.any()):
        sel = torch.nonzero(has)[:, 0]
        iog = box_iog(pred_boxes[sel], gt_boxes[rep_index[sel]]).diagonal()
        per = per.index_put((sel,), smooth_ln(iog.clamp(0.0, 1.0), sigma))
    else:
        per = per + 0.0 * pred_boxes.sum()  # keep the graph: a zero loss with a zero gradient
    if reduction == "none":
        return per
    if reduction == "sum":
        return per.sum()
    return per.sum() / max(n, 1)


def rep_box_loss(pred_boxes: Tensor, attr_index: Tensor, image_index: Tensor | None = None,
                 sigma: float = 0.0) -> Tensor:
    """RepBox: ``Smooth_ln(IoU)`` summed over pairs of predicted boxes with different targets,
    divided by the number of such pairs that overlap at all.

    Args:
        pred_boxes: ``Tensor[N, 4]`` xyxy regressed boxes.
        attr_index: ``Tensor[N]`` int64, each box's target (boxes with equal ids are not paired).
        image_index: optional ``Tensor[N]`` int64; only boxes of the same image are paired.
        sigma: Smooth_ln's ``σ`` in ``[0, 1)``.

    Returns:
        A scalar ``>= 0``; 0 when no pair overlaps (the paper's ``ε`` in the denominator replaced by
        this rule, so there is no division by zero).

    Raises:
        ValueError: wrong shapes, bad ``sigma``.

    Reference: Wang et al. 2018, "Repulsion Loss", Eq. (6).
    Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
    """
    n = check_shape(pred_boxes, "N 4", "pred_boxes")["N"]
    sigma = _check_sigma(sigma)
    attr_index = check_tensor(attr_index, "attr_index")
    if attr_index.shape != (n,):
        raise ValueError(f"attr_index must be Tensor[{n}], got {tuple(attr_index.shape)}")
    if image_index is not None:
        image_index = check_tensor(image_index, "image_index")
        if image_index.shape != (n,):
            raise ValueError(f"image_index must be Tensor[{n}], got {tuple(image_index.shape)}")
    if n < 2:
        return 0.0 * pred_boxes.sum() if pred_boxes.is_floating_point() else torch.zeros(())
    iou = box_iou(pred_boxes, pred_boxes)
    pair = attr_index[:, None] != attr_index[None, :]
    if image_index is not None:
        pair &= image_index[:, None] == image_index[None, :]
    pair = torch.triu(pair, diagonal=1)  # each unordered pair once: the ratio is that of Eq. (6)
    overlapping = pair & (iou > 0)
    count = int(overlapping.sum())
    if count == 0:
        return 0.0 * pred_boxes.sum()
    return smooth_ln(iou[overlapping].clamp(0.0, 1.0), sigma).sum() / count
