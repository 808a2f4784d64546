"""The one record type of the book's loaders: a train/test pair, the class names, and where it came from.

Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

from torch.utils.data import TensorDataset

__all__ = ["DataSplit"]


@dataclass(frozen=True)
class DataSplit:
    """``train`` and ``test`` TensorDatasets of float images ``(N, C, H, W)`` in ``[0, 1]`` and int64
    labels ``(N,)``; ``classes`` names the labels in order; ``source`` is a sentence saying which data
    was used (real or stand-in, sizes, seed), meant to be printed on the page."""

    train: TensorDataset
    test: TensorDataset
    source: str
    classes: tuple[str, ...]
