r"""Gaussian noise injection (噪声注入): add :math:`\varepsilon \sim N(0, \sigma^2)` to every entry
in training, pass the input unchanged in evaluation.

For ``x`` of any shape: :math:`y = x + \sigma\,\varepsilon` with :math:`\varepsilon_i \sim N(0, 1)`
independent, in training; :math:`y = x` in evaluation. So :math:`E[y] = x` and
:math:`\mathrm{Var}[y_i] = \sigma^2`. On the inputs of a linear least-squares model this is, in
expectation, exactly an L2 (Tikhonov) penalty :math:`\sigma^2\|W\|_F^2` (Bishop 1995); for a
nonlinear model it is so to first order in :math:`\sigma^2`. Same style as
:mod:`cvbook.nn.dropout`: the randomness comes from the layer's own generator.
(Keras' ``GaussianNoise`` layer has the same semantics; torch has no such layer.)

Reference: C. M. Bishop, "Training with Noise is Equivalent to Tikhonov Regularization",
Neural Computation 7(1), 1995.
Taught in: notebooks/03_optimization/12_more_regularizers.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from cvbook._checks import check_positive, check_tensor

__all__ = ["gaussian_noise", "GaussianNoise"]


def gaussian_noise(x: Tensor, std: float = 0.1, training: bool = True,
                   generator: torch.Generator | None = None) -> Tensor:
    """``x + std * N(0, 1)`` (same shape, dtype and device as ``x``) in training; ``x`` itself otherwise.

    Args:
        x: a floating-point tensor of any shape.
        std: the noise's standard deviation :math:`\\sigma \\ge 0`; ``0`` gives ``x``.
        training: add noise only when True.
        generator: the random stream (on ``x``'s device); ``None`` uses torch's global one.

    Returns:
        A tensor like ``x``; the gradient with respect to ``x`` is the identity.

    Raises:
        TypeError: ``x`` is not a tensor, or not floating point; ``std`` not a number.
        ValueError: ``std`` is negative or NaN.
    """
    check_tensor(x, "x")
    std = check_positive(std, "std", strict=False)
    if not x.is_floating_point():
        raise TypeError(f"x must be a floating-point tensor, got {x.dtype}")
    if not training or std == 0.0:
        return x
    noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    return x + std * noise


class GaussianNoise(nn.Module):
    """Additive Gaussian noise of standard deviation ``std`` in training; the identity in evaluation.

    Follows ``module.train()`` / ``module.eval()`` like ``nn.Dropout``. Input and output ``(*)``,
    any shape.

    Args:
        std: standard deviation of the noise, ``>= 0``.
        generator: the layer's random stream; ``None`` gives the layer its own stream seeded from OS
            entropy (not the global RNG); pass one to reproduce a run.

    Raises:
        TypeError, ValueError: as :func:`gaussian_noise` for ``std``.

    Taught in: notebooks/03_optimization/12_more_regularizers.ipynb
    """

    def __init__(self, std: float = 0.1, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.std = check_positive(std, "std", strict=False)
        if generator is None:
            # as cvbook.nn.Dropout: each layer its own stream, so two layers never add the same noise
            generator = torch.Generator()
            generator.seed()
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        return gaussian_noise(x, self.std, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"std={self.std}"
