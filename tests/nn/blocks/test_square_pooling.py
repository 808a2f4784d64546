"""Square pooling, the control of strip pooling: torch's avg_pool2d as oracle, equal weights, the field's shape."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.nn.blocks import SquarePooling, square_pool
from cvbook.nn.conv import StripPooling
from cvbook.testing import assert_close


def _support(module, c=4, h=15, w=13, r=7, col=6):
    """Input positions whose gradient reaches output (r, col) of channel 0 (float64, eval mode).

    Weights and input are made positive, so every ReLU is active and no path's gradient can vanish
    or cancel: the support is the field's shape whatever the random initialisation was."""
    module = module.double().eval()
    with torch.no_grad():
        for p in module.parameters():
            p.abs_().add_(0.1)
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(1, c, h, w, dtype=torch.float64, generator=g) + 0.1).requires_grad_()
    module(x)[0, :, r, col].sum().backward()
    return x.grad[0].abs().sum(0) > 0


def test_square_pool_equals_avg_pool2d_without_padding_counts(generator):
    x = torch.randn(2, 3, 9, 7, generator=generator)
    for k in (1, 3, 5):
        ref = F.avg_pool2d(x, k, 1, k // 2, count_include_pad=False)
        assert_close(square_pool(x, k), ref)
    # a corner of a 3x3 window holds 4 valid values: their mean, worked out directly
    assert_close(square_pool(x, 3)[..., 0, 0], x[..., :2, :2].mean((-2, -1)))


def test_square_pool_rejects_bad_input():
    with pytest.raises(ValueError, match="odd"):
        square_pool(torch.zeros(1, 1, 4, 4), 4)
    with pytest.raises(ValueError, match="input"):
        square_pool(torch.zeros(4, 4), 3)
    with pytest.raises(ValueError, match="kernel_size"):
        SquarePooling(4, kernel_size=2)


def test_square_and_strip_pooling_have_equal_weights():
    a, b = SquarePooling(6, 5), StripPooling(6)
    assert [p.shape for p in a.parameters()] == [p.shape for p in b.parameters()]
    assert [n for n, _ in a.named_parameters()] == [n for n, _ in b.named_parameters()]


def test_shape_preserved_and_degenerate_one_pixel_map(generator):
    m = SquarePooling(3, 3).eval()
    for hw in ((5, 8), (1, 1)):
        x = torch.randn(2, 3, *hw, generator=generator)
        assert m(x).shape == x.shape


def test_field_of_square_pooling_is_a_box_and_of_strip_pooling_a_cross():
    k, r, c = 3, 7, 6
    sq = _support(SquarePooling(4, k), r=r, col=c)
    rows, cols = torch.arange(15)[:, None], torch.arange(13)[None, :]
    # 3x1 conv on k x k means: rows r-1-k//2 .. r+1+k//2, cols c-k//2 .. c+k//2; and the 1x3 one transposed
    box_h = ((rows - r).abs() <= 1 + k // 2) & ((cols - c).abs() <= k // 2)
    box_w = ((rows - r).abs() <= k // 2) & ((cols - c).abs() <= 1 + k // 2)
    assert torch.equal(sq, box_h | box_w)
    st = _support(StripPooling(4), r=r, col=c)
    cross = ((rows - r).abs() <= 1) | ((cols - c).abs() <= 1)  # rows r-1..r+1 whole, columns c-1..c+1 whole
    assert torch.equal(st, cross.expand(15, 13))
