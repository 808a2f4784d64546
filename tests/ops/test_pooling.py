import pytest
import torch
import torch.nn.functional as F

from cvbook.nn import AvgPool2d, MaxPool2d
from cvbook.ops import avg_pool2d, max_pool2d, max_pool2d_with_indices

SETTINGS = [(2, None), (2, 2), (3, 2), (3, 1)]  # non-overlapping and overlapping windows


@pytest.mark.parametrize("k,s", SETTINGS)
def test_forward_matches_torch(k, s, dtype):
    x = torch.randn(2, 3, 8, 7, dtype=dtype, generator=torch.Generator().manual_seed(0))
    out, idx = max_pool2d_with_indices(x, k, s)
    ref, ref_idx = F.max_pool2d(x, k, s, return_indices=True)
    assert torch.equal(out, ref) and torch.equal(idx, ref_idx)
    assert torch.allclose(avg_pool2d(x, k, s), F.avg_pool2d(x, k, s))


@pytest.mark.parametrize("k,s", SETTINGS)
def test_backward_matches_autograd_and_gradcheck(k, s):
    x = torch.randn(2, 2, 7, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: max_pool2d(t, k, s), (x,))
    assert torch.autograd.gradcheck(lambda t: avg_pool2d(t, k, s), (x,))
    g = torch.randn(F.max_pool2d(x, k, s).shape, dtype=torch.float64)
    for ours, theirs in ((max_pool2d, F.max_pool2d), (avg_pool2d, F.avg_pool2d)):
        a, = torch.autograd.grad(ours(x, k, s), x, g)
        b, = torch.autograd.grad(theirs(x, k, s), x, g)
        assert torch.allclose(a, b)


def test_hand_computed_routes():
    # one 4x4 plane, 2x2 windows. Maxima: 5 at (0,1), 7 at (1,3), 9 at (3,0), 8 at (2,2)
    x = torch.tensor([[1., 5, 2, 0], [3, 4, 6, 7], [0, 2, 8, 1], [9, 1, 3, 4]]).view(1, 1, 4, 4).requires_grad_()
    out, idx = max_pool2d_with_indices(x, 2)
    assert out.flatten().tolist() == [5, 7, 9, 8]
    assert idx.flatten().tolist() == [1, 7, 12, 10]  # Caffe's max_idx: row * 4 + col
    out.backward(torch.tensor([[[[10., 20], [30, 40]]]]))
    expected = torch.zeros(16)
    expected[[1, 7, 12, 10]] = torch.tensor([10., 20, 30, 40])  # the whole gradient goes to the argmax
    assert torch.equal(x.grad.flatten(), expected)
    x.grad = None
    avg_pool2d(x, 2).backward(torch.tensor([[[[4., 8], [12, 16]]]]))
    # mean pooling: each of the 4 inputs of a window gets grad / 4
    assert torch.equal(x.grad[0, 0, :2, :2], torch.full((2, 2), 1.0))
    assert torch.equal(x.grad[0, 0, 2:, 2:], torch.full((2, 2), 4.0))


def test_gradient_sum_is_preserved():
    # the notes: pooling keeps the sum of gradients (non-overlapping windows)
    x = torch.randn(1, 1, 6, 6, requires_grad=True)
    g = torch.randn(1, 1, 3, 3)
    for fn in (max_pool2d, avg_pool2d):
        x.grad = None
        fn(x, 2).backward(g)
        assert torch.allclose(x.grad.sum(), g.sum())


def test_overlapping_max_accumulates():
    # a single large value is the maximum of all four 2x2 windows (stride 1) of a 3x3 plane
    x = torch.zeros(1, 1, 3, 3)
    x[0, 0, 1, 1] = 1
    x.requires_grad_()
    max_pool2d(x, 2, 1).sum().backward()
    assert x.grad[0, 0, 1, 1] == 4 and x.grad.sum() == 4


def test_modules_and_errors():
    x = torch.randn(1, 2, 6, 6)
    assert torch.equal(MaxPool2d(2)(x), F.max_pool2d(x, 2))
    assert torch.allclose(AvgPool2d(3, 3)(x), F.avg_pool2d(x, 3))
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        max_pool2d(torch.zeros(4, 4), 2)
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        avg_pool2d(x, 0)
    with pytest.raises(ValueError, match="larger than the input plane"):
        max_pool2d(x, 7)
