import pytest
import torch

from cvbook.nn.norm import MovingAverageBatchNorm2d


def _bn(x, mean, var, eps=1e-5):
    return (x - mean.reshape(1, -1, 1, 1)) / torch.sqrt(var.reshape(1, -1, 1, 1) + eps)


def test_window_one_is_batch_norm():
    x = torch.randn(4, 3, 5, 5, dtype=torch.float64)
    layer = MovingAverageBatchNorm2d(3, window=1).double()
    m, v = x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)
    torch.testing.assert_close(layer(x), _bn(x, m, v))


def test_window_two_averages_moments_of_two_batches():
    g = torch.Generator().manual_seed(0)
    x1 = torch.randn(2, 3, 4, 4, generator=g, dtype=torch.float64)
    x2 = torch.randn(2, 3, 4, 4, generator=g, dtype=torch.float64) + 1.0
    layer = MovingAverageBatchNorm2d(3, window=2).double()
    layer(x1)
    x2.requires_grad_()
    y = layer(x2)
    # the SMA over two equal-sized batches equals the statistics of their union
    both = torch.cat([x1, x2.detach()])
    m, v = both.mean(dim=(0, 2, 3)), both.var(dim=(0, 2, 3), unbiased=False)
    torch.testing.assert_close(y, _bn(x2.detach(), m, v))
    y.sum().backward()
    assert x2.grad is not None and torch.isfinite(x2.grad).all()
    # a third batch pushes x1 out of the window
    x3 = torch.randn(2, 3, 4, 4, generator=g, dtype=torch.float64)
    both = torch.cat([x2.detach(), x3])
    torch.testing.assert_close(layer(x3), _bn(x3, both.mean(dim=(0, 2, 3)), both.var(dim=(0, 2, 3), unbiased=False)))


def test_eval_uses_running_stats():
    layer = MovingAverageBatchNorm2d(2, momentum=1.0).double()  # momentum 1: running = last window stats
    x = torch.randn(3, 2, 4, 4, dtype=torch.float64) * 3
    layer(x)
    layer.eval()
    torch.testing.assert_close(layer(x), _bn(x, x.mean(dim=(0, 2, 3)), x.var(dim=(0, 2, 3), unbiased=False)))


def test_bad_inputs():
    with pytest.raises(ValueError, match="window"):
        MovingAverageBatchNorm2d(3, window=0)
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        MovingAverageBatchNorm2d(3)(torch.randn(2, 4, 2, 2))
