"""Device choice: CUDA, then Apple MPS, then CPU."""
from __future__ import annotations

import os

import torch

__all__ = ["get_device", "DEVICE_ENV"]

DEVICE_ENV = "CVBOOK_DEVICE"


def get_device(prefer: str | None = None) -> torch.device:
    """Return the best available device.

    Order: an explicit ``prefer`` argument, then the ``CVBOOK_DEVICE`` environment variable, then
    CUDA, Apple MPS and finally the CPU. An explicit choice that is not available raises
    ``ValueError`` rather than silently falling back.
    """
    choice = prefer if prefer is not None else os.environ.get(DEVICE_ENV) or None
    if choice is not None:
        device = torch.device(choice)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"device {choice!r} was asked for, but CUDA is not available here")
        if device.type == "mps" and not _mps_available():
            raise ValueError(f"device {choice!r} was asked for, but Apple MPS is not available here")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())
