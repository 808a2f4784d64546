"""2-D embeddings of scikit-learn's digits: softmax, softmax + center loss, and a CosFace head.

The trunk is a LeNets++-style network shrunk to 8×8 inputs: two 3×3 conv-PReLU layers (16 channels), 2×2 max
pooling, one 3×3 conv-PReLU (32), pooling, a 32-unit PReLU layer and a linear layer to a **2-D feature**, which is
what the classic feature plots show. Heads: a linear softmax classifier (``"softmax"``), the same plus
``lam * CenterLoss`` (``"center"``), or :class:`~cvbook.nn.losses.CosFaceHead` (``"cosface"``, scale 16,
margin 0.1). Departs from Wen et al.: their LeNets++ has six 5×5 conv layers for 28×28 MNIST and updates the
centres with their own rule (rate alpha); ours are learnt by Adam at their own learning rate.

Reference: Y. Wen, K. Zhang, Z. Li and Y. Qiao, ECCV 2016 (LeNets++, center loss); H. Wang et al., "CosFace",
CVPR 2018.
Taught in: notebooks/08_papers/07_center_loss.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator
from cvbook.data import DataSplit
from cvbook.experiments.papers.triplet import digit_vectors
from cvbook.metrics import ClassSeparation, class_separation
from cvbook.nn.losses import CenterLoss, CosFaceHead

__all__ = ["HEADS", "EmbeddingRun", "lenets_pp_digits", "train_embedding"]

HEADS = ("softmax", "center", "cosface")


def lenets_pp_digits(feat_dim: int = 2, seed: int = 0) -> nn.Module:
    """The trunk ``(B, 1, 8, 8) -> (B, feat_dim)``, initialised from ``seed``."""
    with torch.random.fork_rng():            # torch's default initialisers, seeded, global state untouched
        torch.manual_seed(seed)
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.PReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.PReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.PReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(128, 32), nn.PReLU(), nn.Linear(32, feat_dim))


@dataclass(frozen=True)
class EmbeddingRun:
    """Test ``accuracy``, the test features' ``separation``, and the test ``features (N, 2)`` with ``labels``."""

    accuracy: float
    separation: ClassSeparation
    features: Tensor
    labels: Tensor


def train_embedding(data: DataSplit, head: str, seed: int, epochs: int = 10, lam: float = 0.5,
                    center_lr: float = 0.05, batch_size: int = 64, lr: float = 1e-2) -> EmbeddingRun:
    """Train the trunk and one head (``"softmax"``, ``"center"`` or ``"cosface"``) with Adam; test on ``data``."""
    if head not in HEADS:
        raise ValueError(f"head must be one of {HEADS}, got {head!r}")
    x_train, y_train, x_test, y_test = digit_vectors(data)
    g = as_generator(seed)
    trunk = lenets_pp_digits(2, seed)
    if head == "cosface":
        classifier: nn.Module = CosFaceHead(2, 10, scale=16.0, margin=0.1, generator=seed)
    else:
        with torch.random.fork_rng():
            torch.manual_seed(seed + 1)
            classifier = nn.Linear(2, 10)
    center = CenterLoss(10, 2, generator=seed)
    groups = [{"params": list(trunk.parameters()) + list(classifier.parameters())}]
    if head == "center":
        groups.append({"params": list(center.parameters()), "lr": center_lr})
    opt = torch.optim.Adam(groups, lr=lr)
    x, y = x_train.view(-1, 1, 8, 8), y_train
    for _ in range(epochs):
        perm = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), batch_size):
            idx = perm[i:i + batch_size]
            f = trunk(x[idx])
            logits = classifier(f, y[idx]) if head == "cosface" else classifier(f)
            loss = F.cross_entropy(logits, y[idx])
            if head == "center":
                loss = loss + lam * center(f, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        f = trunk(x_test.view(-1, 1, 8, 8))
        acc = float((classifier(f).argmax(1) == y_test).double().mean())
    return EmbeddingRun(acc, class_separation(f, y_test), f, y_test)
