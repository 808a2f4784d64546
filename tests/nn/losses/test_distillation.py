"""Hinton's distillation loss against torch's kl_div and cross_entropy, and its gradient by hand."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.nn.losses.distillation import DistillationLoss, distillation_loss
from cvbook.testing import assert_close, gradcheck64


def _logits(seed, n=6, k=5):
    return torch.randn(n, k, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 2


def test_equals_torch_kl_div_and_cross_entropy():
    s, t = _logits(0), _logits(1)
    y = torch.tensor([0, 1, 2, 3, 4, 0])
    T, a = 3.0, 0.7
    kl = F.kl_div(F.log_softmax(s / T, 1), F.log_softmax(t / T, 1), reduction="batchmean", log_target=True)
    ref = a * T * T * kl + (1 - a) * F.cross_entropy(s, y)
    assert_close(distillation_loss(s, t, y, T, a), ref)
    assert_close(DistillationLoss(T, a)(s, t, y), ref)


def test_soft_gradient_is_T_times_q_minus_p_over_n():
    # d/ds [T^2 KL(p || q)] with q = softmax(s/T): T^2 * (q - p) / T / N = T (q - p) / N
    s, t = _logits(2).requires_grad_(True), _logits(3)
    T = 4.0
    distillation_loss(s, t, torch.zeros(6, dtype=torch.long), T, alpha=1.0).backward()
    expected = T * (F.softmax(s.detach() / T, 1) - F.softmax(t / T, 1)) / 6
    assert_close(s.grad, expected)
    assert gradcheck64(lambda z: distillation_loss(z, t, torch.zeros(6, dtype=torch.long), T, 0.5), [s])


def test_same_logits_leave_only_the_hard_term():
    s = _logits(4)
    y = torch.arange(6) % 5
    assert_close(distillation_loss(s, s.clone(), y, 2.0, 0.5), 0.5 * F.cross_entropy(s, y))
    assert_close(distillation_loss(s, s.clone(), y, 2.0, 1.0), torch.tensor(0.0, dtype=torch.float64))


def test_bad_input():
    s, y = _logits(0), torch.zeros(6, dtype=torch.long)
    with pytest.raises(ValueError, match=r"both be \(N, K\)"):
        distillation_loss(s, s[:, :3], y)
    with pytest.raises(ValueError, match="empty batch"):
        distillation_loss(s[:0], s[:0], y[:0])
    with pytest.raises(ValueError, match=r"target must be \(N,\)"):
        distillation_loss(s, s, y[:3])
    with pytest.raises(ValueError, match="temperature must be > 0"):
        distillation_loss(s, s, y, temperature=0.0)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        DistillationLoss(alpha=1.5)
