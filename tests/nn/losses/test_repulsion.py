"""Tests of cvbook.nn.losses.repulsion (RepGT, RepBox, Smooth_ln) and cvbook.ops.box_iog."""
from __future__ import annotations

import math

import pytest
import torch

from cvbook.nn.losses.repulsion import rep_box_loss, rep_gt_loss, repulsion_targets, smooth_ln
from cvbook.ops import box_iog, box_iou
from cvbook.testing import assert_close, gradcheck64


def test_box_iog_by_hand(dtype):
    # B = [0,0,2,2] and G = [1,0,3,2]: intersection 1x2 = 2, |G| = 4 -> IoG 0.5 (IoU 2/6)
    b = torch.tensor([[0.0, 0.0, 2.0, 2.0]], dtype=dtype)
    g = torch.tensor([[1.0, 0.0, 3.0, 2.0], [5.0, 5.0, 6.0, 6.0]], dtype=dtype)
    assert_close(box_iog(b, g), torch.tensor([[0.5, 0.0]], dtype=dtype))
    assert_close(box_iou(b, g)[0, 0], torch.tensor(1 / 3, dtype=dtype))


def test_box_iog_ignores_growth_away_from_gt():
    # growing B on its far side keeps IoG and lowers IoU: why RepGT uses IoG (notes 002 l.159)
    g = torch.tensor([[1.0, 0.0, 3.0, 2.0]], dtype=torch.float64)
    small = torch.tensor([[0.0, 0.0, 2.0, 2.0]], dtype=torch.float64)
    big = torch.tensor([[-4.0, 0.0, 2.0, 2.0]], dtype=torch.float64)
    assert box_iog(big, g) == box_iog(small, g)
    assert box_iou(big, g) < box_iou(small, g)


def test_box_iog_degenerate_and_empty():
    b = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    zero_gt = torch.tensor([[1.0, 1.0, 1.0, 3.0]])  # zero width
    assert box_iog(b, zero_gt).item() == 0.0
    assert box_iog(torch.zeros(0, 4), b).shape == (0, 1)
    assert box_iog(b, torch.zeros(0, 4)).shape == (1, 0)
    with pytest.raises(ValueError, match="boxes1"):
        box_iog(torch.zeros(3, 5), b)


def test_smooth_ln_values_and_continuity(dtype):
    s = 0.5
    x = torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0], dtype=dtype)
    # -ln(1-x) up to sigma; above: (x - s)/(1 - s) - ln(1 - s)
    expected = torch.tensor([0.0, -math.log(0.75), math.log(2.0), 0.5 + math.log(2.0), 1.0 + math.log(2.0)], dtype=dtype)
    assert_close(smooth_ln(x, s), expected)
    # sigma = 0: purely linear, x itself
    assert_close(smooth_ln(x, 0.0), x)


def test_smooth_ln_gradcheck():
    for s in (0.0, 0.3, 0.9):
        x = torch.tensor([0.05, 0.2, 0.45, 0.6, 0.95], dtype=torch.float64)
        assert gradcheck64(lambda t: smooth_ln(t, s), [x])


