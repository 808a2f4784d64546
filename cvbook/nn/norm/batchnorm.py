"""Batch normalisation written out: forward, a hand-derived backward, running statistics.

For an input ``x`` of shape ``(N, C, *)`` (``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``) every channel
``c`` is normalised over the ``m = N * prod(*)`` values it holds in the batch:

    mu = mean(x),  var = mean((x - mu)^2)          (biased variance, as in the paper)
    x_hat = (x - mu) / sqrt(var + eps),   y = gamma * x_hat + beta

The backward pass is the compact formula (the notes' "背诵版本", notes 003 l.250-254):

    dx = gamma / (m * sqrt(var + eps)) * (m * dy - sum(dy) - x_hat * sum(dy * x_hat))

Reference: Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing
Internal Covariate Shift", ICML 2015.
Taught in: notebooks/02_batchnorm/01_bn_derivation.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable

__all__ = [
    "BatchNormStages", "BatchNormFunction", "batch_norm", "batch_norm_backward_staged", "BatchNorm1d", "BatchNorm2d", "convert_batchnorm"]


def _reduce_dims(x: Tensor) -> list[int]:
    if x.dim() < 2:
        raise ValueError(f"batch norm needs an input of shape (N, C, *) with at least 2 dims, got {tuple(x.shape)}")
    return [0] + list(range(2, x.dim()))


def _per_channel(t: Tensor, x: Tensor) -> Tensor:
    """Reshape a (C,) tensor so that it broadcasts against x of shape (N, C, *)."""
    return t.reshape([1, -1] + [1] * (x.dim() - 2))


class BatchNormFunction(torch.autograd.Function):
    """Training-mode batch norm with the compact hand-derived backward.

    ``apply(x, weight, bias, eps) -> (y, mean, var)``: ``x`` is ``(N, C, *)``, ``weight``/``bias`` are
    ``(C,)`` or ``None``; ``mean`` and ``var`` are the ``(C,)`` batch statistics (biased variance),
    returned without gradient so the caller can update running statistics.
    The backward is first-order only (``once_differentiable``); autograd's own BN supports double backward.
    """

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float):  # type: ignore[override]
        dims = _reduce_dims(x)
        mean = x.mean(dim=dims)
        xc = x - _per_channel(mean, x)
        var = (xc * xc).mean(dim=dims)
        invstd = torch.rsqrt(var + eps)
        x_hat = xc * _per_channel(invstd, x)
        y = x_hat
        if weight is not None:
            y = y * _per_channel(weight, x)
        if bias is not None:
            y = y + _per_channel(bias, x)
        ctx.save_for_backward(x_hat, invstd, weight)
        ctx.has_bias = bias is not None
        ctx.mark_non_differentiable(mean, var)
        return y, mean, var

    @staticmethod
    @once_differentiable
    def backward(ctx, dy: Tensor, _dmean: Tensor, _dvar: Tensor):  # type: ignore[override]
        x_hat, invstd, weight = ctx.saved_tensors
        dims = _reduce_dims(dy)
        m = dy.numel() // dy.shape[1]
        sum_dy = dy.sum(dim=dims)
        sum_dy_xhat = (dy * x_hat).sum(dim=dims)
        scale = invstd if weight is None else weight * invstd
        # compact formula: dx = gamma * invstd / m * (m dy - sum(dy) - x_hat * sum(dy x_hat))
        dx = None
        if ctx.needs_input_grad[0]:
            dx = _per_channel(scale / m, dy) * (
                m * dy - _per_channel(sum_dy, dy) - x_hat * _per_channel(sum_dy_xhat, dy)
            )
        dweight = sum_dy_xhat if (weight is not None and ctx.needs_input_grad[1]) else None
        dbias = sum_dy if (ctx.has_bias and ctx.needs_input_grad[2]) else None
        return dx, dweight, dbias, None


def batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Functional batch norm with the signature of ``torch.nn.functional.batch_norm``.

    ``x``: ``(N, C, *)``. In training, normalises with batch statistics (backward by
    :class:`BatchNormFunction`) and updates the running statistics in place with PyTorch's convention
    ``running = (1 - momentum) * running + momentum * batch``, where the running variance takes the
    *unbiased* batch variance ``var * m / (m - 1)``. In evaluation, normalises with the running statistics.
    """
    dims = _reduce_dims(x)
    c = x.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.shape != (c,):
            raise ValueError(f"{name} must have shape ({c},) to match the {c} channels of x, got {tuple(t.shape)}")
    if training:
        m = x.numel() // c
        if m <= 1:
            raise ValueError(
                f"batch norm in training needs more than 1 value per channel, got input of shape {tuple(x.shape)}"
            )
        y, mean, var = BatchNormFunction.apply(x, weight, bias, eps)
        if running_mean is not None and running_var is not None:
            with torch.no_grad():
                running_mean.mul_(1 - momentum).add_(momentum * mean)
                running_var.mul_(1 - momentum).add_(momentum * var * (m / (m - 1)))
        return y
    if running_mean is None or running_var is None:
        raise ValueError("batch norm in evaluation needs running_mean and running_var (or use training=True)")
    y = (x - _per_channel(running_mean, x)) * _per_channel(torch.rsqrt(running_var + eps), x)
    if weight is not None:
        y = y * _per_channel(weight, x)
    if bias is not None:
        y = y + _per_channel(bias, x)
    return y


@dataclass(frozen=True)
class BatchNormStages:
    """The forward intermediates and the gradients of :func:`batch_norm_backward_staged`."""

    mean: Tensor
    var: Tensor
    x_hat: Tensor
    dx_hat: Tensor
    dvar: Tensor
    dmean: Tensor
    dx: Tensor
    dgamma: Tensor
    dbeta: Tensor


