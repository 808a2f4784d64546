"""Focal loss against torchvision, the paper's claims, and the prior bias."""
import math

import pytest
import torch
import torch.nn.functional as F
import torchvision.ops as tvo

from cvbook.ops import prior_bias, sigmoid_focal_loss
from cvbook.testing import assert_close, gradcheck64


@pytest.mark.parametrize("alpha,gamma", [(0.25, 2.0), (-1, 0.0), (0.5, 0.5), (0.9, 5.0)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_matches_torchvision(alpha, gamma, reduction, dtype, generator):
    x = torch.randn(6, 7, generator=generator, dtype=dtype) * 3
    t = (torch.rand(6, 7, generator=generator) > 0.7).to(dtype)
    assert_close(sigmoid_focal_loss(x, t, alpha, gamma, reduction), tvo.sigmoid_focal_loss(x, t, alpha, gamma, reduction))


def test_gamma0_is_cross_entropy_and_hundred_fold(generator):
    x = torch.randn(20, generator=generator, dtype=torch.float64)
    t = (x > 0).double()
    assert_close(sigmoid_focal_loss(x, t, alpha=-1, gamma=0.0), F.binary_cross_entropy_with_logits(x, t, reduction="none"))
    # paper Sec. 3.2: at p_t = 0.9, FL(gamma=2) is 100x below CE: (1 - 0.9)^2 = 0.01
    logit = torch.tensor([math.log(0.9 / 0.1)], dtype=torch.float64)
    one = torch.ones(1, dtype=torch.float64)
    ratio = sigmoid_focal_loss(logit, one, alpha=-1, gamma=2.0) / sigmoid_focal_loss(logit, one, alpha=-1, gamma=0.0)
    assert math.isclose(ratio.item(), 0.01, rel_tol=1e-9)


def test_gradcheck(generator):
    x = torch.randn(5, generator=generator)
    t = torch.tensor([0.0, 1, 0, 1, 1])
    gradcheck64(lambda z: sigmoid_focal_loss(z, t.double()), [x])


def test_prior_bias():
    b = prior_bias(0.01)
    assert math.isclose(torch.sigmoid(torch.tensor(b, dtype=torch.float64)).item(), 0.01)
    assert math.isclose(b, -math.log(99))
    with pytest.raises(ValueError, match="prior"):
        prior_bias(1.0)
    with pytest.raises(ValueError, match="prior"):
        prior_bias(0.0)


def test_bad_and_empty_input():
    with pytest.raises(ValueError, match="same shape"):
        sigmoid_focal_loss(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="alpha"):
        sigmoid_focal_loss(torch.zeros(3), torch.zeros(3), alpha=2.0)
    with pytest.raises(ValueError, match="reduction"):
        sigmoid_focal_loss(torch.zeros(3), torch.zeros(3), reduction="avg")
    assert sigmoid_focal_loss(torch.zeros(0), torch.zeros(0), reduction="mean").item() == 0.0
