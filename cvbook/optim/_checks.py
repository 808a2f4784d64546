"""Argument checks shared by the optimisers: bad hyper-parameters raise ``ValueError`` with a message."""
from __future__ import annotations

__all__ = ["check_nonneg", "check_unit_interval", "check_betas"]


def check_nonneg(name: str, value: float) -> None:
    """Raise ``ValueError`` unless ``value`` is a number >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a float, got {type(value).__name__}")
    if value < 0.0:
        raise ValueError(f"{name} must be >= 0, got {value}")


def check_unit_interval(name: str, value: float, closed: bool = False) -> None:
    """Raise ``ValueError`` unless ``0 <= value < 1`` (``<= 1`` when ``closed``)."""
    check_nonneg(name, value)
    if value > 1.0 or (value == 1.0 and not closed):
        bound = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must lie in {bound}, got {value}")


def check_betas(betas: tuple[float, float]) -> None:
    """Raise ``ValueError`` unless ``betas`` is a pair of numbers in ``[0, 1)``."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    check_unit_interval("beta1 (betas[0])", betas[0])
    check_unit_interval("beta2 (betas[1])", betas[1])
