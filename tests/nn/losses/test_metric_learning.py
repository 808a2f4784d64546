"""Metric-learning losses against brute-force loops over anchors and triplets."""
import itertools
import math

import pytest
import torch
import torch.nn.functional as F

from cvbook.nn.losses import (ArcFaceHead, CenterLoss, CosFaceHead, batch_all_triplet_loss, batch_hard_triplet_loss,
                              pairwise_distances, triplet_hinges, valid_triplets)
from cvbook.testing import assert_close, gradcheck64


def brute_triplets(labels):
    n = len(labels)
    return [(a, p, q) for a, p, q in itertools.product(range(n), repeat=3)
            if labels[a] == labels[p] and a != p and labels[q] != labels[a]]


def test_valid_triplets_matches_enumeration(generator):
    labels = torch.randint(0, 4, (11,), generator=generator)
    got = valid_triplets(labels)
    assert got.dtype == torch.int64 and got.shape[1] == 3
    assert got.tolist() == [list(t) for t in brute_triplets(labels.tolist())]


@pytest.mark.parametrize("b", [1, 2, 3, 5])
def test_note_count_6b2_minus_4b(b):
    # B triplets: anchor and positive share label i, the negative has its own label B + i, so every
    # one of the other 3B - 2 images is a negative for both ordered (anchor, positive) pairs
    labels = torch.tensor([i for i in range(b) for _ in range(2)] + [b + i for i in range(b)])
    assert valid_triplets(labels).shape[0] == 6 * b * b - 4 * b


def test_valid_triplets_degenerate():
    assert valid_triplets(torch.tensor([0, 1, 2])).shape == (0, 3)      # no positives
    assert valid_triplets(torch.tensor([3, 3, 3])).shape == (0, 3)      # no negatives
    assert valid_triplets(torch.zeros(0, dtype=torch.long)).shape == (0, 3)
    with pytest.raises(ValueError, match="integer"):
        valid_triplets(torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="integer"):
        valid_triplets(torch.zeros(2, 2, dtype=torch.long))


def test_pairwise_distances_matches_cdist_and_has_finite_grad(dtype, generator):
    e = torch.randn(7, 3, generator=generator).to(dtype)
    assert_close(pairwise_distances(e), torch.cdist(e, e), scale=10)
    x = e.clone().requires_grad_(True)
    pairwise_distances(x).sum().backward()
    assert torch.isfinite(x.grad).all()


def brute_batch_hard(e, labels, margin):
    losses = []
    for a in range(len(labels)):
        dp = [torch.dist(e[a], e[p]) for p in range(len(labels)) if p != a and labels[p] == labels[a]]
        dn = [torch.dist(e[a], e[q]) for q in range(len(labels)) if labels[q] != labels[a]]
        if dp and dn:
            losses.append(max(0.0, max(dp).item() - min(dn).item() + margin))
    return sum(losses) / len(losses)


def brute_batch_all(e, labels, margin, nonzero):
    h = [max(0.0, (torch.dist(e[a], e[p]) - torch.dist(e[a], e[q])).item() + margin)
         for a, p, q in brute_triplets(labels.tolist())]
    count = sum(v > 0 for v in h) if nonzero else len(h)
    return sum(h) / count


@pytest.mark.parametrize("margin", [0.0, 0.5, 2.0])
def test_batch_hard_matches_brute_force(dtype, generator, margin):
    labels = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 3])     # class 3 has no positive: not an anchor
    e = torch.randn(9, 4, generator=generator).to(dtype)
    got = batch_hard_triplet_loss(e, labels, margin)
    assert got.item() == pytest.approx(brute_batch_hard(e.double(), labels, margin), rel=1e-5)


@pytest.mark.parametrize("nonzero", [False, True])
def test_batch_all_matches_brute_force(dtype, generator, nonzero):
    labels = torch.tensor([0, 0, 1, 1, 1, 2, 2, 2])
    e = torch.randn(8, 3, generator=generator).to(dtype)
    got = batch_all_triplet_loss(e, labels, 0.5, nonzero=nonzero)
    assert got.item() == pytest.approx(brute_batch_all(e.double(), labels, 0.5, nonzero), rel=1e-5)
    hinges, trip = triplet_hinges(e, labels, 0.5)
    assert hinges.shape == (trip.shape[0],) and (hinges >= 0).all()


