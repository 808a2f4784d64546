"""One training run of the chapter's experiments: SGD with momentum, optional warmup, then test accuracy.

The experiments of chapter 2 (BN position, batch size, linear scaling and warmup, small-batch
remedies) all train a model on a training set and score it on a test set, changing one knob. This
wraps :func:`cvbook.train.fit` and :func:`cvbook.train.evaluate` so that each notebook states only
the knob it turns.

Taught in: notebooks/02_batchnorm/04_batch_size.ipynb
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from cvbook.nn.norm.warmup import warmup_lambda
from cvbook.train import evaluate, fit

__all__ = ["downsample", "train_and_evaluate"]


def downsample(data: TensorDataset, factor: int = 2) -> TensorDataset:
    """Average-pool the images ``(N, C, H, W)`` of a ``TensorDataset(images, labels)`` by ``factor``.

    The chapter trains on 14x14 digits: scikit-learn's digits are 8x8 upsampled to 28x28, so halving
    the resolution loses little and makes every step about 4x cheaper on a CPU.
    """
    if not isinstance(data, TensorDataset) or len(data.tensors) != 2 or data.tensors[0].dim() != 4:
        raise TypeError("downsample expects a TensorDataset(images (N, C, H, W), labels (N,))")
    if not isinstance(factor, int) or factor < 1:
        raise ValueError(f"factor must be a positive int, got {factor!r}")
    images, labels = data.tensors
    return TensorDataset(F.avg_pool2d(images, factor), labels)


def train_and_evaluate(
    model: nn.Module,
    train: Dataset,
    test: Dataset,
    *,
    batch_size: int,
    lr: float,
    epochs: int,
    seed: int = 0,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    warmup_steps: int = 0,
    warmup_kind: str = "none",
    start_factor: float = 1.0,
    cosine: bool = True,
    device: str | torch.device = "cpu",
) -> dict[str, Any]:
    """Train ``model`` with SGD (shuffling from ``seed``; last short batch dropped) and evaluate it.

    The learning rate follows :func:`cvbook.nn.norm.warmup_factor` per optimiser step: the warmup,
    then (``cosine=True``) a half-cosine decay to 0 at the last step, or a constant rate.
    Returns ``test_accuracy`` and ``test_error`` (in %), ``test_loss``, ``train_loss`` (last
    epoch), ``steps`` (optimiser steps) and the ``history`` (:class:`cvbook.train.History`).
    Test batches have size 100 and the model is in eval mode there (running statistics).
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if len(train) < batch_size:
        raise ValueError(f"batch_size={batch_size} is larger than the training set ({len(train)} samples)")
    if lr <= 0:
        raise ValueError(f"lr must be positive, got {lr}")
    gen = torch.Generator().manual_seed(seed)
    loader = DataLoader(train, batch_size=batch_size, shuffle=True, drop_last=True, generator=gen)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    total = epochs * len(loader) if cosine else None
    sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_lambda(warmup_steps, warmup_kind, start_factor, total))
    history = fit(model, loader, epochs=epochs, optimizer=opt, scheduler=sched, step_per_batch=True,
                  device=device, progress=False, amp=False)
    res = evaluate(model, DataLoader(test, batch_size=100), device=device)
    return {
        "test_accuracy": 100.0 * res["accuracy"],
        "test_error": 100.0 * (1.0 - res["accuracy"]),
        "test_loss": res["loss"],
        "train_loss": history.records[-1]["train_loss"],
        "steps": epochs * len(loader),
        "history": history,
    }
