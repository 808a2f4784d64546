"""Triplet-loss training on P×K batches of scikit-learn's digits: batch-hard, batch-all, random triplets.

Reference: A. Hermans, L. Beyer and B. Leibe, "In Defense of the Triplet Loss for Person Re-Identification",
arXiv:1703.07737, 2017.
Taught in: notebooks/08_papers/02_triplet_mining.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator
from cvbook.nn.losses import batch_all_triplet_loss, batch_hard_triplet_loss, pairwise_distances, triplet_hinges
from cvbook.runtime import record_data

__all__ = ["DigitsSplit8", "load_digits8", "pk_batch", "random_triplet_loss", "recall_at_1", "TripletRun",
           "train_triplet"]


@dataclass(frozen=True)
class DigitsSplit8:
    """scikit-learn digits as 64-dimensional vectors in [0, 1]: ``x_train (N, 64)``, ``y_train`` ..."""

    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor


def load_digits8(n_test: int = 497, seed: int = 0) -> DigitsSplit8:
    """The 1797 8×8 digits of ``sklearn.datasets.load_digits``, flattened, divided by 16, split at random."""
    from sklearn.datasets import load_digits

    d = load_digits()
    record_data("scikit-learn digits (8x8, 1797 images)")
    x = torch.tensor(d.data, dtype=torch.float32) / 16
    y = torch.tensor(d.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=as_generator(seed))
    te, tr = perm[:n_test], perm[n_test:]
    return DigitsSplit8(x[tr], y[tr], x[te], y[te])


def pk_batch(labels: Tensor, p: int, k: int, generator: torch.Generator) -> Tensor:
    """Indices of a P×K batch: ``p`` random classes, ``k`` random samples of each (``LongTensor[p k]``)."""
    classes = labels.unique()
    chosen = classes[torch.randperm(len(classes), generator=generator)[:p]]
    out = []
    for c in chosen:
        idx = (labels == c).nonzero()[:, 0]
        out.append(idx[torch.randperm(len(idx), generator=generator)[:k]])
    return torch.cat(out)


def random_triplet_loss(embeddings: Tensor, labels: Tensor, margin: float, generator: torch.Generator) -> Tensor:
    """The baseline: one random valid triplet per anchor (a random positive and a random negative)."""
    hinges, trip = triplet_hinges(embeddings, labels, margin)
    keys = torch.rand(len(trip), generator=generator)
    # for each anchor keep the triplet with the largest random key: a uniform choice among its triplets
    order = torch.argsort(keys, descending=True)
    sorted_a, pos = torch.sort(trip[order, 0], stable=True)   # anchors in order, best key first within each
    first_sorted = torch.ones_like(sorted_a, dtype=torch.bool)
    first_sorted[1:] = sorted_a[1:] != sorted_a[:-1]
    if not first_sorted.any():
        return embeddings.sum() * 0.0
    return hinges[order][pos[first_sorted]].mean()


def recall_at_1(embeddings: Tensor, labels: Tensor) -> float:
    """Fraction of samples whose nearest other sample (Euclidean) has the same label."""
    d = pairwise_distances(embeddings)
    d.fill_diagonal_(float("inf"))
    return float((labels[d.argmin(1)] == labels).double().mean())


@dataclass(frozen=True)
class TripletRun:
    """``recall``: test recall@1; ``active``: fraction of valid triplets with a positive hinge, per step."""

    recall: float
    active: tuple[float, ...]


def train_triplet(data: DigitsSplit8, mining: str, seed: int, steps: int = 300, p: int = 5, k: int = 4,
                  margin: float = 0.2, dim: int = 16, lr: float = 3e-3) -> TripletRun:
    """Train a 64-64-``dim`` MLP embedding (unit-normalised) with one mining strategy.

    ``mining``: ``"batch_hard"``, ``"batch_all"`` (mean over all valid triplets) or ``"random"``.
    """
    g = as_generator(seed)
    with torch.random.fork_rng():            # torch's default initialisers, seeded, global state untouched
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, dim))
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    active = []
    for _ in range(steps):
        idx = pk_batch(data.y_train, p, k, g)
        emb = F.normalize(net(data.x_train[idx]), dim=1)
        y = data.y_train[idx]
        if mining == "batch_hard":
            loss = batch_hard_triplet_loss(emb, y, margin)
        elif mining == "batch_all":
            loss = batch_all_triplet_loss(emb, y, margin)
        elif mining == "random":
            loss = random_triplet_loss(emb, y, margin, g)
        else:
            raise ValueError(f"mining must be 'batch_hard', 'batch_all' or 'random', got {mining!r}")
        with torch.no_grad():
            h, _ = triplet_hinges(emb, y, margin)
            active.append(float((h > 0).double().mean()))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        rec = recall_at_1(F.normalize(net(data.x_test), dim=1), data.y_test)
    return TripletRun(rec, tuple(active))
