"""Tests of cvbook.data.preprocess: per-channel statistics and standardisation against torchvision,
PCA whitening against scikit-learn, and the defining properties of whitening and of ZCA."""
import numpy as np
import pytest
import torch
from torchvision.transforms.v2 import functional as TF

from cvbook.data.preprocess import WHITENING_METHODS, Whitening, channel_stats, fit_whitening, normalize
from cvbook.testing import assert_close


def _correlated(n, d, dtype, seed=0):
    """``n`` rows of a ``d``-dimensional Gaussian with a random, full-rank, ill-conditioned covariance
    and a non-zero mean."""
    g = torch.Generator().manual_seed(seed)
    mix = torch.randn(d, d, generator=g, dtype=torch.float64) * torch.logspace(0, -1.5, d, dtype=torch.float64)
    x = torch.randn(n, d, generator=g, dtype=torch.float64) @ mix.T + torch.randn(d, generator=g, dtype=torch.float64)
    return x.to(dtype)


def _cov(z):
    zc = z - z.mean(0)
    return zc.T @ zc / (len(z) - 1)


# ---- channel_stats / normalize ---------------------------------------------------------------


def test_channel_stats_match_numpy(dtype, generator):
    images = torch.rand(5, 3, 4, 6, generator=generator, dtype=dtype) * torch.tensor([1.0, 2.0, 3.0], dtype=dtype).view(3, 1, 1)
    mean, std = channel_stats(images)
    arr = images.double().numpy()
    assert mean.shape == std.shape == (3,) and mean.dtype == dtype
    assert_close(mean, torch.from_numpy(arr.mean(axis=(0, 2, 3))))
    assert_close(std, torch.from_numpy(arr.std(axis=(0, 2, 3))))  # numpy's std: population (ddof 0)


def test_channel_stats_by_hand():
    # one channel holding 0, 2 (mean 1, population std 1); another constant 5 (std 0)
    images = torch.tensor([[[[0.0]], [[5.0]]], [[[2.0]], [[5.0]]]])  # (2, 2, 1, 1)
    mean, std = channel_stats(images)
    assert mean.tolist() == [1.0, 5.0] and std.tolist() == [1.0, 0.0]


def test_normalize_equals_torchvision(dtype, generator):
    images = torch.rand(4, 3, 5, 5, generator=generator, dtype=dtype)
    mean, std = channel_stats(images)
    ours = normalize(images, mean, std)
    ref = TF.normalize(images, mean.tolist(), std.tolist())
    assert_close(ours, ref)
    assert_close(normalize(images[0], mean.tolist(), std.tolist()), ref[0])  # one (C, H, W) image, list stats
    m2, s2 = channel_stats(ours)  # the standardised images have zero mean and unit std per channel
    assert_close(m2, torch.zeros(3, dtype=dtype), scale=10)  # scale: a sum of 100 float32 values
    assert_close(s2, torch.ones(3, dtype=dtype))


def test_per_pixel_standardisation_via_channels(dtype, generator):
    x = torch.rand(20, 7, generator=generator, dtype=dtype) * torch.arange(1, 8, dtype=dtype)
    mean, std = channel_stats(x[:, :, None, None])  # each feature as a 1x1 channel
    z = normalize(x[:, :, None, None], mean, std).flatten(1)
    assert_close(z, (x - x.mean(0)) / x.std(0, correction=0))


