r"""Inverted dropout: zero each unit with probability p in training and scale survivors by 1/(1-p),
so that evaluation needs no change at all (notes 003 l.425-440 leave this as a to-do).

For ``x`` of any shape, with mask :math:`m_i \sim \text{Bernoulli}(1-p)`:
:math:`y_i = m_i x_i / (1-p)` in training, so :math:`E[y_i] = x_i`; :math:`y = x` in evaluation.
(The original paper instead kept activations unscaled in training and multiplied the *weights* by
``1 - p`` at test time; same expectation, more work at inference.)
Reference: Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting",
JMLR 15, 2014.
Taught in: notebooks/03_optimization/08_dropout.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["inverted_dropout", "Dropout"]


def inverted_dropout(x: Tensor, p: float = 0.5, training: bool = True,
                     generator: torch.Generator | None = None) -> Tensor:
    """Inverted dropout of ``x`` (any shape) with drop probability ``p``; identity when not training."""
    if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability p must lie in [0, 1], got {p!r}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator, device=x.device) >= p    # kept with prob 1 - p
    return x * keep.to(x.dtype) / (1 - p)


class Dropout(nn.Module):
    """``nn.Dropout`` written with :func:`inverted_dropout`; randomness from its own generator.

    Follows ``module.train()`` / ``module.eval()`` like ``nn.Dropout``.
    Taught in: notebooks/03_optimization/08_dropout.ipynb
    """

    def __init__(self, p: float = 0.5, generator: torch.Generator | None = None) -> None:
        super().__init__()
        if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability p must lie in [0, 1], got {p!r}")
        self.p = p
        if generator is None:
            # each layer its own stream, seeded from fresh OS entropy (not from the global RNG): two
            # Dropout() layers of one shape must not drop the same units; pass a generator to reproduce a run
            generator = torch.Generator()
            generator.seed()
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        return inverted_dropout(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"
