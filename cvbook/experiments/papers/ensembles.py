"""Bias and variance of small regressors and of their ensembles (bagging, boosting, stacking), measured.

The task is one known function, ``f(x) = sin(3x) + 0.5 x`` on ``x ~ U(-2, 2)``, observed with Gaussian noise of
standard deviation ``sigma``. For ``n_sets`` independent training sets of ``n_train`` points we fit a fresh model
and predict on a fixed grid of test inputs; with ``m(x)`` the mean prediction over training sets,

    bias² = mean_x (m(x) - f(x))²,   variance = mean_x mean_r (p_r(x) - m(x))²,

and the expected squared error on a new noisy observation is ``bias² + variance + sigma²`` (the noise is
independent of the fit). The same predictions scored against fresh noisy targets give the measured error, which
must agree.

Reference: S. Geman, E. Bienenstock and R. Doursat, "Neural Networks and the Bias/Variance Dilemma", Neural
Computation 4(1), 1992 (the decomposition); L. Breiman, "Bagging Predictors", Machine Learning 24, 1996;
J. H. Friedman, "Greedy Function Approximation: A Gradient Boosting Machine", Annals of Statistics 29(5), 2001; D. H. Wolpert, "Stacked Generalization", Neural Networks 5, 1992.
Taught in: notebooks/08_papers/09_ensembles.ipynb
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cvbook._checks import check_int, check_positive

__all__ = ["BiasVariance", "target_function", "bias_variance", "make_regressor", "REGRESSORS"]

REGRESSORS = ("stump", "deep tree", "bagged deep trees", "boosted stumps", "k-NN", "ridge", "stacking")


def target_function(x: np.ndarray) -> np.ndarray:
    """``f(x) = sin(3x) + 0.5 x``, the noiseless truth."""
    return np.sin(3 * x) + 0.5 * x


@dataclass(frozen=True)
class BiasVariance:
    """``bias2``, ``variance``, ``noise`` (= sigma²), their sum ``expected_error``, and ``measured_error`` (the
    mean squared error against fresh noisy targets)."""

    bias2: float
    variance: float
    noise: float
    expected_error: float
    measured_error: float


def make_regressor(name: str, seed: int = 0):
    """A scikit-learn regressor by name (see :data:`REGRESSORS`), randomised from ``seed``.

    Stumps are depth-1 trees (high bias); deep trees are unpruned (high variance); bagging averages 20 deep trees
    on bootstrap samples; boosting is gradient boosting (GBDT) of 100 stumps, learning rate 0.2; stacking fits a
    linear model on the 3-fold
    out-of-fold predictions of a deep tree, 5-NN and a ridge regression on polynomial features.
    """
    from sklearn.ensemble import BaggingRegressor, GradientBoostingRegressor, StackingRegressor
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures
    from sklearn.tree import DecisionTreeRegressor

    def ridge():
        return make_pipeline(PolynomialFeatures(3), Ridge(alpha=1.0))
    makers: dict[str, Callable[[], object]] = {
        "stump": lambda: DecisionTreeRegressor(max_depth=1, random_state=seed),
        "deep tree": lambda: DecisionTreeRegressor(random_state=seed),
        "bagged deep trees": lambda: BaggingRegressor(DecisionTreeRegressor(), n_estimators=20, random_state=seed),
        "boosted stumps": lambda: GradientBoostingRegressor(max_depth=1, n_estimators=100, learning_rate=0.2,
                                                            random_state=seed),
        "k-NN": lambda: KNeighborsRegressor(5),
        "ridge": ridge,
        "stacking": lambda: StackingRegressor(
            [("tree", DecisionTreeRegressor(random_state=seed)), ("knn", KNeighborsRegressor(5)), ("ridge", ridge())],
            final_estimator=LinearRegression(), cv=3),
    }
    if name not in makers:
        raise ValueError(f"name must be one of {REGRESSORS}, got {name!r}")
    return makers[name]()


def bias_variance(make_model: Callable[[int], object], seed: int, n_sets: int = 20, n_train: int = 60,
                  sigma: float = 0.3, n_test: int = 200) -> BiasVariance:
    """Estimate the bias² / variance decomposition of ``make_model(r)`` (a fresh scikit-learn-style regressor for
    training set ``r``) over ``n_sets`` training sets drawn from ``seed``."""
    n_sets = check_int(n_sets, "n_sets", minimum=2)
    n_train = check_int(n_train, "n_train", minimum=2)
    sigma = check_positive(sigma, "sigma", strict=False)
    rng = np.random.default_rng(seed)
    x_test = np.linspace(-2, 2, check_int(n_test, "n_test", minimum=1))
    f_test = target_function(x_test)
    preds = np.empty((n_sets, len(x_test)))
    for r in range(n_sets):
        x = rng.uniform(-2, 2, n_train)
        y = target_function(x) + sigma * rng.standard_normal(n_train)
        preds[r] = make_model(r).fit(x[:, None], y).predict(x_test[:, None])
    mean = preds.mean(0)
    bias2 = float(((mean - f_test) ** 2).mean())
    variance = float(((preds - mean) ** 2).mean())
    y_new = f_test + sigma * rng.standard_normal(preds.shape)        # a fresh noisy target per prediction
    measured = float(((preds - y_new) ** 2).mean())
    return BiasVariance(bias2, variance, sigma ** 2, bias2 + variance + sigma ** 2, measured)
