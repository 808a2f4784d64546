"""Tests of the preprocessing page's driver: the condition number by hand, the GD loop against
torch.optim.SGD on nn.Linear, the learning-rate search against single runs, the digits inputs by
their defining properties."""
import math

import pytest
import torch
import torch.nn.functional as F

from cvbook.experiments.ch01_cnn_basics import (
    PREPROCESSINGS,
    best_learning_rate,
    digits_inputs,
    hessian_condition_number,
    preprocessing_race,
    softmax_gd,
)
from cvbook.testing import assert_close


@pytest.fixture(scope="module")
def inputs():
    return digits_inputs(seed=0)


def _blobs(n=60, d=3, k=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % k
    x = torch.randn(n, d, generator=g, dtype=torch.float64) + 4 * F.one_hot(y, d).to(torch.float64)
    return x, y


def test_condition_number_by_hand():
    # columns orthogonal to each other and to the constant 1: H = diag(2/4, 18/4, 1), cond = 4.5 / 0.5
    x = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 3.0], [0.0, -3.0]])
    assert math.isclose(hessian_condition_number(x), 9.0, rel_tol=1e-12)
    assert math.isclose(hessian_condition_number(x, bias=False), 9.0, rel_tol=1e-12)
    # a constant column is the bias again: H is singular
    assert hessian_condition_number(torch.ones(5, 1)) == math.inf
    # without the bias, scaling a feature by 10 multiplies its eigenvalue by 100
    assert math.isclose(hessian_condition_number(x * torch.tensor([10.0, 1.0]), bias=False), 100 / 9, rel_tol=1e-12)


def test_condition_number_bad_input():
    with pytest.raises(ValueError, match="shape \\(N, D\\)"):
        hessian_condition_number(torch.ones(3))
    with pytest.raises(ValueError, match="must not be empty"):
        hessian_condition_number(torch.ones(0, 2))


