"""cvbook.experiments.ch03_optimization.regularizers: the over-fitting set-up of the regularisation page."""
import pytest
import torch
from torch import nn

from cvbook.experiments.ch03_optimization import RegConfig, make_net, overfit_digits, population_bn_stats, train_run
from cvbook.nn import GaussianNoise, LocallyConnected2d
from cvbook.testing import assert_close


def test_overfit_digits_split_and_label_noise():
    clean = overfit_digits(50, 40, 30, label_noise=0.0, seed=0)
    noisy = overfit_digits(50, 40, 30, label_noise=0.5, seed=0)
    assert clean.train.tensors[0].shape == (50, 1, 8, 8) and len(clean.val) == 40 and len(clean.test) == 30
    assert torch.equal(clean.train.tensors[0], noisy.train.tensors[0])   # same images, only labels change
    flipped = (clean.train.tensors[1] != noisy.train.tensors[1]).float().mean().item()
    assert 0.2 < flipped < 0.8                                           # about half of 50 flipped
    assert torch.equal(clean.test.tensors[1], noisy.test.tensors[1])     # test labels stay clean
    with pytest.raises(ValueError, match=r"label_noise must lie in \[0, 1\)"):
        overfit_digits(10, 10, 10, label_noise=1.0)


def test_config_validation():
    with pytest.raises(ValueError, match="layer must be 'conv' or 'local'"):
        RegConfig("x", layer="dense")
    with pytest.raises(ValueError, match="bn must be"):
        RegConfig("x", bn="layer")
    with pytest.raises(ValueError, match="ghost batches need bn='batch'"):
        RegConfig("x", ghost=4)
    with pytest.raises(ValueError, match="input_noise must be >= 0"):
        RegConfig("x", input_noise=-1.0)


def test_make_net_shapes_and_parameter_counts():
    x = torch.rand(3, 1, 8, 8)
    conv = make_net(RegConfig("conv"), width=8, seed=0)
    local = make_net(RegConfig("local", layer="local"), width=8, seed=0)
    assert conv(x).shape == local(x).shape == (3, 10)
    # by hand: conv 1->8 (8*9 + 8), conv 8->16 (16*72 + 16), linear 64->10 (640 + 10) = 1898
    assert sum(p.numel() for p in conv.parameters()) == 80 + 1168 + 650
    # locally connected: 64 positions * 8 * 9 + 8*8*8 biases, then 16 positions * 16 * 72 + 16*4*4
    assert sum(p.numel() for p in local.parameters()) == 64 * 72 + 512 + 16 * 1152 + 256 + 650
    assert any(isinstance(m, LocallyConnected2d) for m in local)
    noisy = make_net(RegConfig("n", input_noise=0.1, hidden_noise=0.2), seed=0)
    assert sum(isinstance(m, GaussianNoise) for m in noisy) == 2
    # same seed, same weights
    assert_close(make_net(RegConfig("conv"), seed=3)[0].weight, make_net(RegConfig("conv"), seed=3)[0].weight)


def test_population_bn_stats_are_the_batch_statistics():
    net = make_net(RegConfig("bn", bn="batch"), width=4, seed=0)
    x = torch.rand(30, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    population_bn_stats(net, x)
    bn = net[1]
    assert isinstance(bn, nn.BatchNorm2d) and bn.momentum == 0.1      # momentum restored
    h = net[0](x)
    assert_close(bn.running_mean, h.mean((0, 2, 3)).detach())
    assert_close(bn.running_var, h.var((0, 2, 3), unbiased=True).detach())


@pytest.mark.parametrize("config", [RegConfig("plain"), RegConfig("pop", bn="population"),
                                    RegConfig("ghost", bn="batch", ghost=5)])
def test_train_run_smoke(config):
    data = overfit_digits(40, 20, 20, label_noise=0.1, seed=0)
    r = train_run(config, data, seed=0, epochs=3, batch_size=10, curves=True, patience=1)
    assert len(r.curves.val_loss) == 3 and 0 <= r.train_error <= 100 and 0 <= r.test_error <= 100
    assert 1 <= r.stop.best_epoch <= 3 and r.es_test_error is not None
    assert r.gap == r.test_error - r.train_error
    with pytest.raises(ValueError, match="must divide batch_size"):
        train_run(RegConfig("g", bn="batch", ghost=3), data, epochs=1, batch_size=10)
    with pytest.raises(ValueError, match="larger than the training set"):
        train_run(config, data, epochs=1, batch_size=41)
