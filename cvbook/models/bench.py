"""The chapter's small benchmark: CIFAR-10 when it is on disk, else the procedural 32x32 shapes.

Taught in: notebooks/04_architectures/01_model_zoo.ipynb (accuracy against FLOPs) and
notebooks/04_architectures/03_resnet.ipynb (plain against residual nets).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cvbook.runtime import record_data

__all__ = ["Benchmark", "small_benchmark", "train_on_benchmark"]


@dataclass
class Benchmark:
    """``train`` and ``test`` sets of ``(N, 3, 32, 32)`` float images in [0, 1] with int64 labels."""

    train: TensorDataset
    test: TensorDataset
    source: str
    classes: list[str]


def _subset(ds: TensorDataset, n: int, g: torch.Generator) -> TensorDataset:
    idx = torch.randperm(len(ds), generator=g)[:n]
    return TensorDataset(*(t[idx] for t in ds.tensors))


def small_benchmark(n_train: int, n_test: int, seed: int = 0, root: Optional[str] = None,
                    size: int = 32) -> Benchmark:
    """``n_train``/``n_test`` images from CIFAR-10 (random subsets, if on disk) or from
    :func:`cvbook.data.shapes.make_shapes_classification` (8 classes; other seeds for the test set).

    ``size < 32`` area-averages the 32x32 images down (``size`` must divide 32), which the fast
    mode uses to cut the cost of training deep nets on a CPU by ``(32/size)^2``.

    Nothing is downloaded. The choice is recorded with :func:`cvbook.runtime.record_data`.
    """
    if n_train <= 0 or n_test <= 0:
        raise ValueError(f"n_train and n_test must be positive, got {n_train}, {n_test}")
    if size <= 0 or 32 % size:
        raise ValueError(f"size must divide 32 (32, 16, 8, ...), got {size}")
    g = torch.Generator().manual_seed(seed)
    try:
        from cvbook.data import CIFAR10_CLASSES, load_cifar10

        train = _subset(load_cifar10(root, train=True, verify=False), n_train, g)
        test = _subset(load_cifar10(root, train=False, verify=False), n_test, g)
        source = f"CIFAR-10 (random {n_train} train / {n_test} test images)"
        classes = list(CIFAR10_CLASSES)
    except (RuntimeError, FileNotFoundError, OSError, ValueError):
        from cvbook.data.shapes import SHAPE_CLASSES, make_shapes_classification

        train = make_shapes_classification(n_train, size=32, seed=seed)
        test = make_shapes_classification(n_test, size=32, seed=seed + 10_000)
        source = (f"procedural shapes 32x32, 8 classes ({n_train} train / {n_test} test; "
                  "CIFAR-10 not on disk)")
        classes = list(SHAPE_CLASSES)
    if size != 32:
        k = 32 // size
        train, test = (TensorDataset(torch.nn.functional.avg_pool2d(d.tensors[0], k), d.tensors[1])
                       for d in (train, test))
        source += f", downsampled to {size}x{size}"
    record_data(source)
    return Benchmark(train, test, source, classes)


def train_on_benchmark(model: nn.Module, bench: Benchmark, epochs: int, batch_size: int = 64,
                       lr: float = 0.1, weight_decay: float = 1e-4, seed: int = 0):
    """SGD (momentum 0.9) with a cosine schedule, the CIFAR recipe of He et al. shortened.

    Departure: cosine decay instead of the paper's steps at 32k/48k iterations, because the fast
    runs are a few epochs long. Returns :class:`cvbook.train.History` (train and test per epoch).
    """
    from cvbook.train import fit

    g = torch.Generator().manual_seed(seed)
    train = DataLoader(bench.train, batch_size=batch_size, shuffle=True, generator=g)
    test = DataLoader(bench.test, batch_size=256)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * len(train))
    return fit(model, train, test, epochs=epochs, optimizer=opt, scheduler=sched,
               step_per_batch=True, progress=False)