def test_nonzero_variant_is_larger_when_some_triplets_are_easy():
    # two well separated classes on a line, plus one class-0 sample half-way: the triplets that use it
    # are active, the others are not, so dividing by the active count gives the larger mean
    e = torch.tensor([[0.0], [0.1], [10.0], [10.1], [5.0]])
    labels = torch.tensor([0, 0, 1, 1, 0])
    assert batch_all_triplet_loss(e, labels, 0.2, nonzero=True) > batch_all_triplet_loss(e, labels, 0.2)


def test_triplet_losses_gradcheck(generator):
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    e = torch.randn(6, 3, generator=generator, dtype=torch.float64) * 0.3
    assert gradcheck64(lambda x: batch_hard_triplet_loss(x, labels, 1.0), [e])
    assert gradcheck64(lambda x: batch_all_triplet_loss(x, labels, 1.0), [e])


def test_triplet_losses_degenerate_and_errors():
    e = torch.randn(3, 2, requires_grad=True)
    for loss in (batch_hard_triplet_loss(e, torch.tensor([0, 1, 2])), batch_all_triplet_loss(e, torch.tensor([0, 0, 0])),
                 batch_all_triplet_loss(e, torch.tensor([0, 1, 2]), nonzero=True)):
        assert loss.item() == 0.0
        loss.backward()                      # still attached to the graph
    with pytest.raises(ValueError, match="one entry per embedding"):
        batch_hard_triplet_loss(torch.randn(3, 2), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="margin"):
        batch_all_triplet_loss(torch.randn(3, 2), torch.tensor([0, 0, 1]), margin=-1.0)
    with pytest.raises(ValueError, match="embeddings must have shape"):
        batch_hard_triplet_loss(torch.randn(3), torch.tensor([0, 0, 1]))


def test_center_loss_matches_formula(dtype, generator):
    loss = CenterLoss(3, 2, generator=0).to(dtype)
    x = torch.randn(5, 2, generator=generator).to(dtype)
    y = torch.tensor([0, 2, 2, 1, 0])
    expected = sum(0.5 * ((x[i] - loss.centers[y[i]]) ** 2).sum() for i in range(5)) / 5
    assert_close(loss(x, y), expected)
    # at the centres the loss is zero
    assert loss(loss.centers.detach()[y], y).item() == 0.0
    assert CenterLoss(3, 2, generator=0).centers.equal(CenterLoss(3, 2, generator=0).centers)
    assert loss(x[:0], y[:0]).item() == 0.0
    with pytest.raises(ValueError, match="labels must lie"):
        loss(x, torch.tensor([0, 1, 2, 3, 0]))
    with pytest.raises(ValueError, match="columns"):
        loss(torch.randn(5, 3, dtype=dtype), y)


def test_cosface_and_arcface_logits_brute_force(generator):
    x = torch.randn(6, 4, generator=generator, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    for head, m in ((CosFaceHead(4, 3, scale=10.0, margin=0.35, generator=1), 0.35),
                    (ArcFaceHead(4, 3, scale=10.0, margin=0.5, generator=1), 0.5)):
        head = head.double()
        w = head.weight
        cos = torch.stack([torch.stack([torch.dot(xi, wj) / (xi.norm() * wj.norm()) for wj in w]) for xi in x])
        assert_close(head(x), 10.0 * cos)                  # evaluation: plain scaled cosines
        expected = cos.clone()
        for i, c in enumerate(y.tolist()):
            theta = math.acos(cos[i, c].item())
            if isinstance(head, CosFaceHead):
                expected[i, c] = cos[i, c] - m
            elif theta + m <= math.pi:
                expected[i, c] = math.cos(theta + m)
            else:
                expected[i, c] = cos[i, c] - math.sin(math.pi - m) * m
        assert_close(head(x, y), 10.0 * expected, scale=100)


def test_arcface_is_monotone_past_pi_and_rejects_big_margin():
    head = ArcFaceHead(2, 2, scale=1.0, margin=1.0).double()
    cos = torch.linspace(-1, 1, 201, dtype=torch.float64)[:, None]
    logit = head._target_logit(cos)[:, 0]
    assert (logit.diff() > 0).all()                        # larger cosine, larger logit, everywhere
    with pytest.raises(ValueError, match="pi/2"):
        ArcFaceHead(2, 2, margin=2.0)
    with pytest.raises(ValueError, match="columns"):
        head(torch.randn(3, 5, dtype=torch.float64))


def test_margin_heads_train_with_cross_entropy(generator):
    head = CosFaceHead(2, 2, generator=0)
    x = torch.randn(8, 2, generator=generator, requires_grad=True)
    y = torch.tensor([0, 1] * 4)
    F.cross_entropy(head(x, y), y).backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(head.weight.grad).all()
