"""The shared over-fitting set-up of the regularisation page: one small CNN on a small subset of
scikit-learn's digits, trained long enough to fit the training set exactly, with one regulariser
switched on at a time.

- :func:`overfit_digits`: a small training set, a validation set and a test set (8x8, one channel).
- :class:`RegConfig`: which regulariser: input / hidden Gaussian noise, a locally connected layer in
  place of the convolutions (no weight sharing), BN with the batch's statistics, over smaller "ghost"
  batches, or with the statistics of the whole training set (no coupling between the samples).
- :func:`make_net`: the network of a config; :func:`train_run`: Adam for ``epochs`` epochs, scoring
  train / validation / test after every epoch, as a frozen :class:`RunResult`.

Taught in: notebooks/03_optimization/12_more_regularizers.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from cvbook._checks import as_generator, check_int, check_positive
from cvbook.data import digits_benchmark
from cvbook.nn.conv import LocallyConnected2d
from cvbook.nn.noise import GaussianNoise
from cvbook.train.early_stopping import EarlyStopping, EarlyStoppingResult

__all__ = ["Curves", "OverfitData", "RegConfig", "RunResult", "overfit_digits", "make_net", "population_bn_stats", "train_run"]

_SIZE = 8  # digits are 8x8


@dataclass(frozen=True)
class OverfitData:
    """``train`` / ``val`` / ``test`` TensorDatasets of ``(N, 1, 8, 8)`` float images and int64 labels."""

    train: TensorDataset
    val: TensorDataset
    test: TensorDataset
    source: str


def overfit_digits(n_train: int = 100, n_val: int = 200, n_test: int = 297, label_noise: float = 0.0,
                   seed: int = 0) -> OverfitData:
    """Disjoint random train / validation / test digits (one split from ``seed``, via
    :func:`cvbook.data.digits_benchmark`; validation = the last ``n_val`` of its training part).

    ``label_noise``: the fraction of training *and* validation labels replaced by another class,
    drawn uniformly (from ``seed``); the test labels stay clean. Noisy labels are what a network
    memorises late in training, so they make over-fitting, and what each regulariser does against it,
    visible on a few hundred samples.
    """
    check_int(n_train, "n_train", minimum=1)
    check_int(n_val, "n_val", minimum=1)
    if not isinstance(label_noise, (int, float)) or not 0.0 <= label_noise < 1.0:
        raise ValueError(f"label_noise must lie in [0, 1), got {label_noise!r}")
    split = digits_benchmark(n_train + n_val, n_test, seed=seed, channels=1)
    x, y = split.train.tensors
    y = y.clone()
    g = as_generator(seed + 4000)
    flip = torch.rand(len(y), generator=g) < label_noise
    # another class, uniformly: add 1..9 modulo 10
    y[flip] = (y[flip] + torch.randint(1, 10, (int(flip.sum()),), generator=g)) % 10
    source = (f"scikit-learn digits 8x8, 10 classes ({n_train} train / {n_val} validation / {n_test} test, "
              f"split seed {seed}; {label_noise:.0%} of the train and validation labels replaced by another "
              "class, test labels clean)")
    return OverfitData(TensorDataset(x[:n_train], y[:n_train]), TensorDataset(x[n_train:], y[n_train:]),
                       split.test, source)


@dataclass(frozen=True)
class RegConfig:
    """One regulariser of the comparison (all off: the plain over-fitting CNN).

    ``layer``: ``"conv"`` or ``"local"`` (locally connected, the same shapes without weight sharing);
    ``input_noise`` / ``hidden_noise``: std of Gaussian noise on the pixels / after the first block;
    ``bn``: ``"none"``, ``"batch"`` (BN, statistics of the mini-batch), ``"population"`` (BN whose
    statistics are those of the whole training set, recomputed before every step and treated as
    constants: no sample sees another one); ``ghost``: with ``bn="batch"``, normalise over ghost
    batches of this size (the mini-batch split into pieces, one forward each).
    """

    name: str
    layer: str = "conv"
    input_noise: float = 0.0
    hidden_noise: float = 0.0
    bn: str = "none"
    ghost: int | None = None

    def __post_init__(self) -> None:
        if self.layer not in ("conv", "local"):
            raise ValueError(f"layer must be 'conv' or 'local', got {self.layer!r}")
        if self.bn not in ("none", "batch", "population"):
            raise ValueError(f"bn must be 'none', 'batch' or 'population', got {self.bn!r}")
        check_positive(self.input_noise, "input_noise", strict=False)
        check_positive(self.hidden_noise, "hidden_noise", strict=False)
        if self.ghost is not None:
            check_int(self.ghost, "ghost", minimum=2)
            if self.bn != "batch":
                raise ValueError(f"ghost batches need bn='batch', got bn={self.bn!r}")


def make_net(config: RegConfig, width: int = 8, seed: int = 0) -> nn.Sequential:
    """``(B, 1, 8, 8) -> (B, 10)``: two 3x3 blocks (``width``, ``2 * width`` channels, padding 1,
    [BN], ReLU, 2x2 max-pool), then a linear layer on the ``2 * width * 2 * 2`` features.
    He-normal initialisation from ``seed`` (so conv and locally connected layers start with the
    same weight statistics); the noise layers draw from generators seeded from it too."""
    check_int(width, "width", minimum=1)
    g = as_generator(seed)
    layers: list[nn.Module] = []
    if config.input_noise > 0:
        layers.append(GaussianNoise(config.input_noise, generator=as_generator(seed + 1000)))
    c_in, size = 1, _SIZE
    for i, c in enumerate((width, 2 * width)):
        if config.layer == "conv":
            layer: nn.Module = nn.Conv2d(c_in, c, 3, padding=1)
        else:
            layer = LocallyConnected2d(c_in, c, (size, size), 3, padding=1)
        with torch.no_grad():  # He (Kaiming) normal weights, zero biases, from the run's generator
            layer.weight.normal_(0.0, (2.0 / (c_in * 9)) ** 0.5, generator=g)
            layer.bias.zero_()
        layers.append(layer)
        if config.bn != "none":
            layers.append(nn.BatchNorm2d(c))
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
        if i == 0 and config.hidden_noise > 0:
            layers.append(GaussianNoise(config.hidden_noise, generator=as_generator(seed + 2000)))
        c_in, size = c, size // 2
    head = nn.Linear(c_in * size * size, 10)
    with torch.no_grad():
        bound = 1.0 / head.in_features ** 0.5
        head.weight.uniform_(-bound, bound, generator=g)
        head.bias.uniform_(-bound, bound, generator=g)
    layers += [nn.Flatten(), head]
    return nn.Sequential(*layers)


@torch.no_grad()
def population_bn_stats(model: nn.Module, x: torch.Tensor) -> None:
    """Set every BN layer's running mean/variance to the statistics of ``x`` (the whole training set)
    at the current weights: one forward in train mode with a cumulative average over one batch."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    saved = [m.momentum for m in bns]
    was_training = model.training
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average: after one batch, exactly that batch's statistics
    model.train()
    model(x)
    for m, mom in zip(bns, saved):
        m.momentum = mom
    model.train(was_training)


