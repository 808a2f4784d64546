import pytest
import torch

from cvbook.nn.norm import FRN, filter_response_norm


def test_hand_values():
    # one channel holding [1, 1, 1, 1] * 2: nu2 = 4, so x_hat = 1 everywhere (eps = 0)
    x = torch.full((1, 1, 2, 2), 2.0, dtype=torch.float64)
    one = torch.ones(1, dtype=torch.float64)
    torch.testing.assert_close(filter_response_norm(x, one, 0 * one, eps=0.0), torch.ones_like(x))
    # values (3, -4, 0, 0): nu2 = 25/4, x_hat = (1.2, -1.6, 0, 0); gamma 2, beta 0.5 -> (2.9, -2.7, .5, .5);
    # TLU with tau = 0 clips the negative entry to 0
    x = torch.tensor([3.0, -4.0, 0.0, 0.0], dtype=torch.float64).reshape(1, 1, 2, 2)
    y = filter_response_norm(x, 2 * one, 0.5 * one, tau=0 * one, eps=0.0)
    torch.testing.assert_close(y.flatten(), torch.tensor([2.9, 0.0, 0.5, 0.5], dtype=torch.float64))


def test_no_mean_subtraction_and_scale_invariance():
    x = torch.rand(2, 3, 4, 4, dtype=torch.float64) + 1.0  # all positive
    frn = FRN(3, eps=0.0, use_tlu=False).double()
    y = frn(x)
    assert (y > 0).all()  # FRN does not centre
    torch.testing.assert_close(frn(5 * x), y)  # invariant to a positive rescale per sample


def test_module_gradcheck_and_errors():
    frn = FRN(2).double()
    x = torch.randn(2, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: frn(x), (x,))
    with pytest.raises(ValueError, match=r"\(N, 2, H, W\)"):
        frn(torch.randn(2, 3, 3, 3))
    with pytest.raises(ValueError, match="eps"):
        filter_response_norm(torch.randn(1, 1, 2, 2), torch.ones(1), torch.ones(1), eps=-1.0)
