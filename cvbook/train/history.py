"""The record of a training run: one dict per epoch, and a plot of its curves.

Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["History"]


@dataclass
class History:
    """Per-epoch records of :func:`cvbook.train.fit`.

    ``records[i]`` is a dict with ``epoch`` (1-based), ``train_loss`` (mean per sample over the
    epoch, measured while the weights were changing), ``lr`` (first parameter group, at the start of
    the epoch) and ``time_s`` (wall time of the epoch, validation included), plus ``train_accuracy``
    when accuracy is tracked, and ``val_loss``/``val_accuracy`` when a validation loader was given.

    ``h["val_loss"]`` is the list of that key over the epochs; ``len(h)`` is the number of epochs.
    """

    records: list[dict[str, Any]] = field(default_factory=list)

    def append(self, record: dict[str, Any]) -> None:
        self.records.append(dict(record))

    @property
    def keys(self) -> list[str]:
        """The keys of the records, in first-seen order."""
        seen: dict[str, None] = {}
        for r in self.records:
            seen.update(dict.fromkeys(r))
        return list(seen)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, key: str) -> list[Any]:
        if not isinstance(key, str):
            raise TypeError(f"History is indexed by a key such as 'val_loss', got {type(key).__name__}")
        if key not in self.keys:
            hint = " (pass val_loader to fit to get validation metrics)" if key.startswith("val_") else ""
            raise KeyError(f"no {key!r} in this history; it has {self.keys}{hint}")
        return [r.get(key) for r in self.records]

    def to_dict(self) -> dict[str, list[Any]]:
        """``{key: [value per epoch]}``, e.g. for ``pandas.DataFrame(h.to_dict())``."""
        return {k: self[k] for k in self.keys}

    def plot(self, keys: Sequence[str] | None = None, ax=None):
        """Plot curves against the epoch and return the Matplotlib ``Figure``.

        With ``keys=None``: one panel for the losses (``*loss``) and one for the accuracies
        (``*accuracy``), train solid and validation dashed. With ``ax`` given, every key is drawn on
        that one axis. Uses :mod:`cvbook.plot`'s paper style and palette.
        """
        import matplotlib.pyplot as plt

        from cvbook.plot import PALETTE, figsize, paper_style

        if not self.records:
            raise ValueError("History is empty: nothing to plot")
        if keys is None:
            keys = [k for k in self.keys if k.endswith("loss") or k.endswith("accuracy")]
        else:
            keys = list(keys)
            missing = [k for k in keys if k not in self.keys]
            if missing:
                raise ValueError(f"unknown keys {missing}; this history has {self.keys}")
        loss_keys = [k for k in keys if k.endswith("loss")]
        acc_keys = [k for k in keys if k.endswith("accuracy")]
        other_keys = [k for k in keys if k not in loss_keys and k not in acc_keys]
        groups = [g for g in (loss_keys, acc_keys, other_keys) if g]
        epochs = self["epoch"]
        with paper_style():
            if ax is None:
                w, h = figsize("double" if len(groups) > 1 else "single", aspect=0.75 / len(groups))
                fig, axes = plt.subplots(1, len(groups), figsize=(w, max(h, 2.0)), squeeze=False)
                panels = list(zip(axes[0], groups))
            else:
                fig = ax.figure
                panels = [(ax, keys)]
            for a, group in panels:
                for j, key in enumerate(group):
                    if ax is not None:  # all keys on one axis: one colour each
                        colour = PALETTE[j % len(PALETTE)]
                    elif key.startswith("train") or key.startswith("val"):  # train blue, validation orange
                        colour = PALETTE[0] if key.startswith("train") else PALETTE[1]
                    else:
                        colour = PALETTE[2 + j % 6]
                    style = "--" if key.startswith("val") else "-"
                    a.plot(epochs, self[key], style, marker="o", color=colour, label=key)
                a.set_xlabel("epoch")
                a.set_ylabel(_ylabel(group))
                a.legend()
            fig.tight_layout()
        return fig


def _ylabel(group: Sequence[str]) -> str:
    if all(k.endswith("loss") for k in group):
        return "loss (mean per sample)"
    if all(k.endswith("accuracy") for k in group):
        return "accuracy (fraction correct)"
    return group[0] if len(group) == 1 else "value"
