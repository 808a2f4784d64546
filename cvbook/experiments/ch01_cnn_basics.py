"""Chapter 1 driver of the preprocessing page: the digits under six input preprocessings, the
condition number of each, and how many steps plain gradient descent needs on each.

- :func:`digits_inputs`: scikit-learn's 8x8 digits (64 pixels), the pixels that are constant on
  the training split dropped, then raw / per-channel standardised / per-pixel centred / per-pixel
  standardised / PCA-whitened / ZCA-whitened / ZCA-whitened with ``eps``, all fitted on the
  training split and applied to both splits.
- :func:`hessian_condition_number`: ``cond(X~^T X~ / n)`` with ``X~ = [X, 1]``, the Hessian of
  least squares on a linear model with a bias.
- :func:`softmax_gd` and :func:`best_learning_rate`: softmax regression trained by full-batch
  gradient descent until the training loss reaches a target; the fewest steps over a grid of
  learning rates.
- :func:`preprocessing_race`: all of it for one seed (the split and the initial weights).

Reference: Y. LeCun, L. Bottou, G. Orr and K.-R. Mueller, "Efficient BackProp", 1998 (sec. 4.3 and 5).
Taught in: notebooks/01_cnn_basics/13_preprocessing.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive, check_shape
from cvbook.data import digits_benchmark
from cvbook.data.preprocess import Whitening, channel_stats, fit_whitening, normalize

__all__ = [
    "DEFAULT_LRS", "PREPROCESSINGS", "DigitsInputs", "GDResult", "RaceResult",
    "best_learning_rate", "digits_inputs", "hessian_condition_number", "preprocessing_race", "softmax_gd",
]

#: The preprocessings, in the order of the page's tables.
PREPROCESSINGS: tuple[str, ...] = (
    "raw", "per-channel standardised", "centred", "standardised", "PCA-whitened", "ZCA-whitened",
    "ZCA-whitened, eps",
)

#: Learning rates tried for every preprocessing: powers of two from 1 to 256 (the best rate of every
#: preprocessing of the page lies inside, not at an end).
DEFAULT_LRS: tuple[float, ...] = tuple(2.0 ** k for k in range(0, 9))


@dataclass(frozen=True)
class DigitsInputs:
    """One split of the digits under every preprocessing of :data:`PREPROCESSINGS`.

    Attributes:
        names: :data:`PREPROCESSINGS`.
        train: one ``Tensor[N, D]`` (float64) per name; ``D`` = the pixels not constant on the training split.
        test: the same for the test split, with the training split's statistics.
        train_labels: ``Tensor[N]`` int64; test_labels: ``Tensor[M]`` int64.
        kept: ``Tensor[64]`` bool, which of the 8x8 pixels (row-major) are kept.
        pca, zca: the exact whitenings (``eps = 0``); zca_eps: ZCA with ``eps``.
    """

    names: tuple[str, ...]
    train: tuple[Tensor, ...]
    test: tuple[Tensor, ...]
    train_labels: Tensor
    test_labels: Tensor
    kept: Tensor
    pca: Whitening
    zca: Whitening
    zca_eps: Whitening

    def train_of(self, name: str) -> Tensor:
        """The training inputs ``Tensor[N, D]`` under preprocessing ``name``."""
        return self.train[_index(self.names, name)]

    def test_of(self, name: str) -> Tensor:
        """The test inputs ``Tensor[M, D]`` under preprocessing ``name``."""
        return self.test[_index(self.names, name)]

    def as_images(self, x: Tensor) -> Tensor:
        """Put rows ``Tensor[N, D]`` back on the 8x8 grid, ``(N, 8, 8)``, zeros at the dropped pixels."""
        out = torch.zeros(x.shape[0], 64, dtype=x.dtype)
        out[:, self.kept] = x
        return out.reshape(-1, 8, 8)


def _index(names: tuple[str, ...], name: str) -> int:
    if name not in names:
        raise ValueError(f"unknown preprocessing {name!r}; expected one of {names}")
    return names.index(name)


def digits_inputs(seed: int = 0, n_train: int = 1500, n_test: int = 297, eps: float = 1e-2) -> DigitsInputs:
    """The 8x8 digits of :func:`cvbook.data.digits_benchmark` (one channel, values in [0, 1]) under
    every preprocessing, fitted on the training split.

    Pixels constant on the training split (the digits' corners and border are 0 in every image) are
    dropped first: they carry nothing, cannot be standardised and make the covariance singular.

    Args:
        seed: the split's seed.
        n_train, n_test: sizes of the split.
        eps: the regulariser of the ``"ZCA-whitened, eps"`` variant, in pixel variance units.

    Returns:
        A :class:`DigitsInputs`.

    Raises:
        ValueError: ``eps <= 0``; sizes out of range (from :func:`cvbook.data.digits_benchmark`); or a
            training split so small that the kept pixels are linearly dependent, so that exact
            whitening does not exist (from :func:`cvbook.data.preprocess.fit_whitening`; 1500 images work).
    """
    check_positive(eps, "eps")
    split = digits_benchmark(n_train, n_test, seed=seed, channels=1)
    images, labels = split.train.tensors
    timages, tlabels = split.test.tensors
    images, timages = images.double(), timages.double()
    flat, tflat = images.flatten(1), timages.flatten(1)
    kept = flat.std(dim=0) > 0
    cm, cs = channel_stats(images)  # one grey channel: one mean, one std
    per_channel = [normalize(im, cm, cs).flatten(1)[:, kept] for im in (images, timages)]
    x, xt = flat[:, kept], tflat[:, kept]
    pm, ps = channel_stats(x[:, :, None, None])  # every pixel as its own 1x1 channel
    standardised = [normalize(a[:, :, None, None], pm, ps).flatten(1) for a in (x, xt)]
    pca, zca = fit_whitening(x, "pca"), fit_whitening(x, "zca")
    zca_eps = fit_whitening(x, "zca", eps=eps)
    train = (x, per_channel[0], x - pm, standardised[0], pca.apply(x), zca.apply(x), zca_eps.apply(x))
    test = (xt, per_channel[1], xt - pm, standardised[1], pca.apply(xt), zca.apply(xt), zca_eps.apply(xt))
    return DigitsInputs(PREPROCESSINGS, train, test, labels, tlabels, kept, pca, zca, zca_eps)


def hessian_condition_number(x: Tensor, bias: bool = True) -> float:
    """``lambda_max / lambda_min`` of ``H = X~^T X~ / n``, the Hessian of the least-squares loss
    ``||X~ w - t||^2 / (2 n)`` of a linear model, with ``X~ = [X, 1]`` when ``bias`` (else ``X``).

    Computed in float64. ``inf`` when ``H`` is singular (``lambda_min <= 0`` after rounding).

    Args:
        x: ``Tensor[N, D]``, one example per row.
        bias: append a constant feature 1 (the model's bias).

    Returns:
        The condition number, a float ``>= 1``.

    Raises:
        TypeError: ``x`` is not a tensor.
        ValueError: ``x`` is not 2-D or is empty.
    """
    check_shape(x, "N D", "x")
    if x.numel() == 0:
        raise ValueError(f"x must not be empty, got shape {tuple(x.shape)}")
    a = x.detach().to(torch.float64)
    if bias:
        a = torch.cat([a, torch.ones(a.shape[0], 1, dtype=a.dtype)], dim=1)
    lam = torch.linalg.eigvalsh(a.T @ a / a.shape[0])
    return math.inf if lam[0] <= 0 else (lam[-1] / lam[0]).item()


@dataclass(frozen=True)
class GDResult:
    """One run of :func:`softmax_gd`.

    Attributes:
        steps: gradient steps taken when the training loss first was ``<= target_loss``;
            ``None`` when it was not reached (or the run diverged).
        lr: the learning rate.
        loss: the training loss at the end.
        weight: ``Tensor[D + 1, K]``, the weights with the bias as the last row.
    """

    steps: int | None
    lr: float
    loss: float
    weight: Tensor

    def accuracy(self, x: Tensor, y: Tensor) -> float:
        """Fraction of rows of ``x`` ``Tensor[M, D]`` classified as ``y`` ``Tensor[M]``."""
        logits = x.to(self.weight.dtype) @ self.weight[:-1] + self.weight[-1]
        return (logits.argmax(dim=1) == y).double().mean().item()


def softmax_gd(x: Tensor, y: Tensor, lr: float, target_loss: float, max_steps: int,
               seed: int | torch.Generator = 0, num_classes: int | None = None) -> GDResult:
    """Softmax regression trained by plain full-batch gradient descent until the mean cross-entropy
    on ``(x, y)`` is at most ``target_loss``.

    Weights start ``N(0, 0.01^2)`` (from ``seed``), the bias at 0; every step is
    ``W <- W - lr * X~^T (softmax(X~ W) - Y) / n`` with ``X~ = [X, 1]`` (the hand-written gradient
    of the mean cross-entropy), in float64.

    Args:
        x: ``Tensor[N, D]`` inputs; y: ``Tensor[N]`` int64 labels in ``0..K-1``.
        lr: learning rate ``> 0``.
        target_loss: the training loss to reach, ``> 0``.
        max_steps: give up after this many steps.
        seed: seed or generator of the initial weights.
        num_classes: ``K``; default ``y.max() + 1``.

    Returns:
        A :class:`GDResult`. A run whose loss overflows stops with ``steps=None``; a loss that first
        rises and then falls is not stopped (large steps saturate the softmax, its curvature falls,
        and the run may still reach the target).

    Raises:
        TypeError: ``x`` or ``y`` is not a tensor, or a number has the wrong type.
        ValueError: shapes disagree, or ``lr``, ``target_loss``, ``max_steps`` out of range.
    """
    return best_learning_rate(x, y, [lr], target_loss, max_steps, seed, num_classes)


def best_learning_rate(x: Tensor, y: Tensor, lrs: Sequence[float] = DEFAULT_LRS, target_loss: float = 0.1,
                       max_steps: int = 300, seed: int | torch.Generator = 0,
                       num_classes: int | None = None) -> GDResult:
    """The :func:`softmax_gd` run that reaches ``target_loss`` in the fewest steps over the rates
    ``lrs`` (ties: the smallest rate), all from the same initial weights.

    All rates run side by side, one batched step at a time, and stop as soon as one reaches the
    target: that gives the same answer as running each rate alone and taking the fewest steps.
    When no rate reaches it within ``max_steps``, the result has ``steps=None`` and is the run
    with the lowest final loss.

    Raises:
        TypeError / ValueError: as :func:`softmax_gd`; also ``lrs`` empty.
    """
    n = check_shape(x, "N D", "x")["N"]
    check_shape(y, [str(n)], "y")
    if n == 0:
        raise ValueError("x must hold at least one example")
    rates = [check_positive(lr, "lr") for lr in lrs]
    if not rates:
        raise ValueError("lrs must hold at least one learning rate")
    target_loss = check_positive(target_loss, "target_loss")
    max_steps = check_int(max_steps, "max_steps", minimum=0)
    k = int(y.max()) + 1 if num_classes is None else check_int(num_classes, "num_classes", minimum=2)
    a = torch.cat([x.to(torch.float64), torch.ones(n, 1, dtype=torch.float64)], dim=1)  # (N, D+1)
    onehot = F.one_hot(y, k).to(torch.float64)
    w0 = torch.randn(a.shape[1], k, generator=as_generator(seed), dtype=torch.float64) * 0.01
    w0[-1] = 0.0
    n_lr = len(rates)
    lr = torch.tensor(rates, dtype=torch.float64).repeat_interleave(k)  # (L K,), one rate per column
    # the L models side by side as one (D+1, L K) matrix, so that a step is two plain matmuls
    w = w0.repeat(1, n_lr)
    onehot_l = onehot.repeat(1, n_lr)  # (N, L K)
    for t in range(max_steps + 1):
        logp = (a @ w).view(n, n_lr, k).log_softmax(dim=2)  # (N, L, K)
        loss = -(logp * onehot.unsqueeze(1)).sum(dim=(0, 2)) / n  # (L,)
        finite = torch.isfinite(loss)
        hit = finite & (loss <= target_loss)
        if bool(hit.any()):
            i = min((j for j in range(n_lr) if hit[j]), key=lambda j: rates[j])
            return GDResult(t, rates[i], loss[i].item(), w[:, i * k:(i + 1) * k].clone())
        if not bool(finite.any()):
            break
        if t < max_steps:
            g = a.T @ (logp.exp().view(n, n_lr * k) - onehot_l) / n  # (D+1, L K)
            keep = finite.repeat_interleave(k)  # an overflowed run stays put
            w = torch.where(keep, w - lr * g, w)
    loss = torch.where(torch.isfinite(loss), loss, torch.full_like(loss, math.inf))
    i = int(loss.argmin())
    return GDResult(None, rates[i], loss[i].item(), w[:, i * k:(i + 1) * k].clone())


@dataclass(frozen=True)
class RaceResult:
    """:func:`preprocessing_race` for one seed; every field has one entry per name of ``names``.

    ``steps[i]`` is ``None`` when no learning rate reached the target within ``max_steps``.
    """

    names: tuple[str, ...]
    condition: tuple[float, ...]
    steps: tuple[int | None, ...]
    lrs: tuple[float, ...]
    test_accuracy: tuple[float, ...]

    def steps_of(self, name: str) -> int | None:
        return self.steps[_index(self.names, name)]

    def lr_of(self, name: str) -> float:
        return self.lrs[_index(self.names, name)]

    def condition_of(self, name: str) -> float:
        return self.condition[_index(self.names, name)]

    def test_accuracy_of(self, name: str) -> float:
        return self.test_accuracy[_index(self.names, name)]


def preprocessing_race(seed: int, lrs: Sequence[float] = DEFAULT_LRS, target_loss: float = 0.1,
                       max_steps: int = 300, eps: float = 1e-2) -> RaceResult:
    """For one seed (the digits split and the initial weights): every preprocessing's condition
    number, the fewest GD steps to ``target_loss`` over ``lrs``, that rate, and the test accuracy of
    that run.

    Raises:
        ValueError: as :func:`digits_inputs` and :func:`best_learning_rate`.
    """
    data = digits_inputs(seed=seed, eps=eps)
    cond, steps, best_lrs, acc = [], [], [], []
    for name in data.names:
        x = data.train_of(name)
        run = best_learning_rate(x, data.train_labels, lrs, target_loss, max_steps, seed)
        cond.append(hessian_condition_number(x))
        steps.append(run.steps)
        best_lrs.append(run.lr)
        acc.append(run.accuracy(data.test_of(name), data.test_labels))
    return RaceResult(data.names, tuple(cond), tuple(steps), tuple(best_lrs), tuple(acc))
