"""IoU losses against torchvision, gradients in float64, reductions, empty input."""
import pytest
import torch
import torchvision.ops as tvo

from cvbook.ops import complete_box_iou_loss, distance_box_iou_loss, generalized_box_iou_loss, iou_loss
from cvbook.testing import assert_close, gradcheck64

PAIRS = [(generalized_box_iou_loss, tvo.generalized_box_iou_loss),
         (distance_box_iou_loss, tvo.distance_box_iou_loss),
         (complete_box_iou_loss, tvo.complete_box_iou_loss)]


def boxes(n, g, dtype=torch.float64):
    xy = torch.rand(n, 2, generator=g, dtype=dtype) * 10
    return torch.cat([xy, xy + torch.rand(n, 2, generator=g, dtype=dtype) * 10 + 0.5], dim=1)


@pytest.mark.parametrize("ours,theirs", PAIRS)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_losses_match_torchvision(ours, theirs, reduction, dtype, generator):
    a, b = boxes(16, generator, dtype), boxes(16, generator, dtype)
    assert_close(ours(a, b, reduction=reduction), theirs(a, b, reduction=reduction))


@pytest.mark.parametrize("ours,theirs", PAIRS)
def test_gradients_match_torchvision(ours, theirs, generator):
    # CIoU's alpha is a constant in the gradient: torchvision does the same, so the gradients agree
    a, b = boxes(8, generator), boxes(8, generator)
    x1 = a.clone().requires_grad_(True)
    x2 = a.clone().requires_grad_(True)
    ours(x1, b, reduction="sum").backward()
    theirs(x2, b, reduction="sum").backward()
    assert_close(x1.grad, x2.grad)


def test_giou_diou_gradcheck(generator):
    a, b = boxes(4, generator), boxes(4, generator)
    gradcheck64(lambda x: generalized_box_iou_loss(x, b), [a])
    gradcheck64(lambda x: distance_box_iou_loss(x, b), [a])
    gradcheck64(lambda x: iou_loss(x, b), [a])


def test_iou_loss_by_hand_and_vanishing_gradient():
    a = torch.tensor([[0.0, 0.0, 1.0, 1.0]], dtype=torch.float64)
    b = torch.tensor([[0.5, 0.0, 1.5, 1.0]], dtype=torch.float64)
    assert abs(iou_loss(a, b, eps=0).item() - 2 / 3) < 1e-12  # IoU 1/3
    far = torch.tensor([[5.0, 5.0, 6.0, 6.0]], dtype=torch.float64, requires_grad=True)
    iou_loss(far, a).sum().backward()
    assert far.grad.abs().sum() == 0  # no overlap, no gradient: what GIoU/DIoU fix
    far.grad = None
    distance_box_iou_loss(far, a).sum().backward()
    assert far.grad.abs().sum() > 0


def test_empty_and_bad_input():
    e = torch.zeros(0, 4)
    for f, _ in PAIRS + [(iou_loss, None)]:
        assert f(e, e, reduction="mean").item() == 0.0
        assert f(e, e).shape == (0,)
        with pytest.raises(ValueError, match="reduction"):
            f(e, e, reduction="avg")
        with pytest.raises(ValueError, match="same length"):
            f(torch.zeros(2, 4), torch.zeros(3, 4))
