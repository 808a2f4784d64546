import pytest
import torch
from torch import nn

from cvbook.analysis import probe_along_gradient, train_with_probes
from cvbook.models import small_cnn


def test_probe_restores_model_with_bn():
    # the probes move the parameters and update BN's running statistics; both must be restored
    model = small_cnn(norm="bn", width=2, in_channels=1, num_classes=3)
    x, y = torch.randn(4, 1, 8, 8), torch.tensor([0, 1, 2, 0])
    before = {k: v.clone() for k, v in model.state_dict().items()}
    p = probe_along_gradient(model, x, y, [0.1, 0.5])
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert p.loss_variation >= 0 and p.grad_change >= 0 and p.beta >= 0


def test_beta_of_linear_softmax_at_zero_is_hand_computed():
    # Linear model logits = W x, W = 0, x = the 4 unit vectors, 2 classes, mean CE.
    # Hessian wrt W: mean_i (x_i x_i^T) kron (diag(p) - p p^T) = (I/4) kron [[.25, -.25], [-.25, .25]].
    # Each sample's gradient (p - onehot) x^T has p - onehot = +-(0.5, -0.5), the eigenvector of the
    # 2x2 block with eigenvalue 0.5, so H g = (1/4)(1/2) g = 0.125 g and, for a tiny step,
    # beta = ||g - g(W - eta g)|| / ||eta g|| = ||eta H g|| / ||eta g|| = 0.125.
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2, bias=False))
    nn.init.zeros_(model[1].weight)
    x = torch.eye(4).reshape(4, 1, 2, 2)
    y = torch.tensor([0, 1, 0, 1])
    p = probe_along_gradient(model, x, y, [1e-4])
    assert p.beta == pytest.approx(0.125, rel=1e-2)  # float32 gradient differences at eta=1e-4


def test_train_with_probes_records():
    model = small_cnn(norm="none", width=2, in_channels=1, num_classes=2)
    g = torch.Generator().manual_seed(0)
    batches = [(torch.randn(4, 1, 8, 8, generator=g), torch.tensor([0, 1, 0, 1])) for _ in range(5)]
    out = train_with_probes(model, batches, lr=0.1, step_sizes=[0.1], probe_every=2)
    assert out.step == [0, 1, 2, 3, 4] and out.probe_step == [0, 2, 4]
    assert len(out.beta) == 3
    with pytest.raises(ValueError, match="step_sizes"):
        probe_along_gradient(model, *batches[0], [])
    with pytest.raises(ValueError, match="probe_every"):
        train_with_probes(model, batches, 0.1, [0.1], probe_every=0)
