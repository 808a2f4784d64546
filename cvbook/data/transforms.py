"""Dataset-level transforms of the book's small runs.

Taught in: notebooks/02_batchnorm/04_batch_size.ipynb
"""
from __future__ import annotations

import torch.nn.functional as F
from torch.utils.data import TensorDataset

from cvbook._checks import check_int

__all__ = ["downsample"]


def downsample(data: TensorDataset, factor: int = 2) -> TensorDataset:
    """Average-pool the images ``(N, C, H, W)`` of a ``TensorDataset(images, labels)`` by ``factor``.

    The chapter trains on 14x14 digits: scikit-learn's digits are 8x8 upsampled to 28x28, so halving
    the resolution loses little and makes every step about 4x cheaper on a CPU.

    Raises:
        TypeError: ``data`` is not such a dataset, or ``factor`` not an int.
        ValueError: ``factor < 1``.
    """
    if not isinstance(data, TensorDataset) or len(data.tensors) != 2 or data.tensors[0].dim() != 4:
        raise TypeError("downsample expects a TensorDataset(images (N, C, H, W), labels (N,))")
    check_int(factor, "factor", minimum=1)
    images, labels = data.tensors
    return TensorDataset(F.avg_pool2d(images, factor), labels)
