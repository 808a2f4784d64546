"""depth_to_space / space_to_depth against torch's pixel_shuffle / pixel_unshuffle."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.ops import depth_to_space, space_to_depth
from cvbook.testing import gradcheck64


@pytest.mark.parametrize("block", [1, 2, 3, 8])
def test_equals_pixel_shuffle_both_ways(block, dtype, generator):
    x = torch.randn(2, 3 * block * block, 4, 5, generator=generator, dtype=dtype)
    y = depth_to_space(x, block)
    assert torch.equal(y, F.pixel_shuffle(x, block))
    assert torch.equal(space_to_depth(y, block), F.pixel_unshuffle(y, block))
    assert torch.equal(space_to_depth(y, block), x)  # inverse


def test_head_channel_k_lands_on_row_k_div_8_col_k_mod_8():
    # SuperPoint: channel k of a cell is position (row k // 8, col k % 8) inside the 8x8 cell
    x = torch.zeros(1, 64, 2, 3)
    x[0, 19, 1, 2] = 1.0  # k = 19 -> row 2, col 3 of cell (1, 2)
    y = depth_to_space(x, 8)
    assert y.shape == (1, 1, 16, 24)
    assert torch.nonzero(y[0, 0]).tolist() == [[8 * 1 + 2, 8 * 2 + 3]]


def test_gradient():
    x = torch.randn(1, 8, 2, 2, dtype=torch.float64)
    assert gradcheck64(lambda t: depth_to_space(t, 2), [x])


def test_bad_input():
    with pytest.raises(ValueError, match="multiple of block"):
        depth_to_space(torch.zeros(1, 63, 2, 2), 8)
    with pytest.raises(ValueError, match="multiples of block"):
        space_to_depth(torch.zeros(1, 1, 12, 16), 8)
    with pytest.raises(ValueError, match="shape"):
        depth_to_space(torch.zeros(64, 2, 2), 8)
    with pytest.raises(TypeError):
        depth_to_space(torch.zeros(1, 64, 2, 2), 8.0)


def test_empty_batch():
    assert depth_to_space(torch.zeros(0, 64, 2, 2), 8).shape == (0, 1, 16, 16)
