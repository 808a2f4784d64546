"""YOLOv2 direct location prediction: by hand, the centre stays in its cell, grid layout."""
import pytest
import torch

from cvbook.ops.yolo_coder import yolo_decode, yolo_grid_decode
from cvbook.testing import assert_close


def test_by_hand():
    # t = 0: sigmoid 0.5, so the centre is the middle of cell (2, 1) at stride 8 -> (20, 12); size = prior (10, 6)
    out = yolo_decode(torch.zeros(1, 4), torch.tensor([[2, 1]]), torch.tensor([[10.0, 6.0]]), 8)
    assert_close(out, torch.tensor([[15.0, 9.0, 25.0, 15.0]]))
    # t_w = log 2 doubles the width
    out = yolo_decode(torch.tensor([[0.0, 0.0, 0.6931471805599453, 0.0]], dtype=torch.float64),
                      torch.tensor([[0, 0]]), torch.tensor([[10.0, 6.0]]), 8)
    assert_close(out[:, 2] - out[:, 0], torch.tensor([20.0], dtype=torch.float64))


def test_centre_stays_in_cell(generator):
    t = torch.randn(1000, 4, generator=generator, dtype=torch.float64) * torch.tensor([10.0, 10.0, 1.0, 1.0], dtype=torch.float64)
    cells = torch.randint(0, 13, (1000, 2), generator=generator)
    out = yolo_decode(t, cells, torch.full((1000, 2), 20.0), 32)
    centre = (out[:, :2] + out[:, 2:]) / 2 / 32
    assert ((centre >= cells) & (centre <= cells + 1)).all()


def test_grid_decode_layout(generator):
    a, c, h, w = 3, 2, 4, 5
    out = torch.randn(2, a * (5 + c), h, w, generator=generator)
    anchors = torch.tensor([[10.0, 13.0], [16.0, 30.0], [33.0, 23.0]])
    boxes = yolo_grid_decode(out, anchors, 8)
    assert boxes.shape == (2, h * w * a, 4)
    # row of image 1, cell (row 2, col 3), anchor 1, by hand with yolo_decode
    idx = (2 * w + 3) * a + 1
    t = out[1].view(a, 5 + c, h, w)[1, :4, 2, 3]
    assert_close(boxes[1, idx], yolo_decode(t[None], torch.tensor([[3, 2]]), anchors[1:2], 8)[0])


def test_bad_input():
    with pytest.raises(ValueError, match="one row each"):
        yolo_decode(torch.zeros(2, 4), torch.zeros(1, 2), torch.ones(2, 2), 8)
    with pytest.raises(ValueError, match="stride"):
        yolo_decode(torch.zeros(1, 4), torch.zeros(1, 2), torch.ones(1, 2), 0)
    with pytest.raises(ValueError, match="channels"):
        yolo_grid_decode(torch.zeros(1, 14, 2, 2), torch.ones(3, 2), 8)
    assert yolo_decode(torch.zeros(0, 4), torch.zeros(0, 2), torch.zeros(0, 2), 8).shape == (0, 4)