def batch_norm_backward_staged(x: Tensor, gamma: Tensor, dy: Tensor, eps: float = 1e-5) -> BatchNormStages:
    """The backward pass one intermediate at a time, as in Ioffe & Szegedy (2015), Section 3.

    ``x``, ``dy``: ``(N, C, *)``; ``gamma``: ``(C,)``. Returns a :class:`BatchNormStages`: the forward
    intermediates ``mean``, ``var`` (``(C,)``), ``x_hat`` and the gradients ``dx_hat`` (like ``x``),
    ``dvar``, ``dmean`` (``(C,)``), ``dx`` (like ``x``), ``dgamma``, ``dbeta`` (``(C,)``):

        dx_hat = dy * gamma
        dvar   = sum(dx_hat * (x - mu)) * -1/2 * (var + eps)^(-3/2)
        dmean  = -sum(dx_hat) / sqrt(var + eps) + dvar * sum(-2 (x - mu)) / m
        dx     = dx_hat / sqrt(var + eps) + dvar * 2 (x - mu) / m + dmean / m

    Taught in: notebooks/02_batchnorm/01_bn_derivation.ipynb
    """
    if x.shape != dy.shape:
        raise ValueError(f"x and dy must have the same shape, got {tuple(x.shape)} and {tuple(dy.shape)}")
    dims = _reduce_dims(x)
    m = x.numel() // x.shape[1]
    mean = x.mean(dim=dims)
    xc = x - _per_channel(mean, x)
    var = (xc * xc).mean(dim=dims)
    std = torch.sqrt(var + eps)
    x_hat = xc / _per_channel(std, x)
    dx_hat = dy * _per_channel(gamma, x)
    dvar = (dx_hat * xc).sum(dim=dims) * -0.5 * (var + eps) ** -1.5
    dmean = -dx_hat.sum(dim=dims) / std + dvar * (-2.0 * xc).sum(dim=dims) / m
    dx = dx_hat / _per_channel(std, x) + _per_channel(dvar, x) * 2.0 * xc / m + _per_channel(dmean, x) / m
    return BatchNormStages(mean=mean, var=var, x_hat=x_hat, dx_hat=dx_hat, dvar=dvar, dmean=dmean, dx=dx,
                           dgamma=(dy * x_hat).sum(dim=dims), dbeta=dy.sum(dim=dims))


class BatchNorm2d(nn.Module):
    """Drop-in replacement for ``torch.nn.BatchNorm2d`` (same arguments, same state-dict keys).

    Input and output ``(N, C, H, W)``. ``momentum=None`` gives the cumulative average
    ``running = running + (batch - running) / num_batches_tracked``, i.e. the plain mean over all
    batches seen, which is the population estimate of the original paper (Algorithm 2).
    Reference: Ioffe & Szegedy, ICML 2015.
    Taught in: notebooks/02_batchnorm/01_bn_derivation.ipynb
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: torch.device | str | None = None,
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1] or None, got {momentum}")
        kw = {"device": device, "dtype": dtype}
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features, **kw))
            self.bias = nn.Parameter(torch.zeros(num_features, **kw))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features, **kw))
            self.register_buffer("running_var", torch.ones(num_features, **kw))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def _check_input_dim(self, x: Tensor) -> None:
        if x.dim() != 4:
            raise ValueError(f"BatchNorm2d expects a 4D input (N, C, H, W), got {x.dim()}D input")
        if x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm2d expects {self.num_features} channels, got {x.shape[1]}")

    def forward(self, x: Tensor) -> Tensor:
        self._check_input_dim(x)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked)
        # as in torch: without running statistics the batch statistics are used in eval mode too
        use_batch = self.training or not self.track_running_stats
        track = self.training and self.track_running_stats
        return batch_norm(
            x,
            self.running_mean if track or not use_batch else None,
            self.running_var if track or not use_batch else None,
            self.weight,
            self.bias,
            use_batch,
            momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(BatchNorm2d):
    """Drop-in replacement for ``torch.nn.BatchNorm1d``: input ``(N, C)`` or ``(N, C, L)``.

    Reference: Ioffe & Szegedy, ICML 2015. Taught in: notebooks/02_batchnorm/08_gradient_flow.ipynb
    """

    def _check_input_dim(self, x: Tensor) -> None:
        if x.dim() not in (2, 3):
            raise ValueError(f"BatchNorm1d expects a 2D or 3D input (N, C[, L]), got {x.dim()}D input")
        if x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d expects {self.num_features} channels, got {x.shape[1]}")


def convert_batchnorm(model: nn.Module) -> nn.Module:
    """Replace every ``torch.nn.BatchNorm2d`` in ``model`` (in place) by :class:`BatchNorm2d`, keeping state.

    Returns the model. Parameters, running statistics and the train/eval flag are copied.
    Taught in: notebooks/02_batchnorm/01_bn_derivation.ipynb
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"convert_batchnorm expects an nn.Module, got {type(model).__name__}")
    for name, child in list(model.named_children()):
        if isinstance(child, nn.BatchNorm2d) and not isinstance(child, BatchNorm2d):
            ref = child.weight if child.affine else child.running_mean
            new = BatchNorm2d(
                child.num_features, child.eps, child.momentum, child.affine, child.track_running_stats,
                device=None if ref is None else ref.device, dtype=None if ref is None else ref.dtype,
            )
            new.load_state_dict(child.state_dict())
            new.train(child.training)
            setattr(model, name, new)
        else:
            convert_batchnorm(child)
    return model
