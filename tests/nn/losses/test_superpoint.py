"""SuperPoint's detector loss (ln 65 at uniform logits) and descriptor hinge loss."""
import math

import pytest
import torch

from cvbook.nn.losses import descriptor_correspondence, descriptor_loss, detector_loss
from cvbook.testing import assert_close, gradcheck64


def test_uniform_logits_give_ln65(dtype):
    logits = torch.zeros(2, 65, 15, 20, dtype=dtype)
    labels = torch.randint(65, (2, 15, 20), generator=torch.Generator().manual_seed(0))
    loss = detector_loss(logits, labels)
    assert_close(loss, torch.tensor(math.log(65), dtype=dtype))
    assert round(math.log(65), 4) == 4.1744  # the diary's initial loss


def test_is_the_mean_over_cells_of_minus_log_softmax(generator, dtype):
    logits = torch.randn(2, 65, 3, 4, generator=generator, dtype=dtype)
    labels = torch.randint(65, (2, 3, 4), generator=generator)
    by_hand = -torch.log(torch.exp(logits) / torch.exp(logits).sum(1, keepdim=True))  # Eq. 3 as written
    expected = by_hand.gather(1, labels[:, None])[:, 0].mean()
    assert_close(detector_loss(logits, labels), expected)
    assert detector_loss(logits, labels, reduction="none").shape == (2, 3, 4)
    assert_close(detector_loss(logits[0], labels[0]), by_hand[0].gather(0, labels[0][None]).mean())


def test_exact_where_the_naive_formula_overflows():
    logits = torch.zeros(1, 65, 1, 1)
    logits[0, 3] = 100.0  # exp(100) = inf in float32
    labels = torch.tensor([[[3]]])
    naive = -torch.log(torch.exp(logits[0, 3]) / torch.exp(logits).sum(1))
    assert not torch.isfinite(naive).all()
    # exact: -log(e^100 / (e^100 + 64)) = log(1 + 64 e^-100) ~ 64 e^-100
    assert_close(detector_loss(logits, labels), torch.tensor(64 * math.exp(-100)))


def test_gradient():
    labels = torch.tensor([[[0, 64]]])
    assert gradcheck64(lambda x: detector_loss(x, labels), [torch.randn(1, 65, 1, 2)])


def test_detector_loss_bad_input():
    with pytest.raises(ValueError, match="0 .. 64"):
        detector_loss(torch.zeros(1, 65, 1, 1), torch.tensor([[[65]]]))
    with pytest.raises(ValueError, match="labels must have shape"):
        detector_loss(torch.zeros(1, 65, 2, 2), torch.zeros(1, 2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="integer"):
        detector_loss(torch.zeros(1, 65, 1, 1), torch.zeros(1, 1, 1))


def test_correspondence_identity_and_shift():
    eye = descriptor_correspondence(torch.eye(3, dtype=torch.float64), (16, 24))
    assert torch.equal(eye, torch.eye(6))  # neighbours are exactly 8 px away: not within
    shift = torch.tensor([[1.0, 0, 8], [0, 1, 0], [0, 0, 1]])  # one cell to the right
    s = descriptor_correspondence(shift, (16, 24))
    # cell (0, 0) -> (0, 1), (0, 1) -> (0, 2); cell (0, 2) leaves the image
    assert s[0].tolist() == [0, 1, 0, 0, 0, 0] and s[1].tolist() == [0, 0, 1, 0, 0, 0] and s[2].sum() == 0


def test_descriptor_loss_by_hand():
    # two cells, 2-d descriptors: d1 = (e1, e2), d2 = (e1, e1); s = identity
    d1 = torch.tensor([[1.0, 0.0], [0.0, 1.0]]).T.reshape(1, 2, 1, 2)
    d2 = torch.tensor([[1.0, 0.0], [1.0, 0.0]]).T.reshape(1, 2, 1, 2)
    s = torch.eye(2)
    # pairs: (0,0) pos dot 1 -> 0; (0,1) neg dot 1 -> 1 - 0.2 = 0.8; (1,0) neg dot 0 -> 0;
    # (1,1) pos dot 0 -> 250 * (1 - 0) = 250. Mean over 4 pairs: 250.8 / 4
    assert_close(descriptor_loss(d1, d2, s), torch.tensor(250.8 / 4))
    assert_close(descriptor_loss(d1, d2, s, lambda_d=1.0), torch.tensor(1.8 / 4))


def test_descriptor_loss_gradient_and_errors():
    s = torch.eye(4)
    assert gradcheck64(lambda a, b: descriptor_loss(a, b, s), [torch.randn(1, 3, 2, 2), torch.randn(1, 3, 2, 2)])
    with pytest.raises(ValueError, match="correspondence"):
        descriptor_loss(torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 2, 2), torch.eye(3))
    with pytest.raises(ValueError, match="one shape"):
        descriptor_loss(torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 2, 3), torch.eye(4))
