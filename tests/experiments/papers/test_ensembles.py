"""Bias-variance estimation: a constant predictor worked by hand, the decomposition identity, errors."""
import numpy as np
import pytest
import torch

from cvbook.experiments.papers.ensembles import REGRESSORS, bias_variance, make_regressor, target_function
from cvbook.testing import assert_close


class _Constant:
    """Predicts a fixed value c: zero variance, bias^2 = mean (c - f)^2 (worked out in closed form below)."""

    def __init__(self, c):
        self.c = c

    def fit(self, x, y):
        return self

    def predict(self, x):
        return np.full(len(x), self.c)


def test_constant_predictor_has_no_variance_and_known_bias():
    r = bias_variance(lambda k: _Constant(0.0), seed=0, n_sets=3, n_test=201)
    x = np.linspace(-2, 2, 201)
    assert r.variance == 0.0
    assert_close(torch.tensor(r.bias2, dtype=torch.float64), torch.tensor(float((target_function(x) ** 2).mean()), dtype=torch.float64))
    assert_close(torch.tensor(r.expected_error, dtype=torch.float64), torch.tensor(r.bias2 + 0.3 ** 2, dtype=torch.float64))


def test_measured_error_agrees_with_decomposition():
    r = bias_variance(lambda k: make_regressor("k-NN", seed=k), seed=1, n_sets=10)
    assert abs(r.measured_error - r.expected_error) < 0.15 * r.expected_error   # sampling noise of 2000 terms
    assert r.bias2 >= 0 and r.variance > 0


def test_every_regressor_fits_and_bad_names():
    x = np.linspace(-2, 2, 30)[:, None]
    for name in REGRESSORS:
        assert make_regressor(name).fit(x, x[:, 0] ** 2).predict(x).shape == (30,)
    with pytest.raises(ValueError, match="name must be one of"):
        make_regressor("random forest of dreams")
    with pytest.raises(ValueError, match="n_sets must be >= 2"):
        bias_variance(lambda k: _Constant(0.0), seed=0, n_sets=1)
