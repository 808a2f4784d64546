"""Measure the loss landscape along the gradient, as in Santurkar et al. (2018), Section 3.

At parameters ``theta`` with gradient ``g`` on a batch, step to ``theta - eta * g`` for several step
sizes ``eta`` and record

- the **loss variation**: ``max_eta L(theta - eta g) - min_eta L(theta - eta g)``;
- the **gradient predictiveness**: ``max_eta ||g - grad L(theta - eta g)||`` (small: the gradient
  stays a good guide over a big step);
- the **effective beta-smoothness**: ``max_eta ||g - grad L(theta - eta g)|| / ||eta g||``.

BN's running statistics are not touched by the probes (saved and restored).

Reference: Santurkar, Tsipras, Ilyas & Madry, "How Does Batch Normalization Help Optimization?",
NeurIPS 2018.
Taught in: notebooks/02_batchnorm/07_why_bn_helps.ipynb
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["LandscapeProbe", "ProbeTrace", "probe_along_gradient", "train_with_probes"]


@dataclass(frozen=True)
class LandscapeProbe:
    """One probe: the loss, its variation along the gradient, the gradient change (predictiveness)
    and the effective smoothness ``beta``, the maxima over the step sizes."""

    loss: float
    loss_variation: float
    grad_change: float
    beta: float


@dataclass(frozen=True)
class ProbeTrace:
    """A training run with probes: ``step`` and ``loss`` at every step; ``probe_step`` and the probes'
    ``loss_variation``, ``grad_change``, ``beta`` at the probe steps only."""

    step: list[int]
    loss: list[float]
    probe_step: list[int]
    loss_variation: list[float]
    grad_change: list[float]
    beta: list[float]


def _loss_and_grad(model: nn.Module, x: Tensor, y: Tensor) -> tuple[float, list[Tensor]]:
    model.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    grads = [p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p) for p in model.parameters()]
    return float(loss.detach()), grads


def _norm(ts: Iterable[Tensor]) -> float:
    return float(torch.sqrt(sum((t.double() ** 2).sum() for t in ts)))


def probe_along_gradient(model: nn.Module, x: Tensor, y: Tensor, step_sizes: Sequence[float]) -> LandscapeProbe:
    """Probe the landscape at the model's current parameters on batch ``x`` ``(N, ...)``, ``y`` ``(N,)``.

    Returns:
        A :class:`LandscapeProbe`. The model is left exactly as it was (parameters, buffers, train flag).

    Raises:
        ValueError: ``step_sizes`` is empty or holds a non-positive step.
    """
    if len(step_sizes) == 0 or any(s <= 0 for s in step_sizes):
        raise ValueError(f"step_sizes must be a non-empty list of positive numbers, got {list(step_sizes)}")
    saved = {k: v.detach().clone() for k, v in model.state_dict().items()}
    params = list(model.parameters())
    loss0, g0 = _loss_and_grad(model, x, y)
    losses, changes, betas = [loss0], [], []
    for eta in step_sizes:
        with torch.no_grad():
            for p, g, name in zip(params, g0, [n for n, _ in model.named_parameters()]):
                p.copy_(saved[name] - eta * g)
        loss, g = _loss_and_grad(model, x, y)
        losses.append(loss)
        change = _norm(a - b for a, b in zip(g0, g))
        changes.append(change)
        betas.append(change / (eta * _norm(g0) + 1e-12))
    model.load_state_dict(saved)
    model.zero_grad(set_to_none=True)
    return LandscapeProbe(loss0, max(losses) - min(losses), max(changes), max(betas))


def train_with_probes(
    model: nn.Module,
    batches: Iterable[tuple[Tensor, Tensor]],
    lr: float,
    step_sizes: Sequence[float],
    probe_every: int = 10,
    momentum: float = 0.0,
) -> ProbeTrace:
    """Train with plain SGD over ``batches`` and probe the landscape every ``probe_every`` steps.

    Returns:
        A :class:`ProbeTrace`.

    Raises:
        ValueError: ``probe_every < 1``.
    """
    if probe_every < 1:
        raise ValueError(f"probe_every must be >= 1, got {probe_every}")
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    out: dict[str, list[float]] = {k: [] for k in ("step", "loss", "probe_step", "loss_variation", "grad_change", "beta")}
    model.train()
    for step, (x, y) in enumerate(batches):
        if step % probe_every == 0:
            p = probe_along_gradient(model, x, y, step_sizes)
            out["probe_step"].append(step)
            for k in ("loss_variation", "grad_change", "beta"):
                out[k].append(getattr(p, k))
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        out["step"].append(step)
        out["loss"].append(float(loss.detach()))
    return ProbeTrace(**out)
