"""cvbook.ops.boxes against torchvision.ops, plus hand values and degenerate boxes."""
import math

import pytest
import torch
import torchvision.ops as tvo

from cvbook.ops import (box_area, box_convert, box_iou, complete_box_iou, distance_box_iou,
                        generalized_box_iou)
from cvbook.testing import assert_close


def random_boxes(n, g, dtype=torch.float64, scale=50.0):
    xy = torch.rand(n, 2, generator=g, dtype=dtype) * scale
    wh = torch.rand(n, 2, generator=g, dtype=dtype) * scale + 1.0
    return torch.cat([xy, xy + wh], dim=1)


@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "cxcywh"])
def test_box_convert_matches_torchvision(fmt, dtype, generator):
    b = random_boxes(20, generator, dtype)
    for out in ["xyxy", "xywh", "cxcywh"]:
        src = tvo.box_convert(b, "xyxy", fmt)
        assert_close(box_convert(src, fmt, out), tvo.box_convert(src, fmt, out))
        assert_close(box_convert(box_convert(src, fmt, out), out, fmt), src)


def test_box_convert_by_hand():
    # (1, 2) corner, 3 wide, 4 high: centre (2.5, 4)
    b = torch.tensor([[1.0, 2.0, 4.0, 6.0]])
    assert box_convert(b, "xyxy", "xywh").tolist() == [[1.0, 2.0, 3.0, 4.0]]
    assert box_convert(b, "xyxy", "cxcywh").tolist() == [[2.5, 4.0, 3.0, 4.0]]


def test_box_convert_bad_input():
    with pytest.raises(ValueError, match="in_fmt"):
        box_convert(torch.zeros(1, 4), "xy", "xyxy")
    with pytest.raises(ValueError, match="shape"):
        box_convert(torch.zeros(3), "xyxy", "xywh")
    assert box_convert(torch.zeros(0, 4), "xyxy", "cxcywh").shape == (0, 4)


def test_box_area(dtype, generator):
    b = random_boxes(10, generator, dtype)
    assert_close(box_area(b), tvo.box_area(b))
    assert box_area(torch.tensor([[0, 0, 3, 2]])).tolist() == [6.0]  # integer boxes upcast
    assert box_area(torch.zeros(0, 4)).shape == (0,)


@pytest.mark.parametrize("ours,theirs", [(box_iou, tvo.box_iou), (generalized_box_iou, tvo.generalized_box_iou),
                                         (distance_box_iou, tvo.distance_box_iou),
                                         (complete_box_iou, tvo.complete_box_iou)])
def test_iou_family_matches_torchvision(ours, theirs, dtype, generator):
    a, b = random_boxes(13, generator, dtype), random_boxes(7, generator, dtype)
    out = ours(a, b)
    assert out.shape == (13, 7)
    assert_close(out, theirs(a, b))


def test_iou_by_hand():
    # unit squares shifted by 0.5: intersection 0.5, union 1.5 -> IoU 1/3
    a = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64)
    b = torch.tensor([[0.5, 0.0, 1.5, 1.0]], dtype=torch.float64)
    assert math.isclose(box_iou(a, b).item(), 1 / 3)
    # enclosing box 1.5 x 1 fully covered by the union: GIoU = IoU
    assert math.isclose(generalized_box_iou(a, b).item(), 1 / 3)
    # centres 0.5 apart, enclosing diagonal^2 = 1.5^2 + 1 = 3.25
    assert math.isclose(distance_box_iou(a, b, eps=0).item(), 1 / 3 - 0.25 / 3.25)
    # far apart: IoU 0, GIoU -> -1 as the gap grows
    far = torch.tensor([[100.0, 100.0, 101.0, 101.0]], dtype=torch.float64)
    assert box_iou(a, far).item() == 0.0
    assert generalized_box_iou(a, far).item() < -0.99


def test_iou_properties(generator):
    a = random_boxes(9, generator)
    assert_close(torch.diagonal(box_iou(a, a)), torch.ones(9))
    for f in (box_iou, generalized_box_iou, distance_box_iou, complete_box_iou):
        v = f(a, a.flip(0))
        assert (v <= 1 + 1e-12).all() and (v >= -1 - 1e-12).all()
    assert (generalized_box_iou(a, a.flip(0)) <= box_iou(a, a.flip(0)) + 1e-12).all()


def test_degenerate_and_empty_boxes():
    # zero-width boxes: torchvision gives NaN (0/0); ours gives 0, never NaN
    z = torch.tensor([[1.0, 1.0, 1.0, 3.0]])
    assert torch.isnan(tvo.box_iou(z, z)).all()
    for f in (box_iou, generalized_box_iou, distance_box_iou):
        assert not torch.isnan(f(z, z)).any()
    assert box_iou(z, z).item() == 0.0
    assert box_iou(torch.zeros(0, 4), torch.zeros(3, 4)).shape == (0, 3)
    assert complete_box_iou(torch.zeros(2, 4) + torch.tensor([0, 0, 1, 1.0]), torch.zeros(0, 4)).shape == (2, 0)
    with pytest.raises(ValueError, match="boxes1"):
        box_iou(torch.zeros(2, 5), torch.zeros(2, 4))
    with pytest.raises(TypeError, match="Tensor"):
        box_iou([[0, 0, 1, 1]], torch.zeros(2, 4))
