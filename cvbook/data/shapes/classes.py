"""The shape classes, in label order (labels are indices into ``SHAPE_CLASSES``).

The eight primitives of SuperPoint's Synthetic Shapes.

Reference: DeTone, Malisiewicz, Rabinovich, "SuperPoint: Self-Supervised Interest Point Detection
and Description", CVPR Workshops 2018, Sec. 4 (Synthetic Shapes).
Taught in: notebooks/05_detection/08_trained_detector.ipynb (the scenes)
"""
from __future__ import annotations

__all__ = ["SHAPE_CLASSES"]

SHAPE_CLASSES: list[str] = [
    "line",
    "triangle",
    "quadrilateral",
    "star",
    "checkerboard",
    "stripes",
    "cube",
    "ellipse",
]
