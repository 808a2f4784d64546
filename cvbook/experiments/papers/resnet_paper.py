"""The ResNet paper's CIFAR-10 recipe, scaled down: plain vs residual nets and shortcut options A/B/C on digits.

He et al. train on CIFAR-10 with SGD (momentum 0.9, weight decay 1e-4, batch 128), learning rate 0.1 divided by
10 at 32k and 48k iterations, stopping at 64k. :func:`cifar_schedule_epochs` turns those iterations into epochs;
:func:`train_resnet_variant` keeps the recipe's *shape* (the two tenfold drops at 1/2 and 3/4 of training) on
512 grey 8×8 digits for a few epochs. Departs from the paper: no 4-pixel padding and random crops, no flips,
8×8 inputs, a quarter of the width by default (widths 4, 8, 16), batch 64.

Reference: K. He, X. Zhang, S. Ren and J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016, Sec. 4.2.
Taught in: notebooks/08_papers/08_resnet_paper.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from cvbook._checks import as_generator, check_int
from cvbook.models import create

__all__ = ["VARIANTS", "ResNetRun", "cifar_schedule_epochs", "train_resnet_variant"]

VARIANTS = ("plain", "A", "B", "C")


def cifar_schedule_epochs(iterations: Sequence[int] = (32_000, 48_000, 64_000), batch_size: int = 128,
                          n_train: int = 45_000) -> tuple[float, ...]:
    """Epochs at which the paper's iteration counts fall: ``iterations * batch_size / n_train``.

    The paper's 45k/5k train/validation split (used to choose the 64k stop) and batch 128 give about 91, 137 and
    182 epochs; on all 50k training images, 82, 123 and 164.
    """
    check_int(batch_size, "batch_size", minimum=1)
    check_int(n_train, "n_train", minimum=1)
    return tuple(check_int(i, "iterations", minimum=0) * batch_size / n_train for i in iterations)


@dataclass(frozen=True)
class ResNetRun:
    """``train_error`` (final weights, eval mode), ``test_error``, ``params``, and the per-epoch running
    training error ``curve``."""

    train_error: float
    test_error: float
    params: int
    curve: tuple[float, ...]


def _error(model: torch.nn.Module, data: Dataset) -> float:
    x = torch.stack([data[i][0] for i in range(len(data))])
    y = torch.tensor([int(data[i][1]) for i in range(len(data))])
    with torch.no_grad():
        return float((model(x).argmax(1) != y).double().mean())


def train_resnet_variant(train: Dataset, test: Dataset, variant: str, seed: int, depth: int = 20,
                         widths: Sequence[int] = (4, 8, 16), epochs: int = 8, batch_size: int = 64,
                         lr: float = 0.1) -> ResNetRun:
    """Train ``cifar_plain{depth}`` (``variant="plain"``) or ``cifar_resnet{depth}`` with shortcut ``variant``
    (``"A"``, ``"B"``, ``"C"``) with the paper's recipe shape: SGD 0.9, weight decay 1e-4, lr ``lr`` divided by 10
    at 1/2 and 3/4 of the epochs."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    name = f"cifar_plain{depth}" if variant == "plain" else f"cifar_resnet{depth}"
    kw = {} if variant == "plain" else {"shortcut": variant}
    model = create(name, seed=seed, num_classes=10, widths=tuple(widths), **kw)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [epochs // 2, (3 * epochs) // 4], gamma=0.1)
    x = torch.stack([train[i][0] for i in range(len(train))])
    y = torch.tensor([int(train[i][1]) for i in range(len(train))])
    g, curve = as_generator(seed), []
    for _ in range(epochs):
        model.train()
        perm, wrong = torch.randperm(len(y), generator=g), 0
        for i in range(0, len(y), batch_size):
            idx = perm[i:i + batch_size]
            out = model(x[idx])
            loss = F.cross_entropy(out, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            wrong += int((out.argmax(1) != y[idx]).sum())
        sched.step()
        curve.append(wrong / len(y))
    model.eval()
    return ResNetRun(_error(model, train), _error(model, test), sum(p.numel() for p in model.parameters()),
                     tuple(curve))
