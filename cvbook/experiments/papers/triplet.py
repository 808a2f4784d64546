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
from cvbook.data import DataSplit

__all__ = ["digit_vectors", "pk_batch", "random_triplet_loss", "recall_at_1", "TripletRun", "train_triplet"]


def digit_vectors(data: DataSplit) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """``x_train (N, D)``, ``y_train (N,)``, ``x_test (M, D)``, ``y_test (M,)`` of a split of images
    ``(N, C, H, W)``, each image flattened (the 8x8 digits become 64-vectors)."""
    (x_train, y_train), (x_test, y_test) = data.train.tensors, data.test.tensors
    return x_train.flatten(1), y_train, x_test.flatten(1), y_test


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


def train_triplet(data: DataSplit, mining: str, seed: int, steps: int = 300, p: int = 5, k: int = 4,
                  margin: float = 0.2, dim: int = 16, lr: float = 3e-3) -> TripletRun:
    """Train a 64-64-``dim`` MLP embedding (unit-normalised) with one mining strategy.

    ``mining``: ``"batch_hard"``, ``"batch_all"`` (mean over all valid triplets) or ``"random"``.
    ``data``: 8x8 digits, e.g. ``digits_benchmark(1300, 497, channels=1)``.
    """
    x_train, y_train, x_test, y_test = digit_vectors(data)
    g = as_generator(seed)
    with torch.random.fork_rng():            # torch's default initialisers, seeded, global state untouched
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, dim))
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    active = []
    for _ in range(steps):
        idx = pk_batch(y_train, p, k, g)
        emb = F.normalize(net(x_train[idx]), dim=1)
        y = y_train[idx]
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
        rec = recall_at_1(F.normalize(net(x_test), dim=1), y_test)
    return TripletRun(rec, tuple(active))
