"""The multi-label page's experiment: one small CNN trained with C sigmoids + binary cross-entropy,
or with one softmax against the multi-hot target normalised to sum 1, on the shape scenes.

- :func:`multilabel_data`: train / validation / test scenes (``cvbook.data.shapes.make_multilabel_set``),
  drawn once from one seed; the training seeds vary the network and the shuffle only.
- :func:`multilabel_loss` / :func:`multilabel_probabilities`: the two formulations (torch's
  ``binary_cross_entropy_with_logits``; ``cross_entropy`` with probability targets).
- :func:`train_multilabel`: Adam for ``epochs`` epochs, then test AP, scores at a global 0.5 and at
  per-class thresholds chosen on the validation set, as a frozen :class:`MultilabelRun`.

Reference: Mahajan et al. 2018, "Exploring the Limits of Weakly Supervised Pretraining" (softmax
against a multi-hot target normalised to sum 1, for hashtag labels); Tsoumakas and Katakis 2007
(independent binary relevance, here one sigmoid per class).
Taught in: notebooks/03_optimization/13_multilabel.ipynb
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.data.shapes.multilabel import MultilabelSet, make_multilabel_set
from cvbook.metrics.multilabel import (MultilabelAP, MultilabelScores, best_thresholds,
                                       multilabel_average_precision, multilabel_scores)
from cvbook.models.classification.small_cnn import small_cnn
from cvbook.train.history import History
from cvbook.train.loop import fit

__all__ = ["LOSSES", "MultilabelData", "MultilabelRun", "multilabel_data", "multilabel_loss",
           "multilabel_probabilities", "normalised_target", "train_multilabel"]

#: the two formulations: C independent sigmoids + BCE, or one softmax against the normalised target
LOSSES: tuple[str, ...] = ("bce", "softmax")


@dataclass(frozen=True)
class MultilabelData:
    """Three disjoint draws of the scenes: ``train`` (fit), ``val`` (choose thresholds), ``test`` (score)."""

    train: MultilabelSet
    val: MultilabelSet
    test: MultilabelSet


def multilabel_data(n_train: int, n_val: int, n_test: int, *, size: int = 32,
                    kinds: Sequence[str] = ("line", "star", "checkerboard", "ellipse"),
                    n_objects: tuple[int, int] = (1, 3), seed: int = 0) -> MultilabelData:
    """Train / validation / test scenes from one generator seeded with ``seed`` (drawn in that order).

    The default kinds are four shapes that a small CNN tells apart at 32x32 in a few epochs (triangles
    and quadrilaterals of a few pixels are much harder). Supersampling is off (1) to keep the
    page fast; the labels do not depend on it.
    """
    g = as_generator(seed)
    sets = [make_multilabel_set(check_int(n, name, minimum=1), size, kinds=kinds, n_objects=n_objects, seed=g,
                                supersample=1) for n, name in ((n_train, "n_train"), (n_val, "n_val"), (n_test, "n_test"))]
    return MultilabelData(*sets)


def _check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    return loss


def normalised_target(targets: Tensor) -> Tensor:
    """Multi-hot ``(N, C)`` -> rows summing to 1 (``y / |y|``); an all-zero row stays zero (no loss)."""
    return targets / targets.sum(1, keepdim=True).clamp(min=1)


def multilabel_loss(loss: str) -> Callable[[Tensor, Tensor], Tensor]:
    """The batch-mean loss ``(logits (N, C), multi-hot (N, C)) -> scalar`` of ``loss``.

    ``"bce"``: ``F.binary_cross_entropy_with_logits`` (mean over the N*C entries, torch's default);
    ``"softmax"``: ``F.cross_entropy(logits, normalised_target(y))`` (probability targets, mean over N).

    Raises:
        ValueError: ``loss`` not in :data:`LOSSES`.
    """
    if _check_loss(loss) == "bce":
        return F.binary_cross_entropy_with_logits
    return lambda logits, targets: F.cross_entropy(logits, normalised_target(targets))


def multilabel_probabilities(logits: Tensor, loss: str) -> Tensor:
    """Per-class probabilities ``(N, C)`` of a model trained with ``loss``: sigmoid or softmax of the logits."""
    return logits.sigmoid() if _check_loss(loss) == "bce" else logits.softmax(1)


@dataclass(frozen=True)
class MultilabelRun:
    """One training run: ``loss`` and ``seed``; ``val_probs``/``test_probs`` ``(N, C)``; test ``ap``;
    test scores at a global 0.5 (``at_half``) and at the per-class ``thresholds`` chosen on the
    validation set (``tuned``); the per-epoch ``history``."""

    loss: str
    seed: int
    val_probs: Tensor
    test_probs: Tensor
    ap: MultilabelAP
    at_half: MultilabelScores
    thresholds: Tensor
    tuned: MultilabelScores
    history: History

    @property
    def map(self) -> float:
        """The test mAP."""
        return self.ap.mean


def _predict(model: torch.nn.Module, images: Tensor, loss: str, batch: int = 256) -> Tensor:
    model.eval()
    with torch.no_grad():
        return torch.cat([multilabel_probabilities(model(images[i:i + batch]), loss)
                          for i in range(0, images.shape[0], batch)])


def train_multilabel(data: MultilabelData, loss: str, seed: int, *, epochs: int, batch_size: int = 32,
                     lr: float = 3e-3, width: int = 8) -> MultilabelRun:
    """Train ``small_cnn(width=width, num_classes=C)`` (BN, three blocks) with Adam on ``data.train``.

    The network's weights and the shuffle come from ``seed``; everything runs on the CPU.

    Raises:
        ValueError: unknown ``loss``; non-positive ``epochs``, ``batch_size``, ``lr`` or ``width``.

    Taught in: notebooks/03_optimization/13_multilabel.ipynb
    """
    loss_fn = multilabel_loss(loss)
    check_int(epochs, "epochs", minimum=1)
    check_int(batch_size, "batch_size", minimum=1)
    check_positive(lr, "lr")
    num_classes = data.train.targets.shape[1]
    model = small_cnn("bn", width=width, in_channels=data.train.images.shape[1], num_classes=num_classes, seed=seed)
    loader = torch.utils.data.DataLoader(data.train.dataset(), batch_size=batch_size, shuffle=True,
                                         generator=as_generator(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(model, loader, epochs=epochs, optimizer=optimizer, loss_fn=loss_fn, device="cpu",
                  progress=False, metrics=())
    val_probs = _predict(model, data.val.images, loss)
    test_probs = _predict(model, data.test.images, loss)
    thresholds = best_thresholds(val_probs, data.val.targets)
    return MultilabelRun(
        loss=loss, seed=seed, val_probs=val_probs, test_probs=test_probs,
        ap=multilabel_average_precision(test_probs, data.test.targets),
        at_half=multilabel_scores(test_probs, data.test.targets, 0.5),
        thresholds=thresholds, tuned=multilabel_scores(test_probs, data.test.targets, thresholds),
        history=history)
