"""MagicPoint's training recipe on the procedural scenes, and the detector evaluation of Table 2.

``train_magicpoint(seed, train, val)`` trains a (possibly reduced-width) MagicPoint with Adam on the
detector loss through :func:`cvbook.train.fit`; ``evaluate_detector(fn, data)`` scores any detector
(MagicPoint or an OpenCV baseline) with AP and localisation error within ``eps`` px.

Reference: DeTone et al. 2018, "SuperPoint", Sec. 4 (Adam, lr 0.001, batch 32 in the paper).
Taught in: notebooks/07_superpoint/04_magicpoint.ipynb
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Sequence

import torch
from torch import Tensor, nn
from torch.utils.data import DataLoader, TensorDataset

from cvbook._checks import as_generator
from cvbook.data.shapes.keypoints import KeypointSet
from cvbook.metrics.keypoints import keypoint_pr, localization_error
from cvbook.models import create
from cvbook.nn.losses.superpoint import detector_loss
from cvbook.ops.keypoints import Keypoints, detect_keypoints
from cvbook.train import History, fit

__all__ = ["MagicPointRun", "DetectorScore", "train_magicpoint", "evaluate_detector", "magicpoint_detector"]


@dataclass(frozen=True)
class MagicPointRun:
    """A trained model and its per-epoch history (``train_loss``, ``val_loss``)."""

    model: nn.Module
    history: History


@dataclass(frozen=True)
class DetectorScore:
    """AP and mean localisation error (px) of a detector on a set, at correctness radius ``eps``."""

    ap: float
    localization_error: float
    eps: float


def train_magicpoint(seed: int, train: KeypointSet, val: KeypointSet | None = None, *, epochs: int = 10,
                     batch_size: int = 32, lr: float = 1e-3, widths: Sequence[int] = (64, 64, 128, 128),
                     head_channels: int = 256, scheduler: Callable | None = None) -> MagicPointRun:
    """Train MagicPoint from ``create("magicpoint", seed=seed)`` with Adam (the paper's optimiser).

    ``scheduler``: optional ``optimizer -> LR scheduler`` stepped once per epoch.
    """
    model = create("magicpoint", seed=seed, widths=tuple(widths), head_channels=head_channels)
    g = as_generator(seed)
    loader = DataLoader(TensorDataset(train.images, train.labels), batch_size=batch_size, shuffle=True, generator=g)
    val_loader = None if val is None else DataLoader(TensorDataset(val.images, val.labels), batch_size=128)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(model, loader, val_loader, epochs=epochs, optimizer=opt, loss_fn=detector_loss,
                  scheduler=None if scheduler is None else scheduler(opt), device="cpu", progress=False,
                  metrics=())
    return MagicPointRun(model=model.eval(), history=history)


def magicpoint_detector(model: nn.Module, threshold: float = 0.001, nms_radius: int = 4,
                        border: int = 0) -> Callable[[Tensor], Keypoints]:
    """A detector function ``image (1, H, W) -> Keypoints`` from a MagicPoint model (low threshold,
    so that the precision-recall curve covers the whole range)."""

    def detect(image: Tensor) -> Keypoints:
        with torch.no_grad():
            return detect_keypoints(model(image[None]), threshold, nms_radius, border)[0]

    return detect


def evaluate_detector(detect: Callable[[Tensor], Keypoints], data: KeypointSet, eps: float = 4.0,
                      batch: Callable[[Tensor], list[Keypoints]] | None = None) -> DetectorScore:
    """AP and localisation error of ``detect`` on every image of ``data`` (correct within ``eps`` px).

    ``batch``: optionally a function doing a whole ``(N, 1, H, W)`` batch at once (faster for networks).
    """
    found = batch(data.images) if batch is not None else [detect(img) for img in data.images]
    gt = [k.float() for k in data.keypoints]
    pr = keypoint_pr([f.points for f in found], [f.scores for f in found], gt, eps=eps)
    return DetectorScore(ap=pr.ap, localization_error=localization_error(pr), eps=eps)
