"""get_act: every name gives a fresh torch layer equal to the from-scratch formula; bad names raise."""
import pytest
import torch
from torch import nn

from cvbook.nn import ACT_LAYERS, ACTIVATIONS, get_act
from cvbook.testing import assert_close


@pytest.mark.parametrize("name", sorted(set(ACT_LAYERS) & set(ACTIVATIONS) - {"rrelu"}))
def test_layer_equals_the_formula(name):
    # rrelu is random in training mode; in eval mode both use the mean slope, but the formula's
    # signature differs, so it is left to the activation tests
    x = torch.linspace(-6, 6, 101, dtype=torch.float64)
    layer = get_act(name).double().eval()
    assert_close(layer(x), ACTIVATIONS[name](x))


def test_fresh_layers():
    a, b = get_act("prelu"), get_act("prelu")
    assert a is not b and a.weight is not b.weight
    assert isinstance(get_act("identity"), nn.Identity)


def test_bad_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        get_act("swish")
    with pytest.raises(TypeError, match="name must be a str"):
        get_act(nn.ReLU)
