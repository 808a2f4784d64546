"""The book's one "train with SGD, then evaluate" recipe, which chapters 2 and 4 share.

SGD with momentum over a shuffled loader (the shuffle drawn from ``seed``), the learning rate per
optimiser step from :class:`cvbook.optim.WarmupCosineLR` (an optional warm-up, then a half cosine to
0 at the last step, or a constant rate), then the loss and accuracy on the test set in eval mode.
Each experiment of the chapters changes one knob of it (batch size, warm-up, normalisation, depth).

Departure from the papers' recipes (He et al. 2016 divide the rate by 10 at 32k and 48k iterations;
Goyal et al. 2017 at fixed epochs): a cosine decay, because the book's runs are a few epochs long and
need the decay so that the final weights, and BN's running statistics, settle.

Reference: Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour", arXiv:1706.02677,
2017; He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, Sec. 4.2.
Taught in: notebooks/02_batchnorm/04_batch_size.ipynb and notebooks/04_architectures/03_resnet.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.optim.lr_scheduler import LambdaLR
from torch.utils.data import DataLoader, Dataset

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.optim.schedules import WarmupCosineLR
from cvbook.optim.warmup import warmup_lambda
from cvbook.train.history import History
from cvbook.train.loop import evaluate, fit

__all__ = ["TrainResult", "train_and_evaluate"]


@dataclass(frozen=True)
class TrainResult:
    """What one run of :func:`train_and_evaluate` gives: test accuracy and error in %, test loss,
    the last epoch's training loss, the number of optimiser steps and the per-epoch ``history``."""

    test_accuracy: float
    test_error: float
    test_loss: float
    train_loss: float
    steps: int
    history: History


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
    drop_last: bool = True,
    eval_each_epoch: bool = False,
    device: str | torch.device = "cpu",
) -> TrainResult:
    """Train ``model`` with SGD and score it on ``test`` (batches of 100, eval mode).

    Args:
        model: a classifier, inputs ``(B, C, H, W)`` (or ``(B, D)``) to logits ``(B, K)``.
        train, test: datasets of ``(input, int64 label)`` pairs.
        batch_size, lr, epochs: the usual; ``lr`` is the rate after the warm-up.
        seed: the shuffle's seed.
        momentum, weight_decay: of ``torch.optim.SGD``.
        warmup_steps, warmup_kind, start_factor: the warm-up of :func:`cvbook.optim.warmup_factor`
            (``"none"``, ``"constant"``, ``"gradual"``), in optimiser steps.
        cosine: decay to 0 at the last step (else a constant rate after the warm-up).
        drop_last: drop the last short batch (chapter 2 does, so that BN never sees a tiny batch).
        eval_each_epoch: also score ``test`` after every epoch (in ``history``'s ``val_*`` keys).
        device: where to train.

    Returns:
        A :class:`TrainResult`.

    Raises:
        TypeError, ValueError: a non-positive batch size, epoch count or rate, or a batch larger
            than the training set.
    """
    check_int(batch_size, "batch_size", minimum=1)
    check_int(epochs, "epochs", minimum=1)
    check_positive(lr, "lr")
    if len(train) < batch_size:
        raise ValueError(f"batch_size={batch_size} is larger than the training set ({len(train)} samples)")
    loader = DataLoader(train, batch_size=batch_size, shuffle=True, drop_last=drop_last, generator=as_generator(seed))
    test_loader = DataLoader(test, batch_size=100)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    steps = epochs * len(loader)
    if cosine:
        sched = WarmupCosineLR(opt, warmup_steps, steps, warmup_start_factor=start_factor, warmup=warmup_kind)
    else:  # the warm-up alone, then the constant rate
        sched = LambdaLR(opt, warmup_lambda(warmup_steps, warmup_kind, start_factor))
    history = fit(model, loader, test_loader if eval_each_epoch else None, epochs=epochs, optimizer=opt,
                  scheduler=sched, step_per_batch=True, device=device, progress=False, amp=False)
    res = evaluate(model, test_loader, device=device)
    return TrainResult(
        test_accuracy=100.0 * res.accuracy,
        test_error=100.0 * (1.0 - res.accuracy),
        test_loss=res.loss,
        train_loss=history.records[-1]["train_loss"],
        steps=steps,
        history=history,
    )
