import pytest
import torch

from cvbook.nn.norm import BatchNorm2d, SyncBatchNorm2d, compare_sync_bn, make_global_batch


def test_sync_bn_equals_global_batch_norm_over_two_gloo_workers():
    d = compare_sync_bn(world_size=2, n=4, channels=2, size=3, seed=0)
    for key in ("sync_y", "sync_dx", "sync_dweight", "sync_running_var"):
        assert d[key] < 1e-10, key
    # per-worker BN sees different statistics (the shards have different means by construction)
    assert d["local_y"] > 1e-2 and d["local_dx"] > 1e-2


def test_falls_back_to_batch_norm_without_process_group():
    x, _ = make_global_batch(4, 3, 3, seed=1)
    a, b = SyncBatchNorm2d(3, dtype=torch.float64), BatchNorm2d(3, dtype=torch.float64)
    torch.testing.assert_close(a(x), b(x))
    torch.testing.assert_close(a.running_var, b.running_var)


def test_bad_inputs():
    with pytest.raises(ValueError, match="split evenly"):
        compare_sync_bn(world_size=3, n=4)
    with pytest.raises(ValueError, match="world_size"):
        compare_sync_bn(world_size=0)
