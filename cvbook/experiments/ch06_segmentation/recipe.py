"""The one training recipe of chapter 6: Adam on per-pixel cross-entropy over random mini-batches.

``train_segmenter(model, train, val, steps=..., seed=s)`` trains in place and returns a
:class:`SegRun` with the loss curve, the validation curve and the final scores on the held-out set;
every random choice (mini-batches, flips) comes from a generator seeded with ``seed``, and the model
should be built with ``cvbook.models.create(name, seed=s)``.

Taught in: notebooks/06_segmentation/05_dataset_vs_image_miou.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.data.shapes import SegmentationSet, make_segmentation_set
from cvbook.metrics.segmentation import boundary_f_score, dataset_miou, image_miou

__all__ = ["CHAPTER_KINDS", "SegRun", "SegScores", "chapter_data", "predict", "score", "train_segmenter"]

#: the shape kinds of the chapter's scenes (labels 1..4; 0 is background)
CHAPTER_KINDS = ("ellipse", "quadrilateral", "star", "line")


def chapter_data(n_train: int, n_val: int, size: int = 64, seed: int = 0,
                 kinds: tuple[str, ...] = CHAPTER_KINDS, **kwargs) -> tuple[SegmentationSet, SegmentationSet]:
    """Training and held-out scenes (RGB, 1-4 objects, light noise); the held-out set uses another seed."""
    opts = {"n_objects": (1, 4), "channels": 3, "noise": 0.02, "supersample": 2, **kwargs}
    train = make_segmentation_set(n_train, size, seed=seed, kinds=kinds, **opts)
    val = make_segmentation_set(n_val, size, seed=10_000 + seed, kinds=kinds, **opts)
    return train, val


@dataclass(frozen=True)
class SegScores:
    """Scores of label maps against the targets of a set."""

    dataset_miou: float
    image_miou: float
    boundary_f: float
    pixel_accuracy: float


@dataclass(frozen=True)
class SegRun:
    """One training run: loss per step, held-out dataset-mIoU at the evaluation steps, final scores."""

    losses: tuple[float, ...]
    eval_steps: tuple[int, ...]
    val_miou: tuple[float, ...]
    scores: SegScores


@torch.no_grad()
def predict(model: nn.Module, images: Tensor, batch_size: int = 64) -> Tensor:
    """Arg-max labels ``(N, H, W)`` of ``model`` on ``(N, C, H, W)`` images, in eval mode (mode restored)."""
    was = model.training
    model.eval()
    try:
        return torch.cat([model(images[i : i + batch_size]).argmax(1) for i in range(0, len(images), batch_size)])
    finally:
        model.train(was)


def score(preds: Tensor, target: Tensor, num_classes: int, tolerance: int = 1) -> SegScores:
    """Dataset-mIoU, image-mIoU, boundary F (tolerance in px) and pixel accuracy of label maps."""
    return SegScores(dataset_miou=dataset_miou(preds, target, num_classes),
                     image_miou=image_miou(preds, target, num_classes),
                     boundary_f=boundary_f_score(preds, target, num_classes, tolerance).f_score,
                     pixel_accuracy=float((preds == target).double().mean()))


def train_segmenter(model: nn.Module, train: SegmentationSet, val: SegmentationSet, *, steps: int, seed: int,
                    batch_size: int = 16, lr: float = 3e-3, eval_every: int | None = None,
                    flip: bool = True) -> SegRun:
    """Train ``model`` with Adam (lr cosine-decayed to 0) on random mini-batches of ``train``.

    Args:
        steps: optimizer steps; batch_size: images per step; lr: Adam's initial learning rate.
        seed: seeds the mini-batch draws and the random horizontal flips.
        eval_every: also record the held-out dataset-mIoU every this many steps (None: only at the end).

    Returns:
        A :class:`SegRun`; the model is left trained, in eval mode.
    """
    steps = check_int(steps, "steps", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lr = check_positive(lr, "lr")
    g = as_generator(seed)
    k = train.num_classes
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    losses, eval_steps, curve = [], [], []
    model.train()
    for step in range(1, steps + 1):
        idx = torch.randint(len(train), (batch_size,), generator=g)
        x, y = train.images[idx], train.semantic[idx]
        if flip:
            f = torch.rand(batch_size, generator=g) < 0.5
            x = torch.where(f[:, None, None, None], x.flip(-1), x)
            y = torch.where(f[:, None, None], y.flip(-1), y)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
        if eval_every and (step % eval_every == 0 or step == steps):
            eval_steps.append(step)
            curve.append(dataset_miou(predict(model, val.images), val.semantic, k))
            model.train()
    preds = predict(model, val.images)
    model.eval()
    return SegRun(losses=tuple(losses), eval_steps=tuple(eval_steps), val_miou=tuple(curve),
                  scores=score(preds, val.semantic, k))
