"""The compression driver: pruning shrinks and equals zeroing, our 8-bit weights equal torch.ao's, the grouped model
equals the penalised dense one, and every variant of the table is built (a tiny run)."""
import copy

import pytest
import torch

from cvbook.data import digits_benchmark
from cvbook.experiments.papers.compression import (VARIANTS, ao_quantization, accuracy, compress, compression_net,
                                                   dynamic_quantize, fake_quantize_net, prune_net, state_dict_bytes,
                                                   static_quantize, train_net)
from cvbook.nn.prune import filter_prune_mask
from cvbook.ops.quantize import quantize_weight
from cvbook.testing import assert_close, tolerance


@pytest.fixture(scope="module")
def data():
    return digits_benchmark(n_train=200, n_test=100, seed=0, channels=1)


def _x(n=16):
    return torch.rand(n, 1, 8, 8, generator=torch.Generator().manual_seed(0))


def test_pruned_net_equals_the_net_with_zeroed_filters():
    net = compression_net(seed=0).eval()
    small = prune_net(net, 0.5)
    zeroed = copy.deepcopy(net)
    with torch.no_grad():
        for i in (0, 2, 5):
            m = filter_prune_mask(zeroed[i].weight, 0.5)
            zeroed[i].weight.mul_(m)
            zeroed[i].bias.mul_(m[:, 0, 0, 0])
    assert [small[i].out_channels for i in (0, 2, 5)] == [8, 16, 16]
    assert small[9].in_features == 64
    with torch.no_grad():
        assert_close(small(_x()), zeroed(_x()))


def test_fake_quantised_net_uses_quantize_weight():
    net = compression_net(seed=1)
    q = fake_quantize_net(net)
    assert torch.equal(q[2].weight, quantize_weight(net[2].weight))
    assert not torch.equal(q[2].weight, net[2].weight)


def test_static_int8_weights_equal_our_fake_quantised_weights():
    if ao_quantization() is None:
        pytest.skip("torch.ao.quantization is not available")
    net = compression_net(seed=2).eval()
    q = static_quantize(net, _x(32))
    for i in (0, 2, 5):
        assert torch.equal(q[1][i].weight().dequantize(), quantize_weight(net[i].weight))
    with torch.no_grad():
        ref = net(_x())
    assert (q(_x()) - ref).abs().max() < 0.1 * ref.abs().max()        # int8 activations: close, not equal
    d = dynamic_quantize(net)
    with torch.no_grad():
        assert (d(_x()) - ref).abs().max() < 0.1 * ref.abs().max()


def test_state_dict_bytes_counts_at_least_four_bytes_a_float():
    net = compression_net(seed=0)
    n = sum(p.numel() for p in net.parameters())
    assert state_dict_bytes(net) >= 4 * n


def test_tiny_run_builds_every_variant(data):
    r = compress(data, seed=0, epochs=1, ft_epochs=1)
    names = [v.name for v in r.variants]
    expected = [v for v in VARIANTS if r.ao_available or "int8" not in v]
    assert names == expected
    assert r.get("pruned").params < r.get("float").params
    assert r.get("grouped").params < r.get("float").params
    assert r.get("student").params < r.get("float").params
    _, atol = tolerance(torch.float32, scale=10)   # float32 logits of order 10: summation order differs
    assert r.group_max_diff < atol               # the group conv is the zeroed dense conv
    assert all(0.0 <= v.accuracy <= 1.0 and v.latency_ms > 0 and v.bytes > 0 for v in r.variants)
    with pytest.raises(KeyError, match="no variant"):
        r.get("binarised")


def test_training_learns_and_bad_input(data):
    x, y = data.train.tensors
    net = compression_net(seed=0)
    with torch.no_grad():
        before = torch.nn.functional.cross_entropy(net(x), y)
    train_net(net, data, 3, seed=0)
    with torch.no_grad():
        assert torch.nn.functional.cross_entropy(net(x), y) < before     # SGD lowers the training loss
    assert 0.0 <= accuracy(net, data) <= 1.0
    with pytest.raises(ValueError, match="widths must be three"):
        compression_net((4, 8))
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        compress(data, seed=0, epochs=0)
    with pytest.raises(ValueError, match="lr must be"):
        train_net(compression_net(), data, 1, 0, lr=0.0)


def test_without_torch_ao_the_int8_rows_are_left_out(data, monkeypatch):
    import cvbook.experiments.papers.compression as compression

    monkeypatch.setattr(compression, "ao_quantization", lambda: None)
    with pytest.raises(RuntimeError, match="torch.ao.quantization is not available"):
        compression.static_quantize(compression_net(), _x())
    with pytest.raises(RuntimeError, match="torch.ao.quantization is not available"):
        compression.dynamic_quantize(compression_net())
    r = compression.compress(data, seed=0, epochs=1, ft_epochs=0)
    assert not r.ao_available
    assert [v.name for v in r.variants] == [v for v in VARIANTS if "int8" not in v]
