import pytest
import torch

from cvbook.optim import l1_penalty, l2_penalty, soft_threshold


def test_penalties_by_hand():
    # |1| + |-2| + |0.5| = 3.5; 0.5 (1 + 4 + 0.25) = 2.625.
    ps = [torch.tensor([1.0, -2.0]), torch.tensor([[0.5]])]
    assert l1_penalty(ps).item() == pytest.approx(3.5)
    assert l2_penalty(ps).item() == pytest.approx(2.625)


def test_l2_gradient_is_weight_decay():
    w = torch.randn(5, requires_grad=True, generator=torch.Generator().manual_seed(0))
    l2_penalty([w]).backward()
    assert torch.allclose(w.grad, w.detach())


def test_soft_threshold_is_the_l1_prox():
    # prox minimises 0.5 (u - w)^2 + tau |u|; compare with a brute-force search on a fine grid.
    w = torch.tensor([-2.0, -0.3, 0.0, 0.2, 1.5], dtype=torch.float64)
    tau = 0.5
    grid = torch.linspace(-3, 3, 60001, dtype=torch.float64)
    brute = torch.stack([grid[(0.5 * (grid - wi) ** 2 + tau * grid.abs()).argmin()] for wi in w])
    assert torch.allclose(soft_threshold(w, tau), brute, atol=1e-4)
    assert torch.equal(soft_threshold(w, tau)[1:4], torch.zeros(3, dtype=torch.float64))
    with pytest.raises(ValueError, match="tau must be >= 0"):
        soft_threshold(w, -1.0)