def test_smooth_ln_bad_input():
    with pytest.raises(ValueError, match="sigma"):
        smooth_ln(torch.tensor([0.5]), 1.0)
    with pytest.raises(ValueError, match="sigma"):
        smooth_ln(torch.tensor([0.5]), -0.1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        smooth_ln(torch.tensor([1.5]))
    with pytest.raises(TypeError):
        smooth_ln([0.5])
    assert smooth_ln(torch.zeros(0)).shape == (0,)


def _scene():
    gts = torch.tensor([[0.0, 0.0, 10.0, 10.0], [6.0, 0.0, 16.0, 10.0], [40.0, 40.0, 50.0, 50.0]], dtype=torch.float64)
    props = torch.tensor([[1.0, 0.0, 11.0, 10.0], [5.0, 0.0, 15.0, 10.0], [40.0, 41.0, 50.0, 51.0]], dtype=torch.float64)
    attr = torch.tensor([0, 1, 2])
    return gts, props, attr


def test_repulsion_targets_by_hand():
    gts, props, attr = _scene()
    # proposal 0 (target 0) overlaps gt 1; proposal 1 (target 1) overlaps gt 0; proposal 2 overlaps nobody else
    assert repulsion_targets(props, gts, attr).tolist() == [1, 0, -1]
    assert repulsion_targets(props[:0], gts, attr[:0]).shape == (0,)
    assert repulsion_targets(props[:1], gts[:1], attr[:1]).tolist() == [-1]  # one gt: nothing to repel
    with pytest.raises(ValueError, match="attr_index"):
        repulsion_targets(props, gts, torch.tensor([0, 1, 3]))
    with pytest.raises(ValueError, match="attr_index"):
        repulsion_targets(props, gts, torch.tensor([0.0, 1.0, 2.0]))


def test_rep_gt_loss_by_hand():
    gts, props, attr = _scene()
    rep = repulsion_targets(props, gts, attr)
    # box 0 = [1,0,11,10] vs gt 1 = [6,0,16,10]: inter 5x10 = 50 of 100 -> IoG 0.5
    # box 1 = [5,0,15,10] vs gt 0 = [0,0,10,10]: inter 50 -> IoG 0.5; box 2: no term
    per = rep_gt_loss(props, gts, rep, sigma=0.5, reduction="none")
    assert_close(per, torch.tensor([math.log(2.0), math.log(2.0), 0.0], dtype=torch.float64))
    assert_close(rep_gt_loss(props, gts, rep, sigma=0.5), torch.tensor(2 * math.log(2.0) / 3, dtype=torch.float64))
    assert_close(rep_gt_loss(props, gts, rep, sigma=0.5, reduction="sum"), torch.tensor(2 * math.log(2.0), dtype=torch.float64))


def test_rep_gt_loss_gradcheck_pushes_away():
    gts, props, attr = _scene()
    rep = repulsion_targets(props, gts, attr)
    boxes = props + torch.tensor([0.3, 0.2, -0.1, 0.4], dtype=torch.float64)
    assert gradcheck64(lambda b: rep_gt_loss(b, gts, rep, sigma=0.5), [boxes])
    b = boxes.clone().requires_grad_(True)
    rep_gt_loss(b, gts, rep).backward()
    assert b.grad[0, 2] > 0  # box 0's right side moves left, away from gt 1 (descent: -grad)
    assert b.grad[1, 0] < 0  # box 1's left side moves right, away from gt 0


def test_rep_gt_loss_empty_and_bad_input():
    gts, props, attr = _scene()
    empty = rep_gt_loss(props[:0].clone().requires_grad_(True), gts, torch.zeros(0, dtype=torch.long))
    assert empty.item() == 0.0
    none = rep_gt_loss(props.clone().requires_grad_(True), gts, torch.full((3,), -1))
    assert none.item() == 0.0 and none.requires_grad
    with pytest.raises(ValueError, match="rep_index"):
        rep_gt_loss(props, gts, torch.tensor([0, 1, 5]))
    with pytest.raises(ValueError, match="reduction"):
        rep_gt_loss(props, gts, torch.tensor([1, 0, -1]), reduction="max")
    with pytest.raises(ValueError, match="pred_boxes"):
        rep_gt_loss(props[:, :3], gts, torch.tensor([1, 0, -1]))


def test_rep_box_loss_by_hand_and_gradcheck():
    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [5.0, 0.0, 15.0, 10.0], [0.0, 0.0, 10.0, 10.0]], dtype=torch.float64)
    attr = torch.tensor([0, 1, 0])
    # pairs with different targets: (0,1) IoU 50/150 = 1/3, (1,2) IoU 1/3; (0,2) share a target
    # sigma = 0: Smooth_ln(x) = x, mean over the 2 overlapping pairs = 1/3
    assert_close(rep_box_loss(boxes, attr, sigma=0.0), torch.tensor(1 / 3, dtype=torch.float64))
    assert_close(rep_box_loss(boxes, attr, sigma=0.5), torch.tensor(-math.log(2 / 3), dtype=torch.float64))
    # different images: no pair
    assert rep_box_loss(boxes, attr, image_index=torch.tensor([0, 1, 2])).item() == 0.0
    assert gradcheck64(lambda b: rep_box_loss(b, attr, sigma=0.3), [boxes + 0.1 * torch.arange(12.0).view(3, 4) / 12])
    assert rep_box_loss(boxes[:1], attr[:1]).item() == 0.0
    with pytest.raises(ValueError, match="attr_index"):
        rep_box_loss(boxes, attr[:2])
