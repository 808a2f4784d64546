import pytest
import torch
import torch.nn.functional as F

from cvbook.ops import Conv2dFunction, conv2d_input, conv2d_weight
from cvbook.testing import assert_close, gradcheck64

# (H, W, kernel, stride, padding, dilation): square and rectangular, with a remainder row
# ((H + 2p - d(k-1) - 1) not a multiple of s), padding larger than the kernel, dilation
CASES = [
    (6, 6, 3, 1, 0, 1),
    (7, 7, 3, 2, 1, 1),
    (8, 9, 3, 2, 0, 1),
    (9, 7, (3, 2), (2, 3), (1, 0), 1),
    (10, 10, 3, 3, 2, 2),
    (5, 5, 1, 2, 3, 1),
    (11, 8, 5, 1, 2, 2),
]


def _setup(case, dtype, gen):
    h, w, k, s, p, d = case
    kh, kw = (k, k) if isinstance(k, int) else k
    x = torch.randn(2, 3, h, w, generator=gen, dtype=dtype)
    wt = torch.randn(4, 3, kh, kw, generator=gen, dtype=dtype)
    y = F.conv2d(x, wt, stride=s, padding=p, dilation=d)
    g = torch.randn(y.shape, generator=gen, dtype=dtype)
    return x, wt, g, dict(stride=s, padding=p, dilation=d)


@pytest.mark.parametrize("case", CASES)
def test_matches_autograd_and_torch_nn_grad(case, dtype):
    gen = torch.Generator().manual_seed(0)
    x, wt, g, conf = _setup(case, dtype, gen)
    xa, wa = x.clone().requires_grad_(), wt.clone().requires_grad_()
    F.conv2d(xa, wa, **conf).backward(g)
    dx = conv2d_input(x.shape, wt, g, **conf)
    dw = conv2d_weight(x, wt.shape, g, **conf)
    assert_close(dx, xa.grad, scale=10)  # float32: sums of up to C*k*k products, reordered
    assert_close(dw, wa.grad, scale=10)
    # oracle 2: torch's own helpers with the same names and argument order
    assert_close(dx, torch.nn.grad.conv2d_input(x.shape, wt, g, **conf), scale=10)
    assert_close(dw, torch.nn.grad.conv2d_weight(x, wt.shape, g, **conf), scale=10)


@pytest.mark.parametrize("case", CASES[1:5])
def test_gradcheck(case):
    gen = torch.Generator().manual_seed(1)
    x, wt, _, conf = _setup(case, torch.float64, gen)
    b = torch.randn(4, generator=gen, dtype=torch.float64)
    s, p, d = conf["stride"], conf["padding"], conf["dilation"]
    assert gradcheck64(lambda a, w_, b_: Conv2dFunction.apply(a, w_, b_, s, p, d), [x[:1, :2], wt[:, :2], b])


def test_hand_computed_1d_example():
    # x = [1, 2, 3], w = [a, b] = [10, 1], stride 1: y = [1*10 + 2, 2*10 + 3] = [12, 23]
    # with G = [1, 0]: dL/dx = G full-convolved with flipped w = [10, 1, 0]; dL/dw = [x0, x1] = [1, 2]
    x = torch.tensor([[[[1.0, 2.0, 3.0]]]])
    w = torch.tensor([[[[10.0, 1.0]]]])
    g = torch.tensor([[[[1.0, 0.0]]]])
    assert torch.equal(conv2d_input(x.shape, w, g), torch.tensor([[[[10.0, 1.0, 0.0]]]]))
    assert torch.equal(conv2d_weight(x, w.shape, g), torch.tensor([[[[1.0, 2.0]]]]))


def test_remainder_rows_get_no_gradient():
    # 8 rows, k=3, s=2, p=0: outputs read rows 0..6; row 7 is never used
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(2))
    w = torch.randn(1, 1, 3, 3, generator=torch.Generator().manual_seed(3))
    g = torch.ones(1, 1, 3, 3)
    dx = conv2d_input(x.shape, w, g, stride=2)
    assert (dx[..., 7, :] == 0).all() and (dx[..., :, 7] == 0).all()


def test_bias_gradient_and_function_without_bias():
    x = torch.randn(2, 3, 5, 5, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 3, 3, 3, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, dtype=torch.float64, requires_grad=True)
    Conv2dFunction.apply(x, w, b, 1, 1, 1).sum().backward()
    assert_close(b.grad, torch.full((2,), 2 * 25.0, dtype=torch.float64))  # N * H_out * W_out ones
    y = Conv2dFunction.apply(x, w, None, 1, 0, 1)
    assert y.shape == (2, 2, 3, 3)


def test_bad_input():
    x, w = torch.zeros(1, 3, 6, 6), torch.zeros(4, 3, 3, 3)
    g = torch.zeros(1, 4, 4, 4)
    with pytest.raises(ValueError, match="spatial size"):
        conv2d_input(x.shape, w, torch.zeros(1, 4, 5, 5))
    with pytest.raises(ValueError, match="disagree"):
        conv2d_weight(x, (4, 2, 3, 3), g)
    with pytest.raises(ValueError, match="grad_output must have shape"):
        conv2d_input(x.shape, w, torch.zeros(4, 4, 4))
    with pytest.raises(TypeError, match="weight"):
        conv2d_input(x.shape, [[1.0]], g)
    with pytest.raises(ValueError, match="stride"):
        conv2d_weight(x, w.shape, g, stride=0)
    with pytest.raises(TypeError, match="padding"):
        conv2d_weight(x, w.shape, g, padding=1.5)
