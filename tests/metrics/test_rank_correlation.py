"""Kendall's tau-b against scipy.stats.kendalltau, hand values, ties, errors."""
import math

import pytest
import torch
from scipy.stats import kendalltau

from cvbook.metrics.rank_correlation import kendall_tau
from cvbook.testing import assert_close


def test_hand_values():
    assert kendall_tau([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # [1, 2, 3] vs [1, 3, 2]: pairs (1,2) and (1,3) concordant, (2,3) discordant -> (2 - 1) / 3
    assert kendall_tau([1, 2, 3], [1, 3, 2]) == pytest.approx(1 / 3, rel=1e-12)
    # a tie in y: x = [1, 2, 3], y = [1, 1, 2]: C = 2, D = 0, one pair tied in y -> 2 / sqrt(3 * 2)
    assert kendall_tau([1, 2, 3], [1, 1, 2]) == pytest.approx(2 / math.sqrt(6), rel=1e-12)


@pytest.mark.parametrize("n,levels", [(7, 100), (30, 5), (64, 3)])
def test_matches_scipy_with_and_without_ties(n, levels, generator):
    x = torch.randint(levels, (n,), generator=generator).double()
    y = x + torch.randint(levels, (n,), generator=generator).double()
    expected = kendalltau(x.numpy(), y.numpy(), variant="b").statistic
    assert_close(torch.tensor(kendall_tau(x, y)), torch.tensor(expected, dtype=torch.float64))


def test_constant_vector_gives_nan_and_errors():
    assert math.isnan(kendall_tau([1, 1, 1], [1, 2, 3]))
    assert math.isnan(kendalltau([1, 1, 1], [1, 2, 3]).statistic)   # as scipy
    with pytest.raises(ValueError, match="same length"):
        kendall_tau([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2 items"):
        kendall_tau([1.0], [2.0])
    with pytest.raises(ValueError, match="NaN"):
        kendall_tau([1.0, float("nan")], [1.0, 2.0])
