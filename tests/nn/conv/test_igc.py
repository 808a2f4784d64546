"""IGC v1: equal to a dense convolution with the structured weight; parameter count by hand."""
import pytest
import torch

from cvbook.nn.conv.igc import InterleavedGroupConv
from cvbook.testing import assert_close


@pytest.mark.parametrize("L", [1, 2, 4, 8])
def test_equals_dense_conv_with_structured_weight(L, generator):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        m = InterleavedGroupConv(8, L).double()
    x = torch.randn(2, 8, 6, 6, generator=generator, dtype=torch.float64)
    assert_close(m(x), m.dense_forward(x))


def test_permutation_puts_one_channel_of_each_primary_group_in_each_secondary_group():
    m = InterleavedGroupConv(6, 2)  # L = 2 groups of M = 3: {0,1,2}, {3,4,5}
    assert m.permutation().tolist() == [0, 3, 1, 4, 2, 5]


def test_parameter_count():
    m = InterleavedGroupConv(64, 4)
    # primary: C * M * k^2 = 64 * 16 * 9; secondary: C * L = 64 * 4
    assert sum(p.numel() for p in m.parameters()) == 64 * 16 * 9 + 64 * 4
    assert m.dense_weight().shape == (64, 64, 3, 3)


def test_bad_input():
    with pytest.raises(ValueError, match="multiple"):
        InterleavedGroupConv(10, 4)
