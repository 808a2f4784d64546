import pytest
import torch
import torch.nn.functional as F

from cvbook.ops import conv2d_matrix, conv_transpose2d_by_matrix


@pytest.mark.parametrize("stride,padding,size", [(1, 0, (4, 4)), (2, 1, (5, 5)), (1, 1, (3, 6))])
def test_matrix_product_is_the_convolution(stride, padding, size):
    g = torch.Generator().manual_seed(0)
    w = torch.randn(2, 3, 3, 3, dtype=torch.float64, generator=g)
    x = torch.randn(1, 3, *size, dtype=torch.float64, generator=g)
    m = conv2d_matrix(w, size, stride, padding)
    y = F.conv2d(x, w, stride=stride, padding=padding)
    assert m.shape == (y.numel(), x.numel())
    assert torch.allclose(m @ x.flatten(), y.flatten())
    # transposed convolution multiplies by M^T
    y2 = torch.randn(y.shape, dtype=torch.float64, generator=g)
    assert torch.allclose(conv_transpose2d_by_matrix(y2, w, size, stride, padding), F.conv_transpose2d(y2, w, stride=stride, padding=padding))


def test_hand_built_matrix_for_4x4_input():
    # Dumoulin & Visin's example: a 3x3 kernel on a 4x4 input gives a 4 x 16 matrix; row 0 holds the
    # kernel rows at input columns 0-2, 4-6 and 8-10
    w = torch.arange(1.0, 10.0).view(1, 1, 3, 3)
    m = conv2d_matrix(w, (4, 4))
    expected_row0 = torch.tensor([1., 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0])
    assert m.shape == (4, 16) and torch.equal(m[0], expected_row0)
    assert torch.equal(m[3], torch.tensor([0., 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9]))


def test_transpose_restores_shape_not_values():
    w = torch.randn(1, 1, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    x = torch.randn(1, 1, 4, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    back = conv_transpose2d_by_matrix(F.conv2d(x, w), w, (4, 4))
    assert back.shape == x.shape and not torch.allclose(back, x)


def test_errors():
    with pytest.raises(ValueError, match="weight must be"):
        conv2d_matrix(torch.zeros(3, 3), (4, 4))
    with pytest.raises(ValueError, match="input_size"):
        conv2d_matrix(torch.zeros(1, 1, 3, 3), (0, 4))
    with pytest.raises(ValueError, match="values per image"):
        conv_transpose2d_by_matrix(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 3, 3), (4, 4))
