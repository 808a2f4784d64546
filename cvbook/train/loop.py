"""A small training loop: ``fit`` for epochs of mini-batch updates, ``evaluate`` for a held-out set.

One **epoch** (轮, 训练轮次) is one pass over the training loader; one **iteration** (迭代) is one mini-batch:
forward, loss, backward, optimizer step. ``len(train_loader)`` iterations make an epoch.

Two choices worth knowing:

- *No host synchronisation per batch.* On a GPU, ``loss.item()`` waits for the device to finish
  every queued kernel. The loop therefore keeps the running loss sum and the count of correct
  predictions as tensors on the device and calls ``.item()`` once per epoch (and once per
  evaluation), so the CPU can queue the next batch while the GPU works on this one.
  (``torch.amp.GradScaler``, used only for float16, still checks for inf/NaN on the host each step.)
- *Mixed precision on CUDA only.* With ``amp=None`` a CUDA run uses ``torch.autocast`` in bfloat16
  when the GPU supports it (no loss scaling needed) and float16 with ``torch.amp.GradScaler``
  otherwise; CPU and MPS runs stay in float32.

The reported training loss is the mean over the epoch's samples of the loss *while the weights
were changing*; it is not the loss of the final weights (use :func:`evaluate` for that).

Reference: P. Micikevicius et al., "Mixed precision training", ICLR 2018 (loss scaling).
Taught in: notebooks/01_cnn_basics/01_epoch_iteration_batch.ipynb.
"""
from __future__ import annotations

import contextlib
import math
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from cvbook.runtime import get_device
from cvbook.train.history import History
from cvbook._checks import check_int

__all__ = ["METRICS", "Evaluation", "evaluate", "fit"]

