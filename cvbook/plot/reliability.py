"""Reliability diagrams: per-bin accuracy against confidence, with the gap to the diagonal.

Takes the per-bin numbers as arrays (``cvbook.metrics.reliability_bins`` computes them), so that the
plotting layer does not depend on the metrics layer.

Reference: C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of Modern Neural Networks",
ICML 2017, Figure 1.
Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
"""
from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes

__all__ = ["reliability_diagram"]


def _array(x: object, name: str) -> np.ndarray:
    arr = x.detach().cpu().double().numpy() if isinstance(x, torch.Tensor) else np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def reliability_diagram(ax: Axes, edges: object, accuracy: object, confidence: object, count: object,
                        title: str | None = None, color: str | None = None) -> Axes:
    """Draw a reliability diagram on ``ax``: bars of per-bin accuracy, the gap to the bin's mean
    confidence hatched, and the diagonal of perfect calibration.

    Args:
        ax: the Matplotlib axes.
        edges: ``B + 1`` bin edges in ``[0, 1]``.
        accuracy, confidence, count: ``B`` values per bin (empty bins, ``count == 0``, are not drawn).
        title: optional axes title.
        color: bar colour (default: the first colour of the style's cycle).

    Returns:
        ``ax``.

    Raises:
        ValueError: lengths that disagree.

    Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
    """
    e = _array(edges, "edges")
    acc, conf, n = (_array(v, k) for k, v in (("accuracy", accuracy), ("confidence", confidence), ("count", count)))
    if not (len(acc) == len(conf) == len(n) == len(e) - 1):
        raise ValueError(f"need B + 1 edges and B values per bin, got {len(e)} edges and "
                         f"{len(acc)}, {len(conf)}, {len(n)} values")
    keep = n > 0
    left, width = e[:-1][keep], np.diff(e)[keep]
    if color is None:
        color = ax._get_lines.get_next_color()
    ax.bar(left, acc[keep], width=width, align="edge", color=color, edgecolor="white", linewidth=0.4,
           label="accuracy")
    gap_low = np.minimum(acc[keep], conf[keep])
    ax.bar(left, np.abs(conf[keep] - acc[keep]), bottom=gap_low, width=width, align="edge", fill=False,
           edgecolor="0.3", hatch="////", linewidth=0.4, label="gap to confidence")
    ax.plot([0, 1], [0, 1], "k--", lw=0.8, label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    if title:
        ax.set_title(title)
    return ax
