"""Synchronised batch norm: one all-reduce of (count, sum, sum of squares) per pass.

Each of ``W`` workers holds a shard ``x_w`` of the global batch. The global statistics need only
three per-channel sums, which add across workers:

    M = sum_w m_w,   S1 = sum_w sum(x_w),   S2 = sum_w sum(x_w^2)
    mu = S1 / M,     var = S2 / M - mu^2

so the forward pass packs ``[m_w, sum(x_w), sum(x_w^2)]`` into one tensor and all-reduces it once
(notes 002 l.182-187). The backward pass of the compact BN formula needs two more global sums,
``sum(dy)`` and ``sum(dy * x_hat)``, again one all-reduce; everything else is local.

Departure from ``torch.nn.SyncBatchNorm``: torch gathers per-worker (mean, invstd, count) and merges
them (Welford-style), which is numerically safer than ``S2/M - mu^2`` when ``|mu| >> std``.
Returned ``weight``/``bias`` gradients are the *local* sums; their sum over workers (what DDP's
gradient all-reduce computes, up to its 1/W averaging) is the global gradient.

Reference: Zhang et al., "Context Encoding for Semantic Segmentation", CVPR 2018 (Sec. 3.3,
cross-GPU BN); Peng et al., "MegDet", CVPR 2018.
Taught in: notebooks/02_batchnorm/06_sync_bn.ipynb
"""
from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from cvbook.nn.norm.batchnorm import BatchNorm2d, _per_channel, _reduce_dims

__all__ = ["SyncBatchNormFunction", "SyncBatchNorm2d"]


class SyncBatchNormFunction(torch.autograd.Function):
    """``apply(x, weight, bias, eps, group) -> (y, mean, var, count)`` with global statistics.

    ``x``: the local shard ``(n_w, C, *)``; ``mean``, ``var``: ``(C,)`` global (biased) statistics;
    ``count``: the global number of values per channel ``M`` (a 0-dim tensor).
    """

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float, group=None):  # type: ignore[override]
        dims = _reduce_dims(x)
        c = x.shape[1]
        local_count = torch.full((1,), x.numel() // c, dtype=x.dtype, device=x.device)
        packed = torch.cat([local_count, x.sum(dim=dims), (x * x).sum(dim=dims)])
        import torch.distributed as dist  # imported when used: the layer module itself needs no process group

        dist.all_reduce(packed, op=dist.ReduceOp.SUM, group=group)  # the one synchronisation
        count = packed[0]
        mean = packed[1 : 1 + c] / count
        var = (packed[1 + c :] / count - mean * mean).clamp_min(0.0)
        invstd = torch.rsqrt(var + eps)
        x_hat = (x - _per_channel(mean, x)) * _per_channel(invstd, x)
        y = x_hat
        if weight is not None:
            y = y * _per_channel(weight, x)
        if bias is not None:
            y = y + _per_channel(bias, x)
        ctx.save_for_backward(x_hat, invstd, weight, count)
        ctx.has_bias, ctx.group = bias is not None, group
        ctx.mark_non_differentiable(mean, var, count)
        return y, mean, var, count

    @staticmethod
    @once_differentiable
    def backward(ctx, dy: Tensor, _dm: Tensor, _dv: Tensor, _dc: Tensor):  # type: ignore[override]
        x_hat, invstd, weight, count = ctx.saved_tensors
        dims = _reduce_dims(dy)
        c = dy.shape[1]
        local = torch.cat([dy.sum(dim=dims), (dy * x_hat).sum(dim=dims)])
        total = local.clone()
        import torch.distributed as dist

        dist.all_reduce(total, op=dist.ReduceOp.SUM, group=ctx.group)  # one synchronisation backward
        sum_dy, sum_dy_xhat = total[:c], total[c:]
        scale = invstd if weight is None else weight * invstd
        dx = _per_channel(scale / count, dy) * (
            count * dy - _per_channel(sum_dy, dy) - x_hat * _per_channel(sum_dy_xhat, dy)
        )
        dweight = local[c:] if weight is not None else None
        dbias = local[:c] if ctx.has_bias else None
        return dx, dweight, dbias, None, None


class SyncBatchNorm2d(BatchNorm2d):
    """:class:`BatchNorm2d` whose training statistics are global over the ``torch.distributed`` group.

    Input/output ``(n_w, C, H, W)`` per worker. Falls back to ordinary batch norm when
    ``torch.distributed`` is not initialised or the group has one worker, and in evaluation.
    Reference: Zhang et al., CVPR 2018. Taught in: notebooks/02_batchnorm/06_sync_bn.ipynb
    """

    def __init__(self, *args, process_group=None, **kw) -> None:
        super().__init__(*args, **kw)
        self.process_group = process_group

    def forward(self, x: Tensor) -> Tensor:
        self._check_input_dim(x)
        import torch.distributed as dist

        distributed = dist.is_available() and dist.is_initialized() and dist.get_world_size(self.process_group) > 1
        if not (self.training and distributed):
            return super().forward(x)
        y, mean, var, count = SyncBatchNormFunction.apply(x, self.weight, self.bias, self.eps, self.process_group)
        if self.track_running_stats:
            self.num_batches_tracked.add_(1)
            momentum = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
            m = float(count)
            with torch.no_grad():
                self.running_mean.mul_(1 - momentum).add_(momentum * mean)
                self.running_var.mul_(1 - momentum).add_(momentum * var * (m / max(m - 1, 1.0)))
        return y