@dataclass(frozen=True)
class Curves:
    """Per-epoch measurements of a run (epoch ``e`` at index ``e - 1``), all in eval mode: training
    and test error in %, validation loss (mean cross-entropy) and error in %."""

    train_error: tuple[float, ...]
    val_loss: tuple[float, ...]
    val_error: tuple[float, ...]
    test_error: tuple[float, ...]


@dataclass(frozen=True)
class RunResult:
    """One training run: the final training / test error in % (eval mode), the number of parameters;
    with ``curves=True`` also the per-epoch :class:`Curves` and the early-stopped model's errors
    (``stop`` is the :class:`~cvbook.train.EarlyStoppingResult` of the patience rule on the
    validation loss; ``es_*_error`` are the errors of the weights of its ``best_epoch``)."""

    config: RegConfig
    seed: int
    n_params: int
    train_error: float
    test_error: float
    curves: Curves | None = None
    stop: EarlyStoppingResult | None = None
    es_train_error: float | None = None
    es_test_error: float | None = None

    @property
    def gap(self) -> float:
        """Test minus training error at the last epoch, in percentage points."""
        return self.test_error - self.train_error


def _score(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, error in %) of ``model`` in eval mode."""
    model.eval()
    with torch.no_grad():
        out = model(x)
        return F.cross_entropy(out, y).item(), 100.0 * (out.argmax(1) != y).double().mean().item()


def train_run(config: RegConfig, data: OverfitData, seed: int = 0, *, epochs: int = 40, batch_size: int = 25,
              lr: float = 1e-2, width: int = 8, curves: bool = False, patience: int = 5) -> RunResult:
    """Train :func:`make_net` of ``config`` with Adam on ``data.train`` (a new permutation from
    ``seed`` every epoch, the last short batch dropped) and score it in eval mode.

    With ``curves=True``, also score train / validation / test after every epoch and run
    :class:`~cvbook.train.EarlyStopping` (``patience``) on the validation loss, keeping a copy of
    the best weights until the rule fires; training goes on to ``epochs`` regardless, so that the
    curves show what stopping avoided.

    Raises:
        ValueError: a batch larger than the training set, or a ghost size that does not divide it.
    """
    check_int(epochs, "epochs", minimum=1)
    check_int(batch_size, "batch_size", minimum=1)
    check_positive(lr, "lr")
    n = len(data.train)
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} is larger than the training set ({n})")
    if config.ghost is not None and batch_size % config.ghost:
        raise ValueError(f"ghost batch size {config.ghost} must divide batch_size={batch_size}")
    model = make_net(config, width=width, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = as_generator(seed + 3000)
    x_train, y_train = data.train.tensors
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    log: dict[str, list[float]] = {k: [] for k in ("train_error", "val_loss", "val_error", "test_error")}
    stopper = EarlyStopping(patience=patience)
    best_state: dict[str, torch.Tensor] | None = None
    stopped = False

    def finish_bn() -> None:  # population BN is scored with the training set's statistics
        if config.bn == "population":
            population_bn_stats(model, x_train)

    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for b in range(n // batch_size):
            idx = perm[b * batch_size:(b + 1) * batch_size]
            x, y = x_train[idx], y_train[idx]
            model.train()
            if config.bn == "population":
                population_bn_stats(model, x_train)
                for m in bns:  # normalise with those (constant) statistics: no batch coupling
                    m.eval()
            if config.ghost is not None:
                out = torch.cat([model(xg) for xg in x.split(config.ghost)])
            else:
                out = model(x)
            loss = F.cross_entropy(out, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if curves:
            finish_bn()
            log["train_error"].append(_score(model, x_train, y_train)[1])
            val_loss, val_err = _score(model, *data.val.tensors)
            log["val_loss"].append(val_loss)
            log["val_error"].append(val_err)
            log["test_error"].append(_score(model, *data.test.tensors)[1])
            if not stopped:
                stopped = stopper.step(val_loss)
                if stopper.best_epoch == stopper.epoch:  # a new best: keep its weights
                    best_state = {k: v.clone() for k, v in model.state_dict().items()}
    finish_bn()
    train_error = _score(model, x_train, y_train)[1]
    test_error = _score(model, *data.test.tensors)[1]
    n_params = sum(p.numel() for p in model.parameters())
    if not curves:
        return RunResult(config, seed, n_params, train_error, test_error)
    model.load_state_dict(best_state)
    stop = EarlyStoppingResult(stopper.best_epoch, stopper.best, stopper.stopped_epoch)
    return RunResult(config, seed, n_params, train_error, test_error, Curves(**{k: tuple(v) for k, v in log.items()}),
                     stop, _score(model, x_train, y_train)[1], _score(model, *data.test.tensors)[1])
