"""The DIoU paper's simulation: IoU, GIoU, DIoU and CIoU losses driving boxes to their targets by gradient descent.

Cases: anchor centres uniform in a disc of radius 3 around (10, 10); 7 targets at (10, 10), area 1,
aspect ratios 1:4, 1:3, 1:2, 1:1, 2:1, 3:1, 4:1; 7 anchor areas (0.5, 0.67, 0.75, 1, 1.33, 1.5, 2
times the target's) by the same 7 aspect ratios: 343 cases per centre, 1,715,000 for 5,000 centres.
Each of 200 steps moves the box's (x, y, w, h) by ``-lr * (2 - IoU) * dL/d(x, y, w, h)``, with lr 0.1
for steps 1-160, 0.01 for 161-180 and 0.001 for 181-200; the error of a step is the L1 distance
``|x - x_gt| + |y - y_gt| + |w - w_gt| + |h - h_gt|`` summed over all cases.

Reference: Zheng et al. 2020, "Distance-IoU Loss", Sec. 3.1 and Algorithm 1 (the simulation), and
the authors' MATLAB code (github.com/Zzh-tju/DIoU, "simulation experiment/test_1715k.m").
Taught in: notebooks/05_detection/01_iou_family.ipynb
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
import math

import torch
from torch import Tensor

from cvbook._checks import as_generator, check_int
from cvbook.ops.boxes import box_convert

__all__ = ["ASPECT_RATIOS", "AREA_SCALES", "SCHEDULE", "regression_cases", "simulate", "Simulation"]

#: (w, h) of the 7 unit-area shapes: w / h = 1/4, 1/3, 1/2, 1, 2, 3, 4 (the MATLAB code's list)
ASPECT_RATIOS: tuple[tuple[float, float], ...] = (
    (0.5, 2.0), (math.sqrt(3) / 3, math.sqrt(3)), (math.sqrt(2) / 2, math.sqrt(2)), (1.0, 1.0),
    (math.sqrt(2), math.sqrt(2) / 2), (math.sqrt(3), math.sqrt(3) / 3), (2.0, 0.5))
#: anchor area / target area
AREA_SCALES: tuple[float, ...] = (0.5, 0.67, 0.75, 1.0, 1.33, 1.5, 2.0)
#: (number of steps, learning rate)
SCHEDULE: tuple[tuple[int, float], ...] = ((160, 0.1), (20, 0.01), (20, 0.001))


def regression_cases(n_centres: int = 5000, generator: torch.Generator | int | None = None,
                     dtype: torch.dtype = torch.float64) -> tuple[Tensor, Tensor]:
    """Anchors and targets of the simulation, as ``(cx, cy, w, h)``: two ``Tensor[n_centres * 343, 4]``.

    Centres are ``(10, 10) + 3 sqrt(u) (cos t, sin t)``, uniform in the disc. Ordering: centre, then
    target ratio, then anchor area, then anchor ratio (the MATLAB loops' order).

    Raises:
        ValueError: ``n_centres < 1``.
    """
    n = check_int(n_centres, "n_centres", minimum=1)
    g = as_generator(generator)
    r = 3 * torch.sqrt(torch.rand(n, generator=g, dtype=dtype))
    theta = 2 * math.pi * torch.rand(n, generator=g, dtype=dtype)
    centres = torch.stack([10 + r * torch.cos(theta), 10 + r * torch.sin(theta)], dim=1)  # (n, 2)
    shapes = torch.tensor(ASPECT_RATIOS, dtype=dtype)  # (7, 2), area 1
    scales = torch.tensor(AREA_SCALES, dtype=dtype).sqrt()  # side scale of each area
    k = len(shapes)
    tgt_wh = shapes[:, None, None, :].expand(k, len(scales), k, 2)  # target ratio, area, anchor ratio
    anc_wh = shapes[None, None, :, :] * scales[None, :, None, None] * tgt_wh.prod(-1, keepdim=True).sqrt()
    per = k * len(scales) * k
    tgt = torch.cat([torch.full((n, per, 2), 10.0, dtype=dtype), tgt_wh.reshape(1, per, 2).expand(n, per, 2)], -1)
    anc = torch.cat([centres[:, None, :].expand(n, per, 2), anc_wh.reshape(1, per, 2).expand(n, per, 2)], -1)
    return anc.reshape(-1, 4).clone(), tgt.reshape(-1, 4).clone()


@dataclass(frozen=True)
class Simulation:
    """``error`` ``Tensor[steps]``: the summed L1 error after each step; ``final``: per-case L1 error
    after the last step ``Tensor[M]``; ``boxes``: the final ``(cx, cy, w, h)``."""

    error: Tensor
    final: Tensor
    boxes: Tensor


def simulate(loss_fn: Callable[..., Tensor], anchors: Tensor, targets: Tensor,
             schedule: Sequence[tuple[int, float]] = SCHEDULE, chunk: int = 400_000) -> Simulation:
    """Run the regression of every case with one loss.

    Args:
        loss_fn: element-wise loss on xyxy boxes, ``loss_fn(pred, target, reduction="none")``
            (``cvbook.ops.iou_loss``, ``generalized_box_iou_loss``, ...).
        anchors, targets: ``Tensor[M, 4]`` ``(cx, cy, w, h)`` from :func:`regression_cases`.
        schedule: ``(steps, lr)`` pairs. chunk: cases per autograd call (memory only; the cases are independent).

    Returns:
        :class:`Simulation`.

    Reference: Zheng et al. 2020, "Distance-IoU Loss", Algorithm 1: ``B <- B - lr (2 - IoU) dL/dB``,
    with ``B`` the box's (x, y, w, h) and the gradient of the loss with respect to them.
    Taught in: notebooks/05_detection/01_iou_family.ipynb
    """
    if anchors.shape != targets.shape or anchors.dim() != 2 or anchors.shape[1] != 4:
        raise ValueError(f"anchors and targets must both be (M, 4), got {tuple(anchors.shape)}, {tuple(targets.shape)}")
    box = anchors.clone()
    tgt_xyxy = box_convert(targets, "cxcywh", "xyxy")
    errors = []
    for steps, lr in schedule:
        for _ in range(check_int(steps, "steps", minimum=0)):
            for lo in range(0, len(box), chunk):
                b = box[lo:lo + chunk].clone().requires_grad_(True)
                t = tgt_xyxy[lo:lo + chunk]
                pred = box_convert(b, "cxcywh", "xyxy")
                loss = loss_fn(pred, t, reduction="none")
                (grad,) = torch.autograd.grad(loss.sum(), b)  # cases are independent: d(sum)/db_i = dL_i/db_i
                with torch.no_grad():
                    lt = torch.max(pred[:, :2], t[:, :2])
                    rb = torch.min(pred[:, 2:], t[:, 2:])
                    inter = (rb - lt).clamp(min=0).prod(1)
                    iou = inter / (b[:, 2] * b[:, 3] + (t[:, 2:] - t[:, :2]).prod(1) - inter)
                    box[lo:lo + chunk] = b - lr * (2 - iou)[:, None] * grad
            errors.append((box - targets).abs().sum())
    final = (box - targets).abs().sum(1)
    return Simulation(torch.stack(errors), final, box)
