"""The DIoU simulation's cases and update rule: counts and geometry by hand, one step against a hand step."""
import math

import torch

from cvbook.experiments.ch05_detection.diou_simulation import regression_cases, simulate
from cvbook.ops import distance_box_iou_loss, iou_loss
from cvbook.ops.boxes import box_convert
from cvbook.testing import assert_close


def test_cases_geometry():
    anc, tgt = regression_cases(10, generator=0)
    assert anc.shape == tgt.shape == (10 * 343, 4)  # 7 target ratios x 7 areas x 7 anchor ratios per centre
    assert_close(tgt[:, 2] * tgt[:, 3], torch.ones(len(tgt), dtype=torch.float64))  # unit-area targets at (10, 10)
    assert (tgt[:, :2] == 10).all()
    assert ((anc[:, :2] - 10).norm(dim=1) <= 3 + 1e-12).all()  # centres in the disc of radius 3
    ratio = (anc[:, 2] * anc[:, 3]) / (tgt[:, 2] * tgt[:, 3])
    assert set(round(float(r), 2) for r in ratio.unique()) == {0.5, 0.67, 0.75, 1.0, 1.33, 1.5, 2.0}
    ratios = sorted(set(round(float(r), 6) for r in anc[:, 2] / anc[:, 3]))
    assert ratios == [round(r, 6) for r in (1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4)]  # w / h of the 7 shapes


def test_one_step_by_hand():
    # one case, a 1x1 box at (10.5, 10) against a 1x1 target at (10, 10): IoU = 0.5 / 1.5 = 1/3
    anc = torch.tensor([[10.5, 10.0, 1.0, 1.0]], dtype=torch.float64)
    tgt = torch.tensor([[10.0, 10.0, 1.0, 1.0]], dtype=torch.float64)
    out = simulate(iou_loss, anc, tgt, schedule=[(1, 0.1)])
    b = anc.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(iou_loss(box_convert(b, "cxcywh", "xyxy"), box_convert(tgt, "cxcywh", "xyxy")).sum(), b)
    assert_close(out.boxes, anc - 0.1 * (2 - 1 / 3) * g)
    assert out.boxes[0, 0] < 10.5  # moved towards the target
    assert_close(out.error, (out.boxes - tgt).abs().sum().reshape(1))


def test_iou_loss_is_stuck_without_overlap_and_diou_is_not():
    anc = torch.tensor([[13.0, 10.0, 1.0, 1.0]], dtype=torch.float64)  # disjoint from the target
    tgt = torch.tensor([[10.0, 10.0, 1.0, 1.0]], dtype=torch.float64)
    assert torch.equal(simulate(iou_loss, anc, tgt, schedule=[(5, 0.1)]).boxes, anc)
    moved = simulate(distance_box_iou_loss, anc, tgt, schedule=[(5, 0.1)])
    # the centre distance term pulls the box towards the target (its width may grow at first)
    assert moved.boxes[0, 0] < 13 and math.isfinite(float(moved.final[0]))


def test_exact_diou_gradient_enlarges_a_distant_box():
    # rho^2 / c^2 also falls when c grows, so under the exact gradient a box far from its target grows,
    # as under GIoU (the page's explanation of why DIoU is not far ahead of GIoU in the simulation)
    anc = torch.tensor([[13.0, 10.0, 1.0, 1.0], [10.0, 12.5, 1.0, 1.0]], dtype=torch.float64)
    tgt = torch.tensor([[10.0, 10.0, 1.0, 1.0]] * 2, dtype=torch.float64)
    out = simulate(distance_box_iou_loss, anc, tgt, schedule=[(10, 0.1)])
    assert (out.boxes[:, 2] * out.boxes[:, 3] > 1.2).all()