def test_softmax_gd_equals_torch_sgd():
    x, y = _blobs()
    lr, steps = 0.5, 7
    run = softmax_gd(x, y, lr, target_loss=1e-9, max_steps=steps, seed=3)
    assert run.steps is None  # the target is out of reach: it ran all the steps
    w0 = torch.randn(4, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64) * 0.01
    lin = torch.nn.Linear(3, 3, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(w0[:-1].T)
        lin.bias.zero_()
    opt = torch.optim.SGD(lin.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(lin(x), y).backward()
        opt.step()
    assert_close(run.weight[:-1], lin.weight.detach().T)
    assert_close(run.weight[-1], lin.bias.detach())
    assert math.isclose(run.loss, F.cross_entropy(lin(x), y).item(), rel_tol=1e-10)
    assert run.accuracy(x, y) == (lin(x).argmax(1) == y).double().mean().item()


def test_softmax_gd_counts_steps():
    x, y = _blobs()
    assert softmax_gd(x, y, 1.0, target_loss=10.0, max_steps=5).steps == 0  # ln 3 < 10: reached before any step
    run = softmax_gd(x, y, 1.0, target_loss=0.3, max_steps=500)
    assert run.steps is not None and run.steps > 0 and run.loss <= 0.3
    earlier = softmax_gd(x, y, 1.0, target_loss=0.3, max_steps=run.steps - 1)
    assert earlier.steps is None and earlier.loss > 0.3  # one step fewer is not enough


def test_best_learning_rate_is_the_fewest_steps_of_single_runs():
    x, y = _blobs(seed=1)
    lrs = (0.25, 1.0, 4.0, 16.0)
    best = best_learning_rate(x, y, lrs, target_loss=0.2, max_steps=400, seed=2)
    single = {lr: softmax_gd(x, y, lr, 0.2, 400, seed=2).steps for lr in lrs}
    reached = {lr: s for lr, s in single.items() if s is not None}
    assert best.steps == min(reached.values())
    assert best.lr == min(lr for lr, s in reached.items() if s == best.steps)  # ties: the smallest rate
    assert len(set(reached.values())) > 1  # the rates differ, so the search has something to choose


def test_best_learning_rate_when_none_reaches():
    x, y = _blobs()
    run = best_learning_rate(x, y, (0.01, 0.1), target_loss=1e-6, max_steps=3)
    assert run.steps is None and run.lr == 0.1  # the lower final loss
    assert math.isfinite(run.loss)


def test_gd_bad_input():
    x, y = _blobs()
    with pytest.raises(ValueError, match="at least one learning rate"):
        best_learning_rate(x, y, ())
    with pytest.raises(ValueError, match="lr must be > 0"):
        softmax_gd(x, y, 0.0, 0.1, 10)
    with pytest.raises(ValueError, match="target_loss must be > 0"):
        softmax_gd(x, y, 1.0, -1.0, 10)
    with pytest.raises(ValueError, match="max_steps must be >= 0"):
        softmax_gd(x, y, 1.0, 0.1, -1)
    with pytest.raises(ValueError, match="y must have shape"):
        softmax_gd(x, y[:-1], 1.0, 0.1, 10)


def test_digits_inputs_properties(inputs):
    d = inputs
    assert d.names == PREPROCESSINGS
    n_kept = int(d.kept.sum())
    assert 0 < n_kept < 64  # the digits' corners are 0 in every image
    raw = d.train_of("raw")
    assert raw.shape == (1500, n_kept) and d.test_of("raw").shape == (297, n_kept)
    assert (raw.std(0) > 0).all()
    # per channel: one mean and one std for all 64 pixels, so an affine map of the raw pixels
    pc = d.train_of("per-channel standardised")
    scale = (pc[:, 0] - pc[:, 1]).abs().max() / (raw[:, 0] - raw[:, 1]).abs().max()
    assert_close(pc - pc[:, :1], (raw - raw[:, :1]) * scale)
    # per pixel: zero mean and unit population std in every column
    st = d.train_of("standardised")
    assert_close(st.mean(0), torch.zeros(n_kept, dtype=st.dtype))
    assert_close(st.std(0, correction=0), torch.ones(n_kept, dtype=st.dtype))
    assert_close(d.train_of("centred").mean(0), torch.zeros(n_kept, dtype=st.dtype))
    for name in ("PCA-whitened", "ZCA-whitened"):
        z = d.train_of(name)
        assert_close(z.T @ z / (len(z) - 1), torch.eye(n_kept, dtype=z.dtype), scale=1e4)  # scale: cond ~1e6 data
    assert d.as_images(raw).shape == (1500, 8, 8)
    assert (d.as_images(raw)[:, ~d.kept.view(8, 8)] == 0).all()


def test_digits_inputs_conditioning_order(inputs):
    c = {n: hessian_condition_number(inputs.train_of(n)) for n in ("raw", "centred", "standardised", "PCA-whitened")}
    assert c["PCA-whitened"] < c["standardised"] < c["centred"] < c["raw"]
    # unbiased covariance I: the features give X^T X / n = (n-1)/n I, the bias 1, so cond = n / (n-1)
    assert math.isclose(c["PCA-whitened"], 1500 / 1499, rel_tol=1e-6)


def test_digits_inputs_bad_eps():
    with pytest.raises(ValueError, match="eps must be > 0"):
        digits_inputs(eps=0.0)


def test_preprocessing_race_fields():
    r = preprocessing_race(0, lrs=(4.0, 16.0), target_loss=0.5, max_steps=200)
    assert r.names == PREPROCESSINGS and len(r.steps) == len(r.condition) == len(r.lrs) == len(PREPROCESSINGS)
    assert r.steps_of("PCA-whitened") is not None and r.lr_of("raw") in (4.0, 16.0)
    assert 0 <= r.test_accuracy_of("raw") <= 1 and r.condition_of("raw") > r.condition_of("PCA-whitened")
    with pytest.raises(ValueError, match="unknown preprocessing"):
        r.steps_of("whitened")
