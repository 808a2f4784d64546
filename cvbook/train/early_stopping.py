"""Early stopping (提前终止): stop training when a validation metric has not improved for
``patience`` epochs, and remember the epoch of the best value.

The rule, as in Keras' ``EarlyStopping`` and Prechelt's "patience" criterion: after every epoch
:meth:`EarlyStopping.step` receives the monitored value ``v`` (e.g. the validation loss). It is an
*improvement* when ``v < best - min_delta`` (``mode="min"``) or ``v > best + min_delta``
(``mode="max"``); then ``best`` and ``best_epoch`` are updated and the wait counter is reset, else
the counter grows by one. ``step`` returns ``True`` (stop) as soon as the counter reaches
``patience``. The weights to keep are those of ``best_epoch``, not of the last epoch.

Reference: L. Prechelt, "Early Stopping - But When?", in Neural Networks: Tricks of the Trade,
Springer, 1998; I. Goodfellow, Y. Bengio and A. Courville, Deep Learning, MIT Press 2016, Sec. 7.8.
Taught in: notebooks/03_optimization/12_more_regularizers.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from cvbook._checks import check_int, check_positive

__all__ = ["EarlyStopping", "EarlyStoppingResult", "early_stopping_epoch"]

_MODES = ("min", "max")


@dataclass(frozen=True)
class EarlyStoppingResult:
    """Where the patience rule stops a sequence of per-epoch values (epochs are 1-based).

    ``best_epoch``/``best``: the epoch and value of the best value seen up to the stop;
    ``stopped_epoch``: the epoch at which the rule fired, ``None`` if it never did.
    """

    best_epoch: int
    best: float
    stopped_epoch: int | None


class EarlyStopping:
    """The patience rule, fed one monitored value per epoch.

    Args:
        patience: epochs without improvement after which to stop (``>= 1``).
        min_delta: the smallest change that counts as an improvement (``>= 0``).
        mode: ``"min"`` for a loss or an error, ``"max"`` for an accuracy.

    Raises:
        TypeError: ``patience`` is not an int or ``min_delta`` not a number.
        ValueError: ``patience < 1``, ``min_delta < 0`` or an unknown ``mode``.

    Example::

        stopper = EarlyStopping(patience=5)
        for epoch in range(1, epochs + 1):
            ...                                   # train one epoch, compute val_loss
            if stopper.step(val_loss):
                break                             # restore the weights of stopper.best_epoch
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, mode: str = "min") -> None:
        self.patience = check_int(patience, "patience", minimum=1)
        self.min_delta = check_positive(min_delta, "min_delta", strict=False)
        if mode not in _MODES:
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.mode = mode
        self.reset()

    def reset(self) -> None:
        """Forget every value seen: start a new run."""
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.epoch = 0
        self.wait = 0
        self.stopped_epoch: int | None = None

    def is_improvement(self, value: float) -> bool:
        """Whether ``value`` beats ``best`` by more than ``min_delta``."""
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value: float) -> bool:
        """Record the value of the next epoch; ``True`` when training should stop now.

        A NaN never counts as an improvement. Calling ``step`` again after a stop raises.

        Raises:
            TypeError: ``value`` is not a real number.
            RuntimeError: the rule has already stopped (call :meth:`reset` for a new run).
        """
        if isinstance(value, bool) or not hasattr(value, "__float__"):
            raise TypeError(f"value must be a real number (the monitored metric), got {type(value).__name__}")
        if self.stopped_epoch is not None:
            raise RuntimeError(f"early stopping already fired at epoch {self.stopped_epoch}; call reset() first")
        value = float(value)
        self.epoch += 1
        if self.is_improvement(value):
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = self.epoch
            return True
        return False

    def extra_repr(self) -> str:
        return f"patience={self.patience}, min_delta={self.min_delta}, mode={self.mode!r}"

    def __repr__(self) -> str:
        return f"EarlyStopping({self.extra_repr()})"


def early_stopping_epoch(values: Iterable[float], patience: int = 5, min_delta: float = 0.0,
                         mode: str = "min") -> EarlyStoppingResult:
    """Run the patience rule over a whole sequence of per-epoch values (e.g. ``history["val_loss"]``).

    Args:
        values: the monitored value after epochs 1, 2, ...; at least one.
        patience, min_delta, mode: as in :class:`EarlyStopping`.

    Returns:
        An :class:`EarlyStoppingResult`; ``stopped_epoch is None`` when the rule never fired, and then
        ``best_epoch`` is the best epoch of the whole sequence.

    Raises:
        ValueError: ``values`` is empty, or a bad argument (see :class:`EarlyStopping`).
    """
    stopper = EarlyStopping(patience, min_delta, mode)
    n = 0
    for v in values:
        n += 1
        if stopper.step(v):
            break
    if n == 0:
        raise ValueError("values is empty: need the monitored value of at least one epoch")
    if stopper.best_epoch == 0:
        raise ValueError("no finite value to choose a best epoch from (all values were NaN)")
    return EarlyStoppingResult(best_epoch=stopper.best_epoch, best=stopper.best, stopped_epoch=stopper.stopped_epoch)
