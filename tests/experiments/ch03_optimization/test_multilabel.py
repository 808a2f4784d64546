"""The multi-label page's driver: the two losses against torch, a tiny reproducible run."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.experiments.ch03_optimization.multilabel import (LOSSES, MultilabelRun, multilabel_data, multilabel_loss,
                                                             multilabel_probabilities, normalised_target,
                                                             train_multilabel)
from cvbook.testing import assert_close


def test_normalised_target_rows_sum_to_one_and_empty_rows_stay_zero():
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    q = normalised_target(y)
    assert q.tolist()[0] == [0.5, 0.0, 0.5] and q.tolist()[1] == [0.0, 0.0, 0.0]
    assert_close(q[2], torch.full((3,), 1 / 3))


def test_losses_equal_their_formulas_and_torch(dtype, generator):
    z = torch.randn(6, 4, generator=generator, dtype=dtype)
    y = (torch.rand(6, 4, generator=generator) < 0.5).to(dtype)
    y[0] = 1
    p = z.sigmoid()
    bce = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
    assert_close(multilabel_loss("bce")(z, y), bce, scale=10)
    q = y / y.sum(1, keepdim=True).clamp(min=1)
    soft = -(q * z.log_softmax(1)).sum(1).mean()
    assert_close(multilabel_loss("softmax")(z, y), soft)
    assert_close(multilabel_loss("softmax")(z, y), F.cross_entropy(z, q))  # torch's probability targets
    assert_close(multilabel_probabilities(z, "softmax").sum(1), torch.ones(6, dtype=dtype))
    assert_close(multilabel_probabilities(z, "bce"), p)


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="loss must be one of"):
        multilabel_loss("mse")
    with pytest.raises(ValueError, match="loss must be one of"):
        multilabel_probabilities(torch.zeros(1, 2), "hinge")


def test_tiny_run_is_reproducible_and_well_formed():
    data = multilabel_data(16, 8, 8, size=16, seed=0)
    assert data.train.images.shape == (16, 1, 16, 16) and data.test.targets.shape == (8, 4)
    with pytest.raises(ValueError, match="n_val"):
        multilabel_data(4, 0, 4, size=16)
    runs = {loss: train_multilabel(data, loss, seed=0, epochs=1, batch_size=8) for loss in LOSSES}
    again = train_multilabel(data, "softmax", seed=0, epochs=1, batch_size=8)
    assert torch.equal(again.test_probs, runs["softmax"].test_probs)
    for loss, r in runs.items():
        assert isinstance(r, MultilabelRun) and r.loss == loss and r.test_probs.shape == (8, 4)
        assert r.val_probs.shape == (8, 4) and r.thresholds.shape == (4,) and 0 <= r.map <= 1
    assert_close(runs["softmax"].test_probs.sum(1), torch.ones(8))
    with pytest.raises(ValueError, match="epochs"):
        train_multilabel(data, "bce", seed=0, epochs=0)
