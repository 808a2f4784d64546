"""compare_sync_bn: SyncBN over two gloo workers equals BN over the global batch; per-worker BN does not."""
import pytest

from cvbook.experiments.ch02_batchnorm import compare_sync_bn


def test_sync_bn_equals_global_batch_norm_over_two_gloo_workers():
    d = compare_sync_bn(world_size=2, n=4, channels=2, size=3, seed=0)
    for key in ("y", "dx", "dweight", "running_var"):
        assert getattr(d.sync, key) < 1e-10, key
    # per-worker BN sees different statistics (the shards have different means by construction)
    assert d.local.y > 1e-2 and d.local.dx > 1e-2


def test_bad_inputs():
    with pytest.raises(ValueError, match="split evenly"):
        compare_sync_bn(world_size=3, n=4)
    with pytest.raises(ValueError, match="world_size"):
        compare_sync_bn(world_size=0)
