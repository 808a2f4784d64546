"""NMS family: torchvision's nms/batched_nms as oracle; soft-NMS and DIoU-NMS by hand and by property."""
import math

import pytest
import torch
import torchvision.ops as tvo

from cvbook.ops import batched_nms, box_iou, diou_nms, nms, soft_nms


def clustered_boxes(n, g, dtype=torch.float32):
    centres = torch.rand(5, 2, generator=g) * 80
    c = centres[torch.randint(5, (n,), generator=g)] + torch.randn(n, 2, generator=g) * 4
    wh = 10 + torch.rand(n, 2, generator=g) * 10
    b = torch.cat([c - wh / 2, c + wh / 2], dim=1).to(dtype)
    return b, torch.rand(n, generator=g).to(dtype)


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.7, 1.0])
def test_nms_matches_torchvision(threshold, dtype, generator):
    b, s = clustered_boxes(200, generator, dtype)
    assert torch.equal(nms(b, s, threshold), tvo.nms(b, s, threshold))


def test_batched_nms_matches_torchvision(generator):
    b, s = clustered_boxes(300, generator)
    idx = torch.randint(4, (300,), generator=generator)
    assert torch.equal(batched_nms(b, s, idx, 0.5), tvo.batched_nms(b, s, idx, 0.5))


def test_nms_walkthrough_of_the_notes():
    # note 003's walk-through: A > B > C > D by score; B overlaps A a lot, D overlaps C a lot,
    # C is far from A: keep A, drop B, keep C, drop D
    boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 11, 11], [30, 30, 40, 40], [31, 30, 41, 40.0]])
    scores = torch.tensor([0.9, 0.8, 0.7, 0.6])
    assert nms(boxes, scores, 0.5).tolist() == [0, 2]
    # the threshold is strict: IoU exactly equal to it keeps the box
    pair = torch.tensor([[0, 0, 2, 1], [1, 0, 3, 1.0]])  # IoU = 1/3
    assert nms(pair, torch.tensor([0.9, 0.8]), 1 / 3).tolist() == [0, 1]


def test_empty_and_bad_input():
    assert nms(torch.zeros(0, 4), torch.zeros(0), 0.5).shape == (0,)
    assert batched_nms(torch.zeros(0, 4), torch.zeros(0), torch.zeros(0, dtype=torch.long), 0.5).shape == (0,)
    k, s = soft_nms(torch.zeros(0, 4), torch.zeros(0))
    assert k.shape == (0,) and s.shape == (0,)
    with pytest.raises(ValueError, match="one value per box"):
        nms(torch.zeros(3, 4), torch.zeros(2), 0.5)
    with pytest.raises(ValueError, match="iou_threshold"):
        nms(torch.zeros(3, 4), torch.zeros(3), 1.5)
    with pytest.raises(ValueError, match="method"):
        soft_nms(torch.zeros(3, 4), torch.zeros(3), method="cubic")


def test_soft_nms_by_hand():
    # two boxes with IoU 1/3: gaussian decay exp(-(1/3)^2 / 0.5) of the second score
    b = torch.tensor([[0, 0, 2, 1], [1, 0, 3, 1.0]], dtype=torch.float64)
    s = torch.tensor([0.9, 0.8], dtype=torch.float64)
    keep, new = soft_nms(b, s, sigma=0.5)
    assert keep.tolist() == [0, 1]
    assert math.isclose(new[1].item(), 0.8 * math.exp(-(1 / 9) / 0.5))
    keep, new = soft_nms(b, s, iou_threshold=0.3, method="linear")
    assert math.isclose(new[1].item(), 0.8 * (2 / 3))


def test_soft_nms_hard_is_nms(generator):
    b, s = clustered_boxes(100, generator)
    keep, new = soft_nms(b, s, iou_threshold=0.5, method="hard", score_threshold=0.0)
    assert torch.equal(keep, tvo.nms(b, s, 0.5))
    assert torch.equal(new, s[keep])


def test_soft_nms_keeps_more_and_never_raises_scores(generator):
    b, s = clustered_boxes(100, generator)
    keep, new = soft_nms(b, s)
    assert len(keep) >= len(nms(b, s, 0.3))
    assert (new <= s[keep] + 1e-7).all()
    assert (new[:-1] >= new[1:]).all()  # picked by decreasing decayed score


def test_diou_nms_keeps_side_by_side_boxes():
    # same IoU with the top box, but the second box's centre is far away: DIoU-NMS keeps it
    b = torch.tensor([[0, 0, 10, 10], [4, 0, 14, 10], [0, 0, 10, 10.5]])
    s = torch.tensor([0.9, 0.8, 0.7])
    iou = box_iou(b, b)[0]
    assert iou[1] < iou[2]
    assert nms(b, s, 0.4).tolist() == [0]
    assert diou_nms(b, s, 0.4).tolist() == [0, 1]


def test_diou_nms_never_keeps_fewer(generator):
    b, s = clustered_boxes(150, generator)
    assert len(diou_nms(b, s, 0.5)) >= len(nms(b, s, 0.5))
