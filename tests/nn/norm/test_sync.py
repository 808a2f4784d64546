"""SyncBatchNorm2d without a process group is BatchNorm2d (the two-process check is in tests/experiments)."""
import torch

from cvbook.nn.norm import BatchNorm2d, SyncBatchNorm2d


def test_falls_back_to_batch_norm_without_process_group():
    x = torch.randn(4, 3, 3, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    a, b = SyncBatchNorm2d(3, dtype=torch.float64), BatchNorm2d(3, dtype=torch.float64)
    torch.testing.assert_close(a(x), b(x))
    torch.testing.assert_close(a.running_var, b.running_var)
