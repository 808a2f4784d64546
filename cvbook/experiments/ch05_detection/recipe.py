"""Training recipe of the chapter's detector (TinyFCOS) on the procedural scenes.

AdamW with a linear warm-up and cosine decay, fixed data (generated once from the data seed),
mini-batches drawn with the run's seed; evaluation with COCO's mAP (``cvbook.metrics``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from cvbook._checks import as_generator, check_int
from cvbook.data.shapes.detection import DetectionBatch
from cvbook.metrics.detection import DetectionMAP, mean_average_precision
from cvbook.models.detection.fcos import TinyFCOS
from cvbook.models.registry import create

__all__ = ["DetectorRun", "train_detector", "evaluate_detector"]


@dataclass(frozen=True)
class DetectorRun:
    """A trained detector: ``model``, per-step ``losses`` (total, cls, box, ctr), the test ``metrics``
    and the test-set ``predictions``."""

    model: TinyFCOS
    losses: dict[str, list[float]] = field(repr=False)
    metrics: DetectionMAP = field(repr=False)
    predictions: list[dict[str, torch.Tensor]] = field(repr=False)


def evaluate_detector(model: TinyFCOS, data: DetectionBatch, batch_size: int = 64,
                      **predict_kwargs) -> tuple[DetectionMAP, list[dict[str, torch.Tensor]]]:
    """COCO mAP of ``model`` on ``data`` and the predictions per image.

    Keeps the 200 best-scoring candidates per image before NMS unless ``pre_nms_top_n`` says
    otherwise (a 64x64 image has at most 100 detections scored, and NMS over 1000 candidates was
    most of the evaluation's time on a CPU).
    """
    predict_kwargs.setdefault("pre_nms_top_n", 200)
    preds = []
    for i in range(0, len(data), batch_size):
        preds += model.predict(data.images[i:i + batch_size], **predict_kwargs)
    return mean_average_precision(preds, data.targets), preds


def _mosaic(images: torch.Tensor, targets: list[dict], g: torch.Generator) -> tuple[torch.Tensor, list[dict]]:
    """YOLOv4's mosaic, in miniature: each image becomes four half-size images in a 2x2 grid."""
    b, c, h, w = images.shape
    small = torch.nn.functional.interpolate(images, scale_factor=0.5, mode="bilinear", align_corners=False)
    out, tgts = torch.empty_like(images), []
    for i in range(b):
        pick = torch.randint(b, (4,), generator=g).tolist()
        boxes, labels = [], []
        for q, j in enumerate(pick):
            oy, ox = (q // 2) * h // 2, (q % 2) * w // 2
            out[i, :, oy:oy + h // 2, ox:ox + w // 2] = small[j]
            boxes.append(targets[j]["boxes"] / 2 + torch.tensor([ox, oy, ox, oy], dtype=torch.float32))
            labels.append(targets[j]["labels"])
        tgts.append({"boxes": torch.cat(boxes), "labels": torch.cat(labels)})
    return out, tgts


def train_detector(train: DetectionBatch, test: DetectionBatch, seed: int = 0, steps: int = 600,
                   batch_size: int = 16, lr: float = 4e-3, weight_decay: float = 1e-4, box_loss: str = "giou",
                   act: type[nn.Module] = nn.ReLU, mosaic: float = 0.0, nms_method: str = "nms",
                   width: int = 32, center_radius: float = 1.5) -> DetectorRun:
    """Train a TinyFCOS on ``train`` for ``steps`` mini-batches and score it on ``test``.

    Args:
        train, test: :class:`DetectionBatch` sets. seed: model init and batch order.
        steps, batch_size, lr, weight_decay: the optimisation (AdamW, 5 % warm-up, cosine decay).
        box_loss, act, width, center_radius: passed to the model. mosaic: probability of a mosaic batch.
        nms_method: ``"nms"`` or ``"diou"`` at evaluation.

    Returns:
        :class:`DetectorRun`.
    """
    steps = check_int(steps, "steps", minimum=1)
    g = as_generator(seed)
    model = create("tiny_fcos", seed=seed, num_classes=len(train.classes), in_channels=train.images.shape[1],
                   box_loss=box_loss, act=act, width=width, center_radius=center_radius)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, steps - warm))))
    losses: dict[str, list[float]] = {"total": [], "cls": [], "box": [], "ctr": []}
    model.train()
    for _ in range(steps):
        idx = torch.randint(len(train), (batch_size,), generator=g)
        images, targets = train.images[idx], [train.targets[i] for i in idx.tolist()]
        if mosaic > 0 and torch.rand(1, generator=g).item() < mosaic:
            images, targets = _mosaic(images, targets, g)
        out = model.loss(model(images), targets)
        opt.zero_grad(set_to_none=True)
        out.total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        sched.step()
        for k in losses:
            losses[k].append(float(getattr(out, k).detach()))
    model.eval()
    metrics, preds = evaluate_detector(model, test, nms_method=nms_method)
    return DetectorRun(model, losses, metrics, preds)
