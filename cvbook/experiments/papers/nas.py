"""One-shot architecture search on digits: train a supernet by uniform single-path sampling, rank every
path on validation data with and without BN recalibration, train a few paths from scratch, compare.

The recipe of Guo et al. (SPOS), shrunk to a CPU: (1) train the weights of a
:class:`~cvbook.models.classification.supernet.Supernet` with one uniformly sampled path per step;
(2) for each of the ``num_paths`` architectures, recalibrate BN on training batches
(:func:`cvbook.train.bn_recalibration.recalibrate_bn`) and measure accuracy on the validation split,
with the supernet's weights (no training per path); the best is the *searched* path; (3) train
``k`` paths from scratch (the searched one and ``k - 1`` others drawn uniformly) and measure their
test accuracy; (4) Kendall's tau between the supernet's validation accuracy and the stand-alone test
accuracy of those paths. Departs from the paper: exhaustive evaluation of the (tiny) space instead of
an evolutionary search, Adam instead of SGD with a linear decay, a few hundred steps instead of 120
epochs of ImageNet, and stand-alone runs as short as the supernet's.

Reference: Z. Guo et al., "Single Path One-Shot Neural Architecture Search with Uniform Sampling",
ECCV 2020 (arXiv:1904.00420).
Taught in: notebooks/08_papers/11_one_shot_nas.ipynb
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.data import digits_benchmark
from cvbook.data.digits import split_indices
from cvbook.metrics.rank_correlation import kendall_tau
from cvbook.models.classification.supernet import Supernet
from cvbook.train.bn_recalibration import recalibrate_bn

__all__ = ["SEARCH_OPS", "SearchRun", "evaluate_paths", "run_one_shot_search", "train_single_path"]

#: The page's search space per layer (3 ops, 27 paths for 3 layers): full and depthwise-separable 3x3, skip.
SEARCH_OPS: tuple[str, ...] = ("conv3x3", "sep3x3", "skip")

Forward = Callable[[nn.Module, Tensor], Tensor]


def _check_xy(x: Tensor, y: Tensor) -> None:
    if not isinstance(x, Tensor) or not isinstance(y, Tensor) or x.dim() != 4 or y.shape != (len(x),):
        raise ValueError(f"x must be (N, C, H, W) and y (N,), got {getattr(x, 'shape', x)!r} and {getattr(y, 'shape', y)!r}")
    if len(x) < 2:
        raise ValueError(f"need at least 2 training images, got {len(x)}")


def train_single_path(model: nn.Module, x: Tensor, y: Tensor, steps: int, batch_size: int = 64, lr: float = 3e-3,
                      generator: int | torch.Generator | None = None) -> list[tuple[int, ...] | None]:
    """Train ``model`` with Adam for ``steps`` mini-batches of cross-entropy, in place.

    A :class:`Supernet` gets a fresh path per step, drawn uniformly with ``model.sample_path(generator)``
    (single-path uniform sampling); any other module is trained as it is (a stand-alone net).
    Batches are drawn without replacement from a permutation renewed every epoch, from the same generator.

    Args:
        model: a :class:`Supernet` or a network ``(B, C, H, W) -> (B, classes)``.
        x: training images ``(N, C, H, W)``; y: labels ``(N,)``.
        steps: optimiser steps (``>= 0``); batch_size, lr: of Adam.
        generator: seed or ``torch.Generator`` of the batches and the sampled paths.

    Returns:
        The path of every step, in order (``None`` for a stand-alone net).

    Raises:
        ValueError: bad shapes, fewer than 2 images, ``steps < 0``, ``batch_size < 2`` or ``lr <= 0``.
    """
    _check_xy(x, y)
    check_int(steps, "steps", minimum=0)
    check_int(batch_size, "batch_size", minimum=2)
    check_positive(lr, "lr")
    g = as_generator(generator)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    supernet = isinstance(model, Supernet)
    model.train()
    paths: list[tuple[int, ...] | None] = []
    perm, pos = torch.randperm(len(x), generator=g), 0
    for _ in range(steps):
        if pos + batch_size > len(x):
            perm, pos = torch.randperm(len(x), generator=g), 0
        idx = perm[pos:pos + batch_size]
        pos += batch_size
        path = model.sample_path(g) if supernet else None
        logits = model(x[idx], path) if supernet else model(x[idx])
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        paths.append(path)
    return paths


@torch.no_grad()
def _accuracy(model: nn.Module, forward: Forward, x: Tensor, y: Tensor) -> float:
    was = model.training
    model.eval()
    acc = float((forward(model, x).argmax(1) == y).double().mean())
    model.train(was)
    return acc


def evaluate_paths(supernet: Supernet, x_val: Tensor, y_val: Tensor, x_recal: Tensor | None = None,
                   paths: Sequence[Sequence[int]] | None = None, batch_size: int = 256) -> Tensor:
    """Validation accuracy of each path with the supernet's weights, ``Tensor[P]`` (float64).

    Args:
        supernet: trained weights; left unchanged (recalibration runs on a deep copy).
        x_val, y_val: validation images ``(N, C, H, W)`` and labels ``(N,)``.
        x_recal: training images ``(M, C, H, W)`` to recalibrate BN on before each path (in batches of
            ``batch_size``); ``None``: use the supernet's shared running statistics as they are.
        paths: the paths to score (default ``supernet.all_paths()``).

    Raises:
        TypeError: ``supernet`` is not a :class:`Supernet`.
        ValueError: bad shapes, or an invalid path.
    """
    if not isinstance(supernet, Supernet):
        raise TypeError(f"supernet must be a Supernet, got {type(supernet).__name__}")
    _check_xy(x_val, y_val)
    check_int(batch_size, "batch_size", minimum=2)
    paths = supernet.all_paths() if paths is None else [supernet.check_path(p) for p in paths]
    net = supernet if x_recal is None else copy.deepcopy(supernet)
    accs = []
    for p in paths:
        fwd: Forward = lambda m, x, p=p: m(x, p)
        if x_recal is not None:
            recalibrate_bn(net, x_recal.split(batch_size), forward=fwd)
        accs.append(_accuracy(net, fwd, x_val, y_val))
    return torch.tensor(accs, dtype=torch.float64)


@dataclass(frozen=True)
class SearchRun:
    """One seed of the search.

    ``paths`` lists all ``P`` architectures (op-index tuples, ``Supernet.all_paths`` order) and
    ``op_names`` the ops; ``shared_acc`` / ``recal_acc`` ``(P,)`` are their validation accuracies with the
    supernet's shared BN statistics / after recalibration; ``searched`` is the path of highest
    ``recal_acc``. ``standalone_paths`` (``K``, the searched path first) were trained from scratch:
    ``standalone_acc (K,)`` on the test split, ``supernet_acc (K,)`` their ``recal_acc``. ``tau`` is
    Kendall's tau-b between ``supernet_acc`` and ``standalone_acc``, ``tau_shared`` the same with
    ``shared_acc``."""

    op_names: tuple[str, ...]
    paths: tuple[tuple[int, ...], ...]
    shared_acc: Tensor
    recal_acc: Tensor
    searched: tuple[int, ...]
    standalone_paths: tuple[tuple[int, ...], ...]
    standalone_acc: Tensor
    supernet_acc: Tensor
    tau: float
    tau_shared: float

    @property
    def recal_gain(self) -> float:
        """Mean over paths of ``recal_acc - shared_acc``."""
        return float((self.recal_acc - self.shared_acc).mean())

    @property
    def searched_standalone(self) -> float:
        """Stand-alone test accuracy of the searched path."""
        return float(self.standalone_acc[0])

    @property
    def random_standalone(self) -> float:
        """Mean stand-alone test accuracy of the other (uniformly drawn) paths."""
        return float(self.standalone_acc[1:].mean())

    @property
    def best_standalone(self) -> float:
        """Best stand-alone test accuracy among the ``K`` trained paths."""
        return float(self.standalone_acc.max())


def run_one_shot_search(seed: int, supernet_steps: int = 300, standalone_steps: int = 120, k: int = 4,
                        width: int = 8, num_layers: int = 3, ops: Sequence[str] = SEARCH_OPS, n_val: int = 300,
                        n_test: int = 397, n_recal: int = 256, batch_size: int = 64, lr: float = 2e-2) -> SearchRun:
    """The whole search on scikit-learn's digits (8x8, one channel) for one seed.

    Data: :func:`cvbook.data.digits_benchmark` with ``n_test`` test images; the remaining training images are
    split into ``n_val`` validation images (search) and the rest (weights; the first ``n_recal`` of them, in
    batches of 128, for BN recalibration). Everything
    random (split, initial weights, batches, sampled paths, the ``k - 1`` random paths) comes from ``seed``.

    Raises:
        ValueError: ``k < 2`` or ``k`` above the number of paths, or sizes out of range.
    """
    check_int(seed, "seed", minimum=0)
    check_int(n_val, "n_val", minimum=2)
    data = digits_benchmark(n_train=1797 - n_test, n_test=n_test, seed=seed, channels=1)
    x_all, y_all = data.train.tensors
    tr, va = split_indices(len(x_all), len(x_all) - n_val, n_val, seed)
    x_tr, y_tr, x_va, y_va = x_all[tr], y_all[tr], x_all[va], y_all[va]
    x_te, y_te = data.test.tensors
    net = Supernet(1, 10, width, num_layers, ops, seed=seed)
    check_int(k, "k", minimum=2, maximum=net.num_paths)
    g = as_generator(seed)
    train_single_path(net, x_tr, y_tr, supernet_steps, batch_size, lr, generator=g)
    paths = tuple(net.all_paths())
    shared = evaluate_paths(net, x_va, y_va)
    check_int(n_recal, "n_recal", minimum=2, maximum=len(x_tr))
    recal = evaluate_paths(net, x_va, y_va, x_recal=x_tr[:n_recal], batch_size=128)
    searched = paths[int(recal.argmax())]
    others = [p for p in paths if p != searched]
    pick = torch.randperm(len(others), generator=g)[:k - 1]
    chosen = (searched,) + tuple(others[int(i)] for i in pick)
    stand = []
    for j, p in enumerate(chosen):
        sub = net.subnet(p, seed=seed * 1000 + j + 1)
        train_single_path(sub, x_tr, y_tr, standalone_steps, batch_size, lr, generator=g)
        stand.append(_accuracy(sub, lambda m, x: m(x), x_te, y_te))
    stand_t = torch.tensor(stand, dtype=torch.float64)
    index = {p: i for i, p in enumerate(paths)}
    sup = torch.stack([recal[index[p]] for p in chosen])
    sup_shared = torch.stack([shared[index[p]] for p in chosen])
    return SearchRun(op_names=tuple(net.ops), paths=paths, shared_acc=shared, recal_acc=recal, searched=searched,
                     standalone_paths=chosen, standalone_acc=stand_t, supernet_acc=sup,
                     tau=kendall_tau(sup, stand_t), tau_shared=kendall_tau(sup_shared, stand_t))
