"""Mixup: train on convex combinations of pairs of examples and of their one-hot labels.

``x~ = lam x_i + (1 - lam) x_j``, ``y~ = lam y_i + (1 - lam) y_j`` with ``lam ~ Beta(alpha, alpha)`` and
``j`` a random permutation of the batch (one ``lam`` per batch, as in the authors' code).

torch's ``Beta`` and ``Gamma`` distributions take no generator, so :func:`sample_beta` draws
``Beta(a, b) = G_a / (G_a + G_b)`` from two Gamma variates sampled here by Marsaglia and Tsang's
rejection method from the generator's normals and uniforms.

Reference: H. Zhang, M. Cisse, Y. N. Dauphin and D. Lopez-Paz, "mixup: Beyond Empirical Risk
Minimization", ICLR 2018; G. Marsaglia and W. W. Tsang, "A Simple Method for Generating Gamma
Variables", ACM TOMS 2000.
Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive, check_tensor

__all__ = ["MixupBatch", "sample_gamma", "sample_beta", "mixup"]


def sample_gamma(concentration: float, size: int, generator: torch.Generator | int | None = None,
                 dtype: torch.dtype = torch.float64) -> Tensor:
    """``size`` draws from ``Gamma(concentration, 1)`` using only ``generator``.

    Marsaglia-Tsang for ``a >= 1``: ``d = a - 1/3``, ``c = 1 / sqrt(9 d)``; draw ``z ~ N(0, 1)``,
    ``u ~ U(0, 1)``, ``v = (1 + c z)^3``; accept ``d v`` when ``v > 0`` and
    ``log u < z^2 / 2 + d - d v + d log v``. For ``a < 1``: ``Gamma(a) = Gamma(a + 1) U^(1/a)``.

    Args:
        concentration: shape ``a > 0``.
        size: number of draws ``>= 0``.
        generator: the only source of randomness.

    Returns:
        ``Tensor[size]`` of ``dtype``.

    Reference: Marsaglia and Tsang, ACM TOMS 26(3), 2000.
    Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
    """
    a = check_positive(concentration, "concentration")
    size = check_int(size, "size", minimum=0)
    g = as_generator(generator)
    boost = a < 1
    shape = a + 1 if boost else a
    d = shape - 1 / 3
    c = 1 / math.sqrt(9 * d)
    out = torch.empty(size, dtype=torch.float64)
    todo = torch.arange(size)
    while todo.numel():
        m = todo.numel()
        z = torch.randn(m, generator=g, dtype=torch.float64)
        u = torch.rand(m, generator=g, dtype=torch.float64)
        v = (1 + c * z) ** 3
        ok = (v > 0) & (u.log() < 0.5 * z * z + d - d * v + d * v.clamp_min(1e-300).log())
        out[todo[ok]] = d * v[ok]
        todo = todo[~ok]
    if boost:
        u = torch.rand(size, generator=g, dtype=torch.float64)
        out = out * u.pow(1 / a)
    return out.to(dtype)


def sample_beta(alpha: float, beta: float | None = None, size: int = 1,
                generator: torch.Generator | int | None = None, dtype: torch.dtype = torch.float64) -> Tensor:
    """``size`` draws from ``Beta(alpha, beta)`` (``beta = alpha`` by default) as ``G_a / (G_a + G_b)``.

    Returns:
        ``Tensor[size]`` in ``[0, 1]``; mean ``a / (a + b)``, variance ``ab / ((a + b)^2 (a + b + 1))``.

    Raises:
        ValueError: a non-positive parameter.

    Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
    """
    b = alpha if beta is None else beta
    g = as_generator(generator)
    ga = sample_gamma(alpha, size, g)
    gb = sample_gamma(b, size, g)
    total = ga + gb
    # for tiny alpha both Gammas can underflow to 0: then the Beta is a fair coin between 0 and 1
    coin = (torch.rand(size, generator=g, dtype=torch.float64) < 0.5).double()
    lam = torch.where(total > 0, ga / total.clamp_min(1e-300), coin)
    return lam.to(dtype)


@dataclass(frozen=True)
class MixupBatch:
    """A mixed batch: ``inputs`` like the input, ``targets Tensor[N, num_classes]`` (soft labels),
    ``lam`` (the mixing weight of the original order) and ``index LongTensor[N]`` (the partner of each row)."""

    inputs: Tensor
    targets: Tensor
    lam: float
    index: Tensor


def mixup(inputs: Tensor, labels: Tensor, num_classes: int, alpha: float = 0.2,
          generator: torch.Generator | int | None = None) -> MixupBatch:
    """Mix a batch with a shuffled copy of itself, inputs and one-hot targets with the same ``lam``.

    Args:
        inputs: ``Tensor[N, ...]`` (images ``(N, C, H, W)`` or features ``(N, D)``), floating point.
        labels: ``LongTensor[N]`` class indices in ``[0, num_classes)``.
        num_classes: ``C >= 2``.
        alpha: ``lam ~ Beta(alpha, alpha)``; ``alpha = 0`` turns mixup off (``lam = 1``).
        generator: draws ``lam`` and the permutation.

    Returns:
        A :class:`MixupBatch`; train with ``cross_entropy(model(b.inputs), b.targets)`` (probability targets).

    Raises:
        ValueError: shapes that disagree, labels out of range, ``alpha < 0``, an empty batch.

    Reference: Zhang et al., ICLR 2018, eq. (1) and Figure 1a (one ``lam`` and one permutation per batch).
    Taught in: notebooks/08_papers/03_mixup_label_smoothing.ipynb
    """
    check_tensor(inputs, "inputs")
    check_tensor(labels, "labels")
    if not inputs.is_floating_point():
        raise TypeError(f"inputs must be floating point, got {inputs.dtype}")
    if inputs.dim() < 1 or inputs.shape[0] == 0:
        raise ValueError(f"inputs must be a non-empty batch (N, ...), got shape {tuple(inputs.shape)}")
    if labels.shape != inputs.shape[:1] or labels.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"labels must be integer class indices of shape ({inputs.shape[0]},), got "
                         f"{labels.dtype} {tuple(labels.shape)}")
    c = check_int(num_classes, "num_classes", minimum=2)
    if labels.min() < 0 or labels.max() >= c:
        raise ValueError(f"labels must lie in [0, {c}), got [{int(labels.min())}, {int(labels.max())}]")
    alpha = check_positive(alpha, "alpha", strict=False)
    g = as_generator(generator)
    lam = float(sample_beta(alpha, size=1, generator=g)[0]) if alpha > 0 else 1.0
    index = torch.randperm(inputs.shape[0], generator=g).to(inputs.device)
    onehot = F.one_hot(labels.long(), c).to(inputs.dtype)
    return MixupBatch(lam * inputs + (1 - lam) * inputs[index], lam * onehot + (1 - lam) * onehot[index], lam, index)
