"""Mixup and the generator-driven Beta sampler: moments, a KS test against SciPy, and the mixing itself."""
import pytest
import torch
from scipy import stats

from cvbook.data import mixup, sample_beta, sample_gamma


@pytest.mark.parametrize("alpha", [0.1, 0.4, 1.0, 3.0])
def test_beta_mean_and_variance(alpha):
    x = sample_beta(alpha, size=20000, generator=0)
    var = 1 / (4 * (2 * alpha + 1))           # Beta(a, a): mean 1/2, variance a^2 / ((2a)^2 (2a + 1))
    se_mean, se_var = (var / 20000) ** 0.5, var * (2 / 20000) ** 0.5 * 2   # generous standard errors
    assert abs(x.mean().item() - 0.5) < 5 * se_mean
    assert abs(x.var().item() - var) < 5 * se_var
    assert ((x >= 0) & (x <= 1)).all()


@pytest.mark.parametrize("a", [0.3, 2.5])
def test_gamma_and_beta_pass_ks_against_scipy(a):
    assert stats.kstest(sample_gamma(a, 4000, generator=1).numpy(), stats.gamma(a).cdf).pvalue > 1e-3
    assert stats.kstest(sample_beta(a, 0.7, size=4000, generator=2).numpy(), stats.beta(a, 0.7).cdf).pvalue > 1e-3


def test_sampling_uses_only_the_generator():
    torch.manual_seed(0)
    a = sample_beta(0.2, size=5, generator=3)
    torch.manual_seed(123)
    b = sample_beta(0.2, size=5, generator=3)
    assert torch.equal(a, b)
    assert not torch.equal(a, sample_beta(0.2, size=5, generator=4))
    assert sample_gamma(1.0, 0).shape == (0,)


def test_mixup_mixes_inputs_and_targets_with_one_lambda(generator):
    x = torch.randn(6, 1, 4, 4, generator=generator)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    b = mixup(x, y, num_classes=3, alpha=0.4, generator=generator)
    assert 0 <= b.lam <= 1 and sorted(b.index.tolist()) == list(range(6))
    onehot = torch.nn.functional.one_hot(y, 3).float()
    torch.testing.assert_close(b.inputs, b.lam * x + (1 - b.lam) * x[b.index])
    torch.testing.assert_close(b.targets, b.lam * onehot + (1 - b.lam) * onehot[b.index])
    torch.testing.assert_close(b.targets.sum(1), torch.ones(6))
    off = mixup(x, y, 3, alpha=0.0, generator=0)
    assert off.lam == 1.0 and torch.equal(off.inputs, x)


def test_mixup_bad_input():
    x = torch.randn(4, 3)
    with pytest.raises(ValueError, match="labels must lie"):
        mixup(x, torch.tensor([0, 1, 2, 5]), 3)
    with pytest.raises(ValueError, match="shape"):
        mixup(x, torch.tensor([0, 1]), 3)
    with pytest.raises(ValueError, match="alpha"):
        mixup(x, torch.tensor([0, 1, 2, 0]), 3, alpha=-1.0)
    with pytest.raises(ValueError, match="non-empty"):
        mixup(torch.randn(0, 3), torch.zeros(0, dtype=torch.long), 3)
    with pytest.raises(TypeError, match="floating point"):
        mixup(torch.ones(4, 3, dtype=torch.long), torch.tensor([0, 1, 2, 0]), 3)
    with pytest.raises(ValueError, match="concentration"):
        sample_gamma(0.0, 3)