#: Metrics the loop can track besides the loss.
METRICS = ("accuracy",)
_SHORT = {"train_loss": "loss", "train_accuracy": "acc", "val_loss": "val_loss", "val_accuracy": "val_acc"}
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate` measures on a loader.

    ``loss`` is the mean loss per sample; ``accuracy`` the fraction of targets whose argmax
    prediction is right (``None`` when accuracy was not tracked, ``metrics=()``).
    """

    loss: float
    accuracy: float | None = None


def _check_metrics(metrics: Sequence[str]) -> bool:
    if isinstance(metrics, str):
        raise TypeError(f"metrics must be a sequence of names such as ('accuracy',), got the string {metrics!r}")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; supported: {METRICS}")
    return "accuracy" in metrics


def _amp_dtype(amp: bool | str | torch.dtype | None, device: torch.device) -> torch.dtype | None:
    """The autocast dtype, or None for full precision."""
    if amp is None:
        amp = device.type == "cuda"
    if amp is False:
        return None
    if device.type != "cuda":
        raise ValueError(f"amp={amp!r} needs a CUDA device, but the device is {device}; pass amp=None or False")
    if amp is True:
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if amp in ("bf16", "bfloat16", torch.bfloat16):
        return torch.bfloat16
    if amp in ("fp16", "float16", torch.float16):
        return torch.float16
    raise ValueError(f"amp must be None, True, False, 'bf16' or 'fp16', got {amp!r}")


def _model_device(model: nn.Module) -> torch.device:
    for p in model.parameters():
        return p.device
    for b in model.buffers():
        return b.device
    return torch.device("cpu")


def _unpack(batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"each batch must be a pair (inputs, targets), got {type(batch).__name__}")
    return batch[0], batch[1]


def _check_len(loader: Iterable, name: str) -> int | None:
    try:
        n = len(loader)  # type: ignore[arg-type]
    except TypeError:  # an iterable-style loader may have no length
        return None
    if n == 0:
        raise ValueError(f"{name} is empty: it yields no batches (check the dataset size and drop_last)")
    return n


def _run(
    model: nn.Module,
    loader: Iterable,
    loss_fn: LossFn,
    device: torch.device,
    amp_dtype: torch.dtype | None,
    track_accuracy: bool,
    name: str,
    optimizer: torch.optim.Optimizer | None = None,
    scaler: torch.amp.GradScaler | None = None,
    batch_hook: Callable[[], None] | None = None,
) -> dict[str, float]:
    """One pass over ``loader``; trains when ``optimizer`` is given. Returns loss/accuracy floats."""
    acc_dtype = torch.float32 if device.type == "mps" else torch.float64  # MPS has no float64
    loss_sum = torch.zeros((), device=device, dtype=acc_dtype)
    correct = torch.zeros((), device=device, dtype=torch.int64)
    n_samples = n_targets = 0  # Python ints from shapes: reading a shape never synchronises
    autocast = contextlib.nullcontext() if amp_dtype is None else torch.autocast(device.type, dtype=amp_dtype)
    for batch in loader:
        x, y = _unpack(batch)
        x = x.to(device, non_blocking=True)
        y = y.to(device, non_blocking=True)
        with autocast:
            out = model(x)
            loss = loss_fn(out, y)
        if loss.dim() != 0:
            raise ValueError(f"loss_fn must return a scalar (the batch mean), got shape {tuple(loss.shape)}")
        if optimizer is not None:
            optimizer.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            else:
                loss.backward()
                optimizer.step()
        batch_size = y.shape[0]
        # The loss is a batch mean; times the batch size it adds up to a sum over samples.
        loss_sum += loss.detach().to(acc_dtype) * batch_size
        if track_accuracy:
            if out.dim() < 2 or out.shape[:1] + out.shape[2:] != y.shape or y.is_floating_point():
                raise ValueError(
                    "accuracy needs outputs (B, K, ...) of class scores and integer targets (B, ...); got "
                    f"outputs {tuple(out.shape)} and targets {tuple(y.shape)} of {y.dtype}; pass metrics=() to skip it"
                )
            correct += (out.detach().argmax(dim=1) == y).sum()
            n_targets += y.numel()
        n_samples += batch_size
        if batch_hook is not None:
            batch_hook()
    if n_samples == 0:
        raise ValueError(f"{name} yielded no batches")
    result = {"loss": loss_sum.item() / n_samples}  # the one host synchronisation of the pass
    if track_accuracy:
        result["accuracy"] = correct.item() / n_targets
    return result


def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: LossFn | None = None,
    device: str | torch.device | None = None,
    amp: bool | str | torch.dtype | None = None,
    metrics: Sequence[str] = ("accuracy",),
) -> Evaluation:
    """Mean loss per sample and accuracy of ``model`` on ``loader``, without gradients, as an :class:`Evaluation`.

    ``loader`` yields ``(inputs, targets)``; for accuracy the model returns class scores ``(B, K)``
    (or ``(B, K, H, W)`` per pixel) and targets are class indices ``(B,)`` (or ``(B, H, W)``).
    ``loss_fn`` (default cross-entropy) must return the batch mean; ``loss`` is then the exact mean
    over all samples even when the last batch is smaller. ``accuracy`` is the fraction of targets
    whose argmax prediction is right. ``device=None`` uses the device of the model's parameters. The
    model is put in eval mode and restored to its previous mode afterwards.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    track = _check_metrics(metrics)
    _check_len(loader, "loader")
    device = _model_device(model) if device is None else torch.device(device)
    model.to(device)
    amp_dtype = _amp_dtype(amp, device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            res = _run(model, loader, loss_fn or nn.functional.cross_entropy, device, amp_dtype, track, "loader")
        return Evaluation(loss=res["loss"], accuracy=res.get("accuracy"))
    finally:
        model.train(was_training)


def _step_scheduler(scheduler: Any, metric: float | None = None) -> None:
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(metric)
    else:
        scheduler.step()


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable | None = None,
    *,
    epochs: int,
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn | None = None,
    scheduler: Any = None,
    step_per_batch: bool = False,
    device: str | torch.device | None = None,
    amp: bool | str | torch.dtype | None = None,
    progress: bool = True,
    metrics: Sequence[str] = ("accuracy",),
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_loader`` and return a :class:`History`.

    - ``loss_fn(outputs, targets)`` returns the batch mean; default ``torch.nn.functional.cross_entropy``
      (outputs ``(B, K)`` logits, targets ``(B,)`` class indices).
    - ``scheduler`` is stepped after every optimizer step when ``step_per_batch=True`` (e.g. OneCycleLR),
      else once after every epoch (``ReduceLROnPlateau`` gets ``val_loss``, or ``train_loss`` without
      a validation loader).
    - ``device=None`` uses :func:`cvbook.runtime.get_device`; the model is moved there and batches are
      moved with ``non_blocking=True`` (pin the loader's memory to make that asynchronous).
    - ``amp=None``: mixed precision on CUDA (bfloat16 if supported, else float16 with a GradScaler),
      off elsewhere; ``amp=True``/``"bf16"``/``"fp16"`` on a CPU raises ValueError.
    - ``progress=True`` shows one ``tqdm.auto`` bar over all iterations (a widget in Jupyter), with the
      epoch's metrics as postfix; ``progress=False`` prints nothing.

    Each record of the History holds ``epoch``, ``train_loss``, ``train_accuracy``, ``val_loss``,
    ``val_accuracy`` (validation keys only with ``val_loader``; accuracy keys only when ``"accuracy"``
    is in ``metrics``), ``lr`` and ``time_s``. The model is left in eval mode.
    Randomness (shuffling, dropout) comes from the loader's and the caller's generators only.
    """
    from tqdm.auto import tqdm

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    check_int(epochs, "epochs", minimum=1)
    if step_per_batch and scheduler is None:
        raise ValueError("step_per_batch=True needs a scheduler")
    if step_per_batch and isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        raise ValueError("ReduceLROnPlateau needs an epoch metric; use step_per_batch=False")
    track = _check_metrics(metrics)
    n_batches = _check_len(train_loader, "train_loader")
    if val_loader is not None:
        _check_len(val_loader, "val_loader")
    loss_fn = loss_fn or nn.functional.cross_entropy
    device = get_device() if device is None else torch.device(device)
    model.to(device)
    amp_dtype = _amp_dtype(amp, device)
    # Loss scaling is needed for float16 only: bfloat16 has float32's exponent range.
    scaler = torch.amp.GradScaler("cuda") if amp_dtype == torch.float16 else None

    history = History()
    total = epochs * n_batches if n_batches is not None else None
    with tqdm(total=total, disable=not progress, desc="fit", unit="batch", dynamic_ncols=True) as bar:

        def batch_hook() -> None:  # after every optimizer step
            if step_per_batch:
                _step_scheduler(scheduler)
            bar.update(1)

        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            bar.set_description(f"epoch {epoch}/{epochs}", refresh=False)
            lr = optimizer.param_groups[0]["lr"]
            model.train()
            train = _run(
                model, train_loader, loss_fn, device, amp_dtype, track, "train_loader", optimizer, scaler, batch_hook
            )
            record: dict[str, Any] = {"epoch": epoch, "train_loss": train["loss"]}
            if track:
                record["train_accuracy"] = train["accuracy"]
            if val_loader is not None:
                val = evaluate(model, val_loader, loss_fn, device, amp_dtype or False, metrics)
                record["val_loss"] = val.loss
                if track:
                    record["val_accuracy"] = val.accuracy
            if scheduler is not None and not step_per_batch:
                _step_scheduler(scheduler, record.get("val_loss", record["train_loss"]))
            record["lr"] = float(lr)
            record["time_s"] = time.perf_counter() - start
            history.append(record)
            if not math.isfinite(record["train_loss"]):
                warnings.warn(f"epoch {epoch}: training loss is {record['train_loss']}", RuntimeWarning, stacklevel=2)
            bar.set_postfix({_SHORT[k]: f"{v:.4g}" for k, v in record.items() if k in _SHORT})
    model.eval()
    return history
