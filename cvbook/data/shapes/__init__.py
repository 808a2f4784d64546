"""Procedural shape scenes in the manner of SuperPoint's Synthetic Shapes.

Two generators share one torch-only rasteriser:

- :func:`make_shapes_classification`: a 32x32 classification set (offline stand-in for CIFAR-10);

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint: Self-Supervised Interest Point
Detection and Description" (Synthetic Shapes).
Taught in: notebooks/01_cnn_basics/
"""
from cvbook.data.shapes.classes import SHAPE_CLASSES
from cvbook.data.shapes.classification import make_shapes_classification, render_classification_batch

__all__ = [
    "SHAPE_CLASSES",
    "make_shapes_classification",
    "render_classification_batch",
]