def test_bad_input_of_stats_and_normalize():
    with pytest.raises(ValueError, match="shape \\(N, C, H, W\\)"):
        channel_stats(torch.zeros(3, 4, 4))
    with pytest.raises(TypeError, match="floating point"):
        channel_stats(torch.zeros(2, 1, 2, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="at least one pixel"):
        channel_stats(torch.zeros(0, 3, 2, 2))
    with pytest.raises(TypeError, match="torch.Tensor"):
        channel_stats(np.zeros((2, 1, 2, 2)))
    x = torch.rand(2, 3, 4, 4)
    with pytest.raises(ValueError, match="one entry per channel \\(3\\)"):
        normalize(x, [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="std must be > 0"):
        normalize(x, [0.0] * 3, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="\\(\\.\\.\\., C, H, W\\)"):
        normalize(torch.rand(4, 4), [0.0], [1.0])
    with pytest.raises(TypeError, match="floating point"):
        normalize(torch.ones(1, 2, 2, dtype=torch.uint8), [0.0], [1.0])


# ---- fit_whitening / Whitening ---------------------------------------------------------------


def test_pca_whitening_equals_sklearn_up_to_sign(dtype):
    from sklearn.decomposition import PCA

    x = _correlated(300, 6, dtype)
    ours = fit_whitening(x, "pca").apply(x)
    ref = torch.from_numpy(PCA(whiten=True).fit(x.double().numpy()).transform(x.double().numpy()))
    sign = torch.sign((ours.double() * ref).sum(0))  # each component may be flipped
    assert (sign != 0).all()
    # scale: cond(Sigma) ~ 1e3, so the smallest component carries ~1e3 times the rounding error
    assert_close(ours * sign.to(dtype), ref.to(dtype), scale=1e3)


@pytest.mark.parametrize("method", WHITENING_METHODS)
def test_whitened_covariance_is_identity(method, dtype):
    x = _correlated(400, 5, dtype, seed=1)
    w = fit_whitening(x, method)
    z = w.apply(x)
    assert isinstance(w, Whitening) and w.matrix.shape == (5, 5) and z.dtype == dtype
    assert_close(z.mean(0), torch.zeros(5, dtype=dtype), scale=100)  # scale: sum of 400 rounded terms
    assert_close(_cov(z), torch.eye(5, dtype=dtype), scale=100)  # scale: condition ~1e3 in float32
    assert (w.eigenvalues[:-1] >= w.eigenvalues[1:]).all()  # descending


def test_zca_is_symmetric_inverse_square_root():
    x = _correlated(200, 6, torch.float64, seed=2)
    w = fit_whitening(x, "zca", eps=0.0)
    sigma = _cov(x)
    assert torch.equal(w.matrix, w.matrix.T)
    assert_close(w.matrix @ w.matrix, torch.linalg.inv(sigma), scale=1e3)  # scale: inverting a cond ~1e3 matrix
    assert_close(w.matrix @ sigma @ w.matrix, torch.eye(6, dtype=torch.float64), scale=100)


def test_zca_and_pca_differ_by_a_rotation():
    x = _correlated(200, 4, torch.float64, seed=3)
    pca, zca = fit_whitening(x, "pca"), fit_whitening(x, "zca")
    rot = zca.matrix @ torch.linalg.inv(pca.matrix)  # = U, orthogonal
    assert_close(rot @ rot.T, torch.eye(4, dtype=torch.float64), scale=100)


def test_zca_changes_the_data_least(dtype):
    # ZCA minimises E||z - (x - mean)||^2 over all whitenings z = Q Sigma^{-1/2} (x - mean), Q orthogonal
    x = _correlated(300, 5, dtype, seed=4)
    xc = x - x.mean(0)
    zca, pca = fit_whitening(x, "zca"), fit_whitening(x, "pca")

    def change(m):
        return ((xc @ m.T - xc) ** 2).sum(1).mean().item()

    g = torch.Generator().manual_seed(0)
    others = [pca.matrix] + [torch.linalg.qr(torch.randn(5, 5, generator=g, dtype=dtype))[0] @ zca.matrix for _ in range(20)]
    assert all(change(zca.matrix) < change(m) for m in others)


def test_eps_damps_small_variances():
    x = _correlated(300, 4, torch.float64, seed=5)
    w0, w1 = fit_whitening(x, "pca"), fit_whitening(x, "pca", eps=0.5)
    var = _cov(w1.apply(x)).diagonal()
    assert_close(var, w0.eigenvalues / (w0.eigenvalues + 0.5))  # the variance lambda / (lambda + eps)
    assert w1.eps == 0.5 and torch.equal(w0.eigenvalues, w1.eigenvalues)


def test_singular_covariance_needs_eps():
    x = _correlated(50, 3, torch.float64)
    x = torch.cat([x, torch.zeros(50, 1, dtype=torch.float64)], dim=1)  # a constant feature
    with pytest.raises(ValueError, match="singular.*eps > 0"):
        fit_whitening(x, "zca")
    z = fit_whitening(x, "zca", eps=1e-3).apply(x)
    assert torch.isfinite(z).all() and (z[:, 3] == 0).all()
    with pytest.raises(ValueError, match="singular"):
        fit_whitening(torch.randn(3, 5, dtype=torch.float64), "pca")  # N <= D: rank < D


def test_degenerate_two_rows():
    x = torch.tensor([[0.0, 1.0], [2.0, 3.0]], dtype=torch.float64)  # rank 1: needs eps
    z = fit_whitening(x, "pca", eps=1e-6).apply(x)
    assert_close(z[:, 1], torch.zeros(2, dtype=torch.float64))  # no variance along the second axis


def test_bad_input_of_fit_whitening():
    x = torch.randn(10, 3)
    with pytest.raises(ValueError, match="shape \\(N, D\\)"):
        fit_whitening(torch.randn(10, 3, 1))
    with pytest.raises(ValueError, match="at least 2 rows"):
        fit_whitening(torch.randn(1, 3))
    with pytest.raises(ValueError, match="at least 2 rows and 1 column"):
        fit_whitening(torch.randn(5, 0))
    with pytest.raises(ValueError, match="method must be one of"):
        fit_whitening(x, "cholesky")
    with pytest.raises(ValueError, match="eps must be a finite number >= 0"):
        fit_whitening(x, eps=-1e-3)
    with pytest.raises(ValueError, match="eps must be a finite number >= 0"):
        fit_whitening(x, eps=float("nan"))
    with pytest.raises(TypeError, match="floating point"):
        fit_whitening(torch.ones(4, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="shape \\(N, 3\\)"):
        fit_whitening(x).apply(torch.randn(4, 2))

