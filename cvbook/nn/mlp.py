r"""Backpropagation (反向传播) written by hand for a two-layer MLP (the notes' BP entry, 003 l.42-44, is a to-do).

Forward, for a batch ``X: (N, D)`` and integer labels ``y: (N,)``:

.. math::
    Z_1 = X W_1^T + b_1,\quad H = \mathrm{ReLU}(Z_1),\quad Z_2 = H W_2^T + b_2,\quad
    L = \tfrac1N \sum_n -\log \mathrm{softmax}(Z_2)_{n, y_n}

Backward, by the chain rule, layer by layer from the loss:

.. math::
    \delta_2 = \partial L/\partial Z_2 = (\mathrm{softmax}(Z_2) - \mathrm{onehot}(y)) / N,\quad
    \partial W_2 = \delta_2^T H,\quad \partial b_2 = \textstyle\sum_n \delta_2 \\
    \partial H = \delta_2 W_2,\quad \delta_1 = \partial H \odot [Z_1 > 0],\quad
    \partial W_1 = \delta_1^T X,\quad \partial b_1 = \textstyle\sum_n \delta_1

Weights follow ``nn.Linear``: ``W: (out, in)``.
Reference: Rumelhart, Hinton and Williams, "Learning representations by back-propagating errors",
Nature 323, 1986.
Taught in: notebooks/03_optimization/01_backprop.ipynb
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

from cvbook.nn.losses.classification import log_softmax
from cvbook._checks import as_generator, check_int

__all__ = ["ScratchMLP", "linear_backward", "relu_backward", "softmax_cross_entropy_backward"]


def linear_backward(dout: Tensor, x: Tensor, w: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Gradients of ``out = x W^T + b``: given ``dout: (N, out)``, ``x: (N, in)``, ``w: (out, in)``,
    return ``(dx: (N, in), dW: (out, in), db: (out,))``."""
    return dout @ w, dout.T @ x, dout.sum(0)


def relu_backward(dout: Tensor, z: Tensor) -> Tensor:
    """Gradient through ``ReLU(z)``: pass ``dout`` where ``z > 0``, zero elsewhere (0 at z = 0, as torch)."""
    return dout * (z > 0).to(dout.dtype)


def softmax_cross_entropy_backward(logits: Tensor, y: Tensor) -> Tensor:
    """``d(mean CE)/d logits = (softmax(logits) - onehot(y)) / N`` for ``logits: (N, C)``, ``y: (N,)``."""
    p = log_softmax(logits, dim=1).exp()
    p[torch.arange(len(y)), y] -= 1
    return p / len(y)


class ScratchMLP:
    """Two-layer MLP ``D -> H -> C`` with ReLU, cross-entropy loss, and a hand-written backward pass.

    Parameters live in :attr:`params` (``W1: (H, D)``, ``b1: (H,)``, ``W2: (C, H)``, ``b2: (C,)``),
    initialised like ``nn.Linear`` (uniform in +-1/sqrt(fan_in)) from ``generator``.
    Taught in: notebooks/03_optimization/01_backprop.ipynb
    """

    def __init__(self, d_in: int, hidden: int, classes: int, generator: torch.Generator | None = None,
                 dtype: torch.dtype = torch.float64) -> None:
        for name, v in (("d_in", d_in), ("hidden", hidden), ("classes", classes)):
            check_int(v, name, minimum=1)
        g = as_generator(generator)  # None: seed 0, never the global RNG

        def uniform(shape: tuple[int, ...], fan_in: int) -> Tensor:
            bound = 1 / math.sqrt(fan_in)
            return (torch.rand(shape, generator=g, dtype=dtype) * 2 - 1) * bound

        self.params: dict[str, Tensor] = {
            "W1": uniform((hidden, d_in), d_in), "b1": uniform((hidden,), d_in),
            "W2": uniform((classes, hidden), hidden), "b2": uniform((classes,), hidden),
        }
        self._cache: tuple[Tensor, ...] | None = None

    def forward(self, x: Tensor) -> Tensor:
        """Logits ``(N, C)`` for ``x: (N, D)``; keeps what backward needs."""
        if x.dim() != 2 or x.shape[1] != self.params["W1"].shape[1]:
            raise ValueError(f"expected x of shape (N, {self.params['W1'].shape[1]}), got {tuple(x.shape)}")
        p = self.params
        z1 = x @ p["W1"].T + p["b1"]
        h = torch.relu(z1)
        z2 = h @ p["W2"].T + p["b2"]
        self._cache = (x, z1, h, z2)
        return z2

    def loss(self, x: Tensor, y: Tensor) -> Tensor:
        """Mean cross-entropy of the logits for ``x`` against labels ``y: (N,)`` (int64)."""
        z2 = self.forward(x)
        return -log_softmax(z2, dim=1)[torch.arange(len(y)), y].mean()

    def backward(self, y: Tensor) -> dict[str, Tensor]:
        """Gradients of the mean cross-entropy w.r.t. every parameter, after :meth:`forward`."""
        if self._cache is None:
            raise RuntimeError("call forward (or loss) before backward")
        x, z1, h, z2 = self._cache
        p = self.params
        delta2 = softmax_cross_entropy_backward(z2, y)            # dL/dZ2
        dh, dW2, db2 = linear_backward(delta2, h, p["W2"])
        delta1 = relu_backward(dh, z1)                            # dL/dZ1
        _, dW1, db1 = linear_backward(delta1, x, p["W1"])
        return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    def sgd_step(self, grads: dict[str, Tensor], lr: float) -> None:
        """Plain gradient descent ``p <- p - lr * dp`` on every parameter."""
        for k, g in grads.items():
            self.params[k] = self.params[k] - lr * g
