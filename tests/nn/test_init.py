import math

import pytest
import torch

from cvbook.nn import (calculate_gain, fans, kaiming_normal_, kaiming_std, kaiming_uniform_, layer_statistics, relu, tanh, xavier_normal_, xavier_std, xavier_uniform_)


@pytest.mark.parametrize("name, param", [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                                         ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)])
def test_gain_matches_torch(name, param):
    assert calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))


def test_fans_match_conv_and_linear():
    assert fans((64, 32, 3, 3)) == (288, 576)
    assert fans((10, 784)) == (784, 10)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        fans((5,))


@pytest.mark.parametrize("ours, theirs, kw", [
    (xavier_uniform_, torch.nn.init.xavier_uniform_, {"gain": 1.3}),
    (xavier_normal_, torch.nn.init.xavier_normal_, {"gain": 0.7}),
    (kaiming_uniform_, torch.nn.init.kaiming_uniform_, {"a": 0.1, "mode": "fan_out"}),
    (kaiming_normal_, torch.nn.init.kaiming_normal_, {"nonlinearity": "relu"}),
])
def test_init_draws_equal_torch_nn_init(ours, theirs, kw):
    a, b = torch.empty(40, 30, 3, 3), torch.empty(40, 30, 3, 3)
    ours(a, generator=torch.Generator().manual_seed(3), **kw)
    theirs(b, generator=torch.Generator().manual_seed(3), **kw)
    assert torch.allclose(a, b, atol=1e-6)


def test_std_formulas_by_hand():
    # Xavier 100 -> 300: sqrt(2/400) = 0.0707; Kaiming fan_in 50 with ReLU gain: sqrt(2/50) = 0.2.
    assert xavier_std(100, 300) == pytest.approx(math.sqrt(2 / 400))
    assert kaiming_std(50) == pytest.approx(0.2)
    w = kaiming_normal_(torch.empty(500, 500), nonlinearity="relu", generator=torch.Generator().manual_seed(0))
    assert abs(w.std().item() - math.sqrt(2 / 500)) < 0.002      # 250k draws: relative error ~ 0.3 %


def test_layer_statistics_kaiming_keeps_relu_variance():
    # Kaiming (std sqrt(2/n)) keeps the second moment of ReLU layers constant in expectation; at
    # width 128 the per-layer noise (a random walk in log-variance) keeps 30 layers within a factor 10.
    # Half that std shrinks the variance by 4 per layer: 4^-29 ~ 3e-18 after 30 layers.
    n = 128
    good = layer_statistics(30, n, relu, math.sqrt(2 / n), batch=128)
    bad = layer_statistics(30, n, relu, 0.5 * math.sqrt(2 / n), batch=128)
    assert good.act_var.shape == (30,)
    ratio = (good.act_var[-1] / good.act_var[0]).item()
    assert 0.1 < ratio < 10
    assert (bad.act_var[-1] / bad.act_var[0]).item() < 1e-15
    assert torch.isfinite(good.grad_var).all() and (good.weight_grad_norm > 0).all()


def test_layer_statistics_bad_args():
    with pytest.raises(ValueError, match="depth, width and batch must be >= 1"):
        layer_statistics(0, 4, tanh, 0.1)
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        kaiming_normal_(torch.empty(3, 3), mode="fan")
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        calculate_gain("softplus")
