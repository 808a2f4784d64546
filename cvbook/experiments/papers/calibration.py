"""Plain cross-entropy, label smoothing and mixup on scikit-learn's digits: accuracy, calibration, logit gap.

Reference: H. Zhang et al., "mixup", ICLR 2018; C. Szegedy et al., "Rethinking the Inception
Architecture", CVPR 2016 (label smoothing); C. Guo et al., "On Calibration of Modern Neural Networks",
ICML 2017 (ECE).
Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from cvbook._checks import as_generator
from cvbook.data.mixup import mixup
from cvbook.data import DataSplit
from cvbook.experiments.papers.triplet import digit_vectors
from cvbook.metrics import ReliabilityBins, reliability_bins

__all__ = ["CalibrationRun", "train_calibration"]


@dataclass(frozen=True)
class CalibrationRun:
    """Test ``accuracy``, ``ece`` (15 bins), ``logit_gap`` (mean top-1 logit minus the mean of the others),
    ``confidence`` (mean top-1 probability) and the reliability ``bins``."""

    accuracy: float
    ece: float
    logit_gap: float
    confidence: float
    bins: ReliabilityBins


def train_calibration(data: DataSplit, seed: int, label_smoothing: float = 0.0, mixup_alpha: float = 0.0,
                      epochs: int = 30, batch_size: int = 64, lr: float = 2e-3, hidden: int = 128) -> CalibrationRun:
    """Train a 64-``hidden``-10 MLP with Adam; label smoothing and mixup as asked (not both).

    ``data``: 8x8 digits, e.g. ``digits_benchmark(1300, 497, channels=1)``."""
    x_train, y_train, x_test, y_test = digit_vectors(data)
    g = as_generator(seed)
    with torch.random.fork_rng():            # torch's default initialisers, seeded, global state untouched
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    n = len(y_train)
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            x, y = x_train[idx], y_train[idx]
            if mixup_alpha > 0:
                b = mixup(x, y, 10, mixup_alpha, generator=g)
                loss = F.cross_entropy(net(b.inputs), b.targets)
            else:
                loss = F.cross_entropy(net(x), y, label_smoothing=label_smoothing)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        z = net(x_test)
        probs = z.softmax(1)
        top, others = z.max(1).values, (z.sum(1) - z.max(1).values) / (z.shape[1] - 1)
        bins = reliability_bins(probs.double(), y_test, 15)
        acc = float((z.argmax(1) == y_test).double().mean())
    return CalibrationRun(acc, bins.ece, float((top - others).mean()), float(probs.max(1).values.mean()), bins)
