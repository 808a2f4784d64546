"""encode_boxes / decode_boxes against torchvision's BoxCoder, including its clip."""
import math

import pytest
import torch
from torchvision.models.detection._utils import BoxCoder

from cvbook.ops import BBOX_XFORM_CLIP, decode_boxes, encode_boxes
from cvbook.testing import assert_close


def boxes(n, g, dtype):
    xy = torch.rand(n, 2, generator=g, dtype=dtype) * 50
    return torch.cat([xy, xy + torch.rand(n, 2, generator=g, dtype=dtype) * 40 + 2], dim=1)


@pytest.mark.parametrize("weights", [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0)])
def test_matches_boxcoder(weights, dtype, generator):
    gt, anchors = boxes(30, generator, dtype), boxes(30, generator, dtype)
    coder = BoxCoder(weights)
    d = encode_boxes(gt, anchors, weights)
    assert_close(d, coder.encode_single(gt, anchors))
    assert_close(decode_boxes(d, anchors, weights), coder.decode_single(d, anchors))
    assert_close(decode_boxes(d, anchors, weights), gt, scale=10)  # round trip


def test_clip_as_torchvision(generator):
    anchors = boxes(4, generator, torch.float64)
    wild = torch.tensor([[0, 0, 20.0, -20.0]] * 4, dtype=torch.float64)
    out = decode_boxes(wild, anchors)
    assert_close(out, BoxCoder((1.0, 1.0, 1.0, 1.0)).decode_single(wild, anchors))
    w = anchors[:, 2] - anchors[:, 0]
    assert_close(out[:, 2] - out[:, 0], w * math.exp(BBOX_XFORM_CLIP))  # 1000/16 times the anchor


def test_by_hand():
    # anchor centred at (5, 5), 10x10; box centred at (7, 5), 20x5
    a = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
    b = torch.tensor([[-3.0, 2.5, 17.0, 7.5]])
    d = encode_boxes(b, a)
    assert_close(d, torch.tensor([[0.2, 0.0, math.log(2.0), math.log(0.5)]]))


def test_bad_and_empty_input():
    assert encode_boxes(torch.zeros(0, 4), torch.zeros(0, 4)).shape == (0, 4)
    assert decode_boxes(torch.zeros(0, 4), torch.zeros(0, 4)).shape == (0, 4)
    with pytest.raises(ValueError, match="pair up"):
        encode_boxes(torch.zeros(2, 4), torch.zeros(3, 4))
    with pytest.raises(ValueError, match="weights"):
        decode_boxes(torch.zeros(1, 4), torch.zeros(1, 4), weights=(1.0, 1.0))
