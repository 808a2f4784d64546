"""Tests of cvbook.analysis.expressivity (Telgarsky's sawtooth and the count of linear pieces)."""
import pytest
import torch
from torch import nn

from cvbook.analysis.expressivity import count_linear_pieces, sawtooth_mlp


@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_sawtooth_has_two_to_the_k_pieces_and_hits_0_and_1_on_the_dyadic_grid(k):
    net = sawtooth_mlp(k)
    assert count_linear_pieces(net) == 2**k
    # worked by hand: tent^k(j / 2^k) is 0 for even j and 1 for odd j (each tent doubles the teeth)
    j = torch.arange(2**k + 1, dtype=torch.float64)
    y = net((j / 2**k)[:, None]).detach().flatten()
    torch.testing.assert_close(y, (j % 2), rtol=0, atol=1e-12)
    # two units per hidden layer: depth k costs 2k units
    assert sum(m.out_features for m in net if isinstance(m, nn.Linear)) - 1 == 2 * k


def test_pieces_of_simple_functions_by_hand():
    assert count_linear_pieces(lambda x: 3 * x - 1) == 1
    assert count_linear_pieces(lambda x: (x - 0.3).abs()) == 2          # one kink, inside a grid cell
    assert count_linear_pieces(lambda x: (x - 0.5).abs(), samples=101) == 2  # one kink, on a grid point


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_hidden_layer_of_n_units_has_at_most_n_plus_1_pieces(seed):
    g = torch.Generator().manual_seed(seed)
    n = 12
    w1, b1 = torch.randn(n, 1, generator=g, dtype=torch.float64), torch.rand(n, generator=g, dtype=torch.float64)
    w2 = torch.randn(1, n, generator=g, dtype=torch.float64)

    def shallow(x):
        return torch.relu(x @ w1.T - b1 * w1.T) @ w2.T                 # kinks at x = b1 (some in [0, 1])

    assert 1 <= count_linear_pieces(shallow) <= n + 1


def test_bad_input():
    with pytest.raises(ValueError, match="depth must be >= 1"):
        sawtooth_mlp(0)
    with pytest.raises(TypeError, match="depth must be an int"):
        sawtooth_mlp(2.0)
    with pytest.raises(ValueError, match="lo < hi"):
        count_linear_pieces(lambda x: x, lo=1.0, hi=1.0)
    with pytest.raises(ValueError, match="samples must be >= 3"):
        count_linear_pieces(lambda x: x, samples=2)
