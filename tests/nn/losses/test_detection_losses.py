"""YOLOv1 targets and loss: a case worked by hand, the responsible predictor, bad input."""
import math

import pytest
import torch

from cvbook.nn.losses.detection import cell_boxes_to_xyxy, yolov1_loss, yolov1_targets
from cvbook.testing import assert_close


def one_object():
    # 64x64 image, S = 2 (32-pixel cells); object xyxy (8, 40, 24, 56): centre (16, 48) -> cell row 1, col 0,
    # offsets (0.5, 0.5), size 16/64 = 0.25 of the image
    return yolov1_targets([{"boxes": torch.tensor([[8.0, 40.0, 24.0, 56.0]]), "labels": torch.tensor([1])}], 64, 2)


def test_targets_by_hand():
    t = one_object()
    assert t.obj.tolist() == [[[False, False], [True, False]]]
    assert_close(t.boxes[0, 1, 0], torch.tensor([0.5, 0.5, 0.25, 0.25]))
    assert t.labels[0, 1, 0] == 1 and (t.labels[0][~t.obj[0]] == -1).all() and t.dropped == 0
    # back to xyxy image fractions: (8, 40, 24, 56) / 64
    assert_close(cell_boxes_to_xyxy(t.boxes)[0, 1, 0], torch.tensor([8.0, 40.0, 24.0, 56.0]) / 64)


def test_loss_by_hand():
    t = one_object()
    pred = torch.zeros(1, 2, 2, 2 * 5 + 2)
    # cell (1, 0): predictor 0 matches the object exactly (IoU 1), predictor 1 is off (x = 0, w = 0.09)
    pred[0, 1, 0, 0:5] = torch.tensor([0.5, 0.5, 0.25, 0.25, 0.8])
    pred[0, 1, 0, 5:10] = torch.tensor([0.0, 0.5, 0.09, 0.25, 0.3])
    pred[0, 1, 0, 10:12] = torch.tensor([0.2, 0.6])  # classes: target one-hot (0, 1)
    pred[0, 0, 0, 4] = 0.4  # a confident predictor in an empty cell
    loss = yolov1_loss(pred, t)
    # predictor 0 is responsible: coordinate terms 0; confidence (0.8 - IoU 1)^2 = 0.04
    # noobj: 0.5 * (0.3^2 + 0.4^2) = 0.125; classes: 0.2^2 + 0.4^2 = 0.2
    assert_close(loss.xy, torch.tensor(0.0)); assert_close(loss.wh, torch.tensor(0.0))
    assert_close(loss.obj, torch.tensor(0.04)); assert_close(loss.noobj, torch.tensor(0.125))
    assert_close(loss.cls, torch.tensor(0.2)); assert_close(loss.total, torch.tensor(0.365))
    # move predictor 0 right by 0.1 of a cell and make it narrower (w = 0.16): it is still the better one
    # (x-overlap [0.22, 0.38] & [0.125, 0.375] = 0.155, IoU 0.03875 / 0.06375 = 0.61 against predictor 1's 0),
    # so xy = 5 * 0.1^2 = 0.05, wh = 5 * (sqrt(0.16) - sqrt(0.25))^2 = 5 * 0.1^2 = 0.05
    pred[0, 1, 0, 0:4] = torch.tensor([0.6, 0.5, 0.16, 0.25])
    loss2 = yolov1_loss(pred, t, rescore=False)
    assert_close(loss2.xy, torch.tensor(0.05)); assert_close(loss2.wh, torch.tensor(0.05))
    assert_close(loss2.obj, torch.tensor(0.04))  # rescore=False: target 1, (0.8 - 1)^2


def test_responsible_is_best_iou_and_lambdas_scale():
    t = one_object()
    pred = torch.zeros(1, 2, 2, 12)
    pred[0, 1, 0, 0:5] = torch.tensor([0.0, 0.0, 0.04, 0.04, 0.0])  # far from the object
    pred[0, 1, 0, 5:10] = torch.tensor([0.5, 0.5, 0.25, 0.36, 0.0])  # close: responsible
    loss = yolov1_loss(pred, t, rescore=False)
    assert_close(loss.wh, torch.tensor(5 * (0.6 - 0.5) ** 2))  # sqrt(0.36) - sqrt(0.25)
    assert_close(yolov1_loss(pred, t, lambda_coord=1.0, rescore=False).wh, loss.wh / 5)
    pred[0, 0, 1, 4] = 1.0
    assert_close(yolov1_loss(pred, t, lambda_noobj=1.0).noobj, 2 * yolov1_loss(pred, t).noobj)


def test_rescore_targets_iou():
    t = one_object()
    pred = torch.zeros(1, 2, 2, 12)
    pred[0, 1, 0, 0:5] = torch.tensor([0.5, 0.5, 0.125, 0.25, 0.0])  # half as wide: IoU 0.5
    assert_close(yolov1_loss(pred, t).obj, torch.tensor(0.25))


def test_gradient_flows_and_batch_mean():
    t = yolov1_targets([{"boxes": torch.tensor([[8.0, 40.0, 24.0, 56.0]]), "labels": torch.tensor([1])}] * 2, 64, 2)
    pred = torch.rand(2, 2, 2, 12, generator=torch.Generator().manual_seed(0), requires_grad=True)
    loss = yolov1_loss(pred, t)
    loss.total.backward()
    assert torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
    single = yolov1_loss(pred[:1].detach(), yolov1_targets([{"boxes": torch.tensor([[8.0, 40.0, 24.0, 56.0]]),
                                                            "labels": torch.tensor([1])}], 64, 2))
    pair = yolov1_loss(torch.cat([pred[:1], pred[:1]]).detach(), t)
    assert_close(pair.total, single.total)  # averaged over the batch


def test_one_object_per_cell_and_empty():
    two = yolov1_targets([{"boxes": torch.tensor([[0.0, 0, 10, 10], [2.0, 2, 12, 12]]), "labels": torch.tensor([0, 1])}], 64, 2)
    assert two.obj.sum() == 1 and two.dropped == 1 and two.labels[0, 0, 0] == 0
    empty = yolov1_targets([{"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.long)}], 64, 7)
    loss = yolov1_loss(torch.zeros(1, 7, 7, 30), empty)
    assert loss.total == 0 and torch.isfinite(loss.total)


def test_bad_input():
    t = one_object()
    with pytest.raises(ValueError, match="does not fit"):
        yolov1_loss(torch.zeros(1, 2, 2, 8), t)  # 8 < B * 5
    with pytest.raises(ValueError, match="classes"):
        yolov1_loss(torch.zeros(1, 2, 2, 11), t)  # C = 1 but label 1
    with pytest.raises(ValueError, match="positive width"):
        yolov1_targets([{"boxes": torch.tensor([[5.0, 5, 5, 9]]), "labels": torch.tensor([0])}], 64, 2)
    with pytest.raises(ValueError, match="pred"):
        yolov1_loss(torch.zeros(2, 2, 12), t)
    assert not math.isnan(yolov1_loss(-torch.ones(1, 2, 2, 12), t).total.item())  # negative sizes: finite
