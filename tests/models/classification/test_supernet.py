"""The supernet: path counting, single-path forward, stand-alone subnets (fresh and inherited weights), errors."""
import itertools

import pytest
import torch
from torch import nn

from cvbook.models.classification.supernet import OPS, SubNet, Supernet, make_op
from cvbook.testing import assert_close


def test_paths_are_the_product_of_the_choices():
    net = Supernet(width=4, num_layers=3)
    assert net.num_paths == len(OPS) ** 3
    paths = net.all_paths()
    assert len(paths) == len(set(paths)) == net.num_paths
    assert paths == list(itertools.product(range(len(OPS)), repeat=3))
    small = Supernet(width=4, num_layers=2, ops=("conv3x3", "skip"))
    assert small.num_paths == 4 and small.path_names((1, 0)) == ("skip", "conv3x3")


@pytest.mark.parametrize("name", OPS)
def test_every_op_keeps_the_shape(name, generator):
    x = torch.randn(2, 6, 5, 7, generator=generator)
    assert make_op(name, 6)(x).shape == x.shape


def test_forward_runs_only_the_chosen_ops(generator):
    net = Supernet(width=4, num_layers=3, ops=("conv3x3", "conv5x5", "skip"))
    x = torch.rand(3, 1, 8, 8, generator=generator)
    out = net(x, (0, 2, 1))
    assert out.shape == (3, 10)
    out.sum().backward()
    used = {"choices.0.0", "choices.2.1"}
    for name, p in net.named_parameters():
        layer = ".".join(name.split(".")[:3])
        if name.startswith("choices"):
            assert (p.grad is not None) == (layer in used), name   # only the path's ops get gradients
        else:
            assert p.grad is not None, name                         # stem and head are on every path


def test_all_skip_path_is_stem_then_head(generator):
    # the path of identities computes head(stem(x)): a hand-built check of the composition
    net = Supernet(width=4, num_layers=2, ops=("conv3x3", "skip")).eval()
    x = torch.rand(2, 1, 8, 8, generator=generator)
    assert_close(net(x, (1, 1)), net.head(net.stem(x)))


def test_inherited_subnet_equals_the_supernet_path(generator):
    net = Supernet(width=4, num_layers=3, seed=3)
    with torch.no_grad():   # non-default BN statistics, so inheriting them is tested too
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5, generator=generator)
                m.running_var.uniform_(0.5, 2.0, generator=generator)
    net.eval()
    x = torch.rand(4, 1, 8, 8, generator=generator)
    for path in [(0, 1, 2), (3, 3, 0), (2, 0, 3)]:
        sub = net.subnet(path, inherit=True).eval()
        assert sub.op_names == net.path_names(path)
        assert_close(sub(x), net(x, path))
        n_path = sum(p.numel() for p in net.stem.parameters()) + sum(p.numel() for p in net.head.parameters()) + sum(
            p.numel() for layer, i in zip(net.choices, path) for p in layer[i].parameters())
        assert sum(p.numel() for p in sub.parameters()) == n_path


def test_fresh_subnet_has_its_own_weights_and_is_reproducible(generator):
    net = Supernet(width=4, num_layers=2, ops=("conv3x3", "sep3x3"))
    x = torch.rand(2, 1, 8, 8, generator=generator)
    a, b, c = (net.subnet((0, 1), seed=s).eval() for s in (5, 5, 6))
    assert_close(a(x), b(x))
    assert not torch.allclose(a(x), c(x))
    assert a.stem[0].weight.data_ptr() != net.stem[0].weight.data_ptr()
    assert not torch.allclose(a.stem[0].weight, net.stem[0].weight)


def test_sample_path_is_uniform_and_seeded():
    net = Supernet(width=2, num_layers=2, ops=("conv3x3", "skip", "sep3x3"))
    g = torch.Generator().manual_seed(0)
    draws = [net.sample_path(g) for _ in range(1800)]
    assert net.sample_path(7) == net.sample_path(7)
    counts = torch.tensor([draws.count(p) for p in net.all_paths()], dtype=torch.float64)
    # 1800 draws over 9 paths: 200 expected each, binomial std sqrt(1800 * 1/9 * 8/9) = 13.3; 5 std allowed
    assert (counts - 200).abs().max() < 5 * (1800 * (1 / 9) * (8 / 9)) ** 0.5


def test_bad_input():
    net = Supernet(width=2, num_layers=3, ops=("conv3x3", "skip"))
    x = torch.rand(1, 1, 8, 8)
    with pytest.raises(ValueError, match="one op index per choice layer"):
        net(x, (0, 1))
    with pytest.raises(ValueError, match="op index must be <= 1"):
        net(x, (0, 1, 2))
    with pytest.raises(TypeError, match="path must be a sequence"):
        net(x, "010")
    with pytest.raises(ValueError, match="unknown op"):
        make_op("conv7x7", 4)
    with pytest.raises(ValueError, match="ops must be distinct names"):
        Supernet(ops=("conv3x3", "conv3x3"))
    with pytest.raises(ValueError, match="ops must be distinct names"):
        Supernet(ops=())
    with pytest.raises(TypeError, match="got the string"):
        Supernet(ops="conv3x3")
    with pytest.raises(ValueError, match="width must be >= 1"):
        Supernet(width=0)
    with pytest.raises(ValueError, match="op_names must be a non-empty"):
        SubNet(())
