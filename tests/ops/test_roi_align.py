"""roi_align equal to torchvision.ops.roi_align, aligned and not, fixed and adaptive sampling."""
import pytest
import torch
import torchvision.ops as tvo

from cvbook.ops import roi_align
from cvbook.testing import assert_close


def rois(k, g, b, size, dtype):
    xy = torch.rand(k, 2, generator=g, dtype=dtype) * size - 2  # some start outside the map
    wh = torch.rand(k, 2, generator=g, dtype=dtype) * size * 0.8
    idx = torch.randint(b, (k, 1), generator=g).to(dtype)
    return torch.cat([idx, xy, xy + wh], dim=1)


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("sampling_ratio", [-1, 2])
@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_matches_torchvision(aligned, sampling_ratio, scale, dtype, generator):
    x = torch.randn(2, 3, 12, 10, generator=generator, dtype=dtype)
    r = rois(9, generator, 2, 20, dtype)
    ours = roi_align(x, r, (3, 4), scale, sampling_ratio, aligned)
    assert_close(ours, tvo.roi_align(x, r, (3, 4), scale, sampling_ratio, aligned))


def test_list_boxes_and_gradient(generator):
    x = torch.randn(2, 2, 8, 8, generator=generator, dtype=torch.float64, requires_grad=True)
    boxes = [torch.tensor([[1.0, 1.0, 6.0, 5.0]], dtype=torch.float64),
             torch.tensor([[0.0, 2.0, 3.0, 7.0], [2.5, 2.5, 3.0, 3.0]], dtype=torch.float64)]
    ours = roi_align(x, boxes, 2, aligned=True)
    ref = tvo.roi_align(x, boxes, 2, aligned=True)
    assert_close(ours, ref)
    g1, = torch.autograd.grad(ours.sum(), x)
    g2, = torch.autograd.grad(ref.sum(), x)
    assert_close(g1, g2)


def test_constant_map_gives_constant():
    # bilinear samples of a constant map inside the image are the constant
    x = torch.full((1, 1, 8, 8), 3.0)
    out = roi_align(x, torch.tensor([[0, 1.0, 1.0, 6.0, 6.0]]), 2, aligned=True)
    assert torch.allclose(out, torch.full_like(out, 3.0))


def test_empty_and_bad_input():
    x = torch.zeros(1, 2, 4, 4)
    assert roi_align(x, torch.zeros(0, 5), 2).shape == (0, 2, 2, 2)
    with pytest.raises(ValueError, match="boxes"):
        roi_align(x, torch.zeros(3, 4), 2)
    with pytest.raises(ValueError, match="output_size"):
        roi_align(x, torch.zeros(1, 5), 0)
    with pytest.raises(ValueError, match="input"):
        roi_align(torch.zeros(2, 4, 4), torch.zeros(1, 5), 2)
