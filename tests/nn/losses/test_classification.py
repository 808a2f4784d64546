import pytest
import torch
import torch.nn.functional as F

from cvbook.nn import cross_entropy, log_softmax, logsumexp, multiclass_hinge, naive_cross_entropy
from cvbook.nn.losses import sigmoid_ce_logit_grad, sigmoid_mse_logit_grad


def test_logsumexp_and_log_softmax_match_torch(dtype, generator):
    x = torch.randn(6, 5, generator=generator).to(dtype) * 30
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    assert torch.allclose(logsumexp(x, 1), torch.logsumexp(x, 1), rtol=tol, atol=tol)
    assert torch.allclose(log_softmax(x, 0), F.log_softmax(x, 0), rtol=tol, atol=tol)
    big = torch.tensor([[1000.0, 0.0, -1000.0]], dtype=dtype)
    assert torch.isfinite(logsumexp(big)).all() and logsumexp(big).item() == pytest.approx(1000.0)
    assert logsumexp(torch.full((1, 3), float("-inf"))).item() == float("-inf")


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.4, 1.0])
def test_cross_entropy_matches_torch(dtype, generator, smoothing):
    logits = torch.randn(8, 6, generator=generator).to(dtype) * 5
    y = torch.randint(0, 6, (8,), generator=generator)
    assert torch.allclose(cross_entropy(logits, y, smoothing), F.cross_entropy(logits, y, label_smoothing=smoothing))


def test_naive_cross_entropy_overflows_where_stable_does_not():
    logits = torch.tensor([[100.0, 0.0], [0.0, 1.0]])
    y = torch.tensor([0, 1])
    assert not torch.isfinite(naive_cross_entropy(logits, y))          # exp(100) = inf in float32
    assert torch.allclose(cross_entropy(logits, y), F.cross_entropy(logits, y))
    small = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    assert torch.allclose(naive_cross_entropy(small, torch.tensor([0])), F.cross_entropy(small, torch.tensor([0])))


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_hinge_matches_torch(dtype, generator, margin):
    logits = torch.randn(10, 4, generator=generator).to(dtype)
    y = torch.randint(0, 4, (10,), generator=generator)
    assert torch.allclose(multiclass_hinge(logits, y, margin), F.multi_margin_loss(logits, y, margin=margin))


def test_hinge_by_hand():
    # Scores (3, 1, 2.5), true class 0, margin 1: violations max(0, 1-3+1)=0 and max(0, 1-3+2.5)=0.5;
    # divided by C = 3 -> 1/6.
    assert multiclass_hinge(torch.tensor([[3.0, 1.0, 2.5]]), torch.tensor([0])).item() == pytest.approx(0.5 / 3)


def test_sigmoid_output_gradients_match_autograd():
    z = torch.linspace(-10, 10, 21, dtype=torch.float64, requires_grad=True)
    y = torch.ones_like(z)
    (g_ce,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(z, y, reduction="sum"), z)
    (g_mse,) = torch.autograd.grad((0.5 * (torch.sigmoid(z) - y) ** 2).sum(), z)
    assert torch.allclose(sigmoid_ce_logit_grad(z.detach(), y), g_ce)
    assert torch.allclose(sigmoid_mse_logit_grad(z.detach(), y), g_mse)
    # Confidently wrong (z = -10, y = 1): CE still pushes with ~ -1, MSE with ~ -4.5e-5.
    assert sigmoid_ce_logit_grad(torch.tensor(-10.0), torch.tensor(1.0)).item() < -0.99
    assert abs(sigmoid_mse_logit_grad(torch.tensor(-10.0), torch.tensor(1.0)).item()) < 1e-4


def test_loss_bad_input():
    with pytest.raises(ValueError, match="target must be int64"):
        cross_entropy(torch.zeros(2, 3), torch.zeros(2))
    with pytest.raises(ValueError, match=r"logits must be a Tensor \(N, C\)"):
        multiclass_hinge(torch.zeros(3), torch.zeros(3, dtype=torch.int64))
    with pytest.raises(ValueError, match="label_smoothing must lie in"):
        cross_entropy(torch.zeros(2, 3), torch.zeros(2, dtype=torch.int64), 1.5)
