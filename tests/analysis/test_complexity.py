import pytest
import torch
import torchvision
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cvbook.analysis import count_flops, count_params, measure_latency


def _oracle(model, x):
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(x)
    return counter.get_total_flops()


@pytest.mark.parametrize("builder,size", [
    (lambda: torchvision.models.resnet18(), 64),
    (lambda: torchvision.models.mobilenet_v2(), 64),
    (lambda: nn.Sequential(nn.Conv2d(3, 8, 3, groups=1), nn.ConvTranspose2d(8, 4, 3, stride=2, groups=2), nn.Flatten(), nn.LazyLinear(5)), 9),
])
def test_count_flops_equals_flop_counter_mode(builder, size):
    torch.manual_seed(0)
    model = builder().eval()
    x = torch.randn(2, 3, size, size)
    model(x)  # materialise lazy layers
    assert count_flops(model, x) == _oracle(model, x)


def test_count_flops_hand_value():
    # one 3x3 conv, 1 -> 1 channel, on a 5x5 image, no padding: 3x3 outputs x 9 MACs x 2 = 162
    assert count_flops(nn.Conv2d(1, 1, 3), torch.zeros(1, 1, 5, 5)) == 162
    # linear 10 -> 4 on a batch of 3: 3 x 10 x 4 MACs x 2 = 240
    assert count_flops(nn.Linear(10, 4), torch.zeros(3, 10)) == 240


def test_count_params_against_torchvision_and_by_hand():
    assert count_params(torchvision.models.resnet18()) == 11_689_512  # torchvision's documented count
    layer = nn.Linear(3, 2)  # 3*2 weights + 2 biases
    assert count_params(layer) == 8
    layer.bias.requires_grad_(False)
    assert count_params(layer, trainable_only=True) == 6
    shared = nn.Linear(4, 4)
    assert count_params(nn.Sequential(shared, shared)) == 20  # shared parameters count once


def test_bad_inputs_are_refused():
    with pytest.raises(TypeError, match="nn.Module"):
        count_params("resnet")
    with pytest.raises(TypeError, match="nn.Module"):
        count_flops(lambda x: x, torch.zeros(1))
    with pytest.raises(TypeError, match="tensor or a tuple"):
        count_flops(nn.Linear(2, 2), [1, 2])


def test_measure_latency_counts_calls():
    calls = []

    def fn(x):
        calls.append(1)
        return x * 2

    lat = measure_latency(fn, torch.ones(3), warmup=2, repeat=5)
    assert len(calls) == 7 and len(lat.times_s) == 5
    assert lat.median_s > 0 and lat.median_ms == pytest.approx(1000 * lat.median_s)
    assert min(lat.times_s) <= lat.median_s <= max(lat.times_s)
    with pytest.raises(ValueError, match="repeat > 0"):
        measure_latency(fn, torch.ones(1), repeat=0)
    with pytest.raises(TypeError, match="callable"):
        measure_latency(3, torch.ones(1))
