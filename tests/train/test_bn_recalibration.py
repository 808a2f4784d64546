"""BN recalibration: exact data statistics (one batch), the cumulative average over batches (hand value),
weights and modes untouched, layers not reached untouched, errors."""
import pytest
import torch
from torch import nn

from cvbook.models.classification.supernet import Supernet
from cvbook.nn.norm.batchnorm import BatchNorm2d as OurBatchNorm2d
from cvbook.testing import assert_close
from cvbook.train.bn_recalibration import bn_layers, recalibrate_bn


def _bn_net(bn=nn.BatchNorm2d):
    net = nn.Sequential(bn(3), nn.Dropout(0.5), nn.Conv2d(3, 2, 1), bn(2))
    with torch.no_grad():   # stale statistics and a non-default momentum, to see them replaced and restored
        for m in (net[0], net[3]):
            m.running_mean.fill_(5.0)
            m.running_var.fill_(9.0)
            m.momentum = 0.3
    return net


@pytest.mark.parametrize("bn", [nn.BatchNorm2d, OurBatchNorm2d], ids=["torch", "cvbook"])
def test_one_batch_gives_the_exact_mean_and_unbiased_variance(bn, generator, dtype):
    net = _bn_net(bn).to(dtype)
    x = 2.0 + 3.0 * torch.randn(16, 3, 4, 4, generator=generator, dtype=dtype)
    n = recalibrate_bn(net, [x])
    assert n == 1
    assert_close(net[0].running_mean, x.mean(dim=(0, 2, 3)))
    assert_close(net[0].running_var, x.var(dim=(0, 2, 3), unbiased=True))   # torch stores the unbiased variance
    with torch.no_grad():   # the second BN sees the conv of the first BN's output (batch statistics, train mode)
        h = net[2](nn.functional.batch_norm(x, None, None, net[0].weight, net[0].bias, training=True))
    assert_close(net[3].running_mean, h.mean(dim=(0, 2, 3)))
    assert_close(net[3].running_var, h.var(dim=(0, 2, 3), unbiased=True))


def test_several_batches_give_the_cumulative_average(generator):
    net = _bn_net()
    batches = [torch.randn(8, 3, 2, 2, generator=generator) * (k + 1) + k for k in range(3)]
    recalibrate_bn(net, batches)
    # momentum=None: running stats are the plain mean over batches of the batch mean / unbiased variance;
    # with equal batch sizes the mean is the exact mean of all the data
    assert_close(net[0].running_mean, torch.cat(batches).mean(dim=(0, 2, 3)))
    assert_close(net[0].running_var, torch.stack([b.var(dim=(0, 2, 3)) for b in batches]).mean(0))
    assert int(net[0].num_batches_tracked) == 3


def test_weights_modes_and_momenta_are_restored(generator):
    net = _bn_net()
    net.train()
    net[1].eval()
    before = {k: v.clone() for k, v in net.named_parameters()}
    recalibrate_bn(net, [(torch.randn(4, 3, 2, 2, generator=generator), torch.zeros(4))])  # (x, y) batches
    for k, v in net.named_parameters():
        assert torch.equal(v, before[k]), k
    assert net.training and net[0].training and not net[1].training
    assert net[0].momentum == 0.3 and net[3].momentum == 0.3


def test_dropout_is_off_during_the_pass(generator):
    # with dropout active the second BN would see x * mask / 0.5; in eval mode it sees the conv of x itself
    net = _bn_net().train()
    x = torch.randn(32, 3, 2, 2, generator=generator)
    recalibrate_bn(net, [x])
    with torch.no_grad():
        h = net[2](nn.functional.batch_norm(x, None, None, net[0].weight, net[0].bias, training=True))
    assert_close(net[3].running_mean, h.mean(dim=(0, 2, 3)))


def test_supernet_path_only_recalibrates_its_own_ops(generator):
    net = Supernet(width=4, num_layers=2, ops=("conv3x3", "sep3x3"))
    other = net.choices[0][1]   # sep3x3 of layer 0, not on the path (0, 0)
    with torch.no_grad():
        for m in bn_layers(other):
            m.running_mean.fill_(7.0)
    recalibrate_bn(net, [torch.rand(8, 1, 8, 8, generator=generator)], forward=lambda m, x: m(x, (0, 0)))
    assert all(bool((m.running_mean == 7.0).all()) for m in bn_layers(other))
    assert int(net.choices[0][0][1].num_batches_tracked) == 1 and int(net.stem[1].num_batches_tracked) == 1


def test_bn_layers_skips_untracked():
    net = nn.Sequential(nn.BatchNorm2d(2), nn.BatchNorm2d(2, track_running_stats=False), nn.BatchNorm1d(3),
                        OurBatchNorm2d(2), nn.GroupNorm(1, 2))
    assert bn_layers(net) == [net[0], net[2], net[3]]


def test_errors():
    with pytest.raises(ValueError, match="no BN layer"):
        recalibrate_bn(nn.Sequential(nn.Conv2d(1, 1, 1)), [torch.zeros(2, 1, 2, 2)])
    net = _bn_net()
    with pytest.raises(ValueError, match="batches is empty"):
        recalibrate_bn(net, [])
    assert net[0].momentum == 0.3   # restored after the failure
    with pytest.raises(TypeError, match="forward must be callable"):
        recalibrate_bn(net, [torch.zeros(2, 3, 2, 2)], forward=3)
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        bn_layers("net")
