import pytest
import torch

from cvbook.nn import Dropout, inverted_dropout


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_match_nn_dropout(p):
    # Statistics, not values (different random streams): on 200k ones, the zero fraction is p +- 0.005
    # (std sqrt(p(1-p)/2e5) < 1.2e-3), survivors equal 1/(1-p), and the mean stays 1 +- 0.02.
    x = torch.ones(200_000, dtype=torch.float64)
    torch.manual_seed(0)
    ref = torch.nn.Dropout(p)(x)
    ours = inverted_dropout(x, p, generator=torch.Generator().manual_seed(0))
    for y in (ours, ref):
        assert abs((y == 0).double().mean().item() - p) < 0.005
        assert torch.allclose(y[y != 0], torch.full_like(y[y != 0], 1 / (1 - p)))
        assert abs(y.mean().item() - 1) < 0.02


def test_train_eval_behaviour():
    layer = Dropout(0.5, generator=torch.Generator().manual_seed(0))
    x = torch.randn(100)
    assert not torch.equal(layer(x), x)                    # training: some units dropped
    layer.eval()
    assert torch.equal(layer(x), x)                        # evaluation: identity, as nn.Dropout
    assert torch.equal(inverted_dropout(x, 1.0), torch.zeros_like(x))
    assert torch.equal(inverted_dropout(x, 0.0), x)


def test_dropout_gradient_is_the_mask():
    x = torch.ones(1000, requires_grad=True)
    y = inverted_dropout(x, 0.3, generator=torch.Generator().manual_seed(1))
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())                 # dy/dx = mask / (1 - p), as y = x * that


def test_bad_p():
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        inverted_dropout(torch.zeros(2), 1.5)
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        Dropout(-0.1)
