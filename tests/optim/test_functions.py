import pytest
import torch

from cvbook.optim import SGD, TEST_FUNCTIONS, ill_conditioned_quadratic, rosenbrock, saddle, trajectory


def test_minima_and_saddle():
    assert rosenbrock(torch.tensor([1.0, 1.0])).item() == 0.0
    assert ill_conditioned_quadratic(torch.zeros(2)).item() == 0.0
    # Saddle: zero gradient at 0, Hessian diag(2, -2) with eigenvalues of both signs.
    h = torch.autograd.functional.hessian(saddle, torch.zeros(2, dtype=torch.float64))
    assert torch.equal(torch.linalg.eigvalsh(h), torch.tensor([-2.0, 2.0], dtype=torch.float64))


def test_functions_broadcast_over_grids():
    grid = torch.stack(torch.meshgrid(torch.linspace(-1, 1, 5), torch.linspace(-1, 1, 4), indexing="xy"), -1)
    for spec in TEST_FUNCTIONS.values():
        assert spec.fn(grid).shape == (4, 5)


def test_trajectory_is_gradient_descent_by_hand():
    # Quadratic 0.5 (x^2 + 20 y^2), lr 0.05: x <- 0.95 x, y <- (1 - 0.05*20) y = 0 after one step.
    path = trajectory(SGD, ill_conditioned_quadratic, (2.0, 1.0), 3, lr=0.05)
    assert path.shape == (4, 2) and path.dtype == torch.float64
    assert torch.allclose(path[:, 0], 2.0 * 0.95 ** torch.arange(4, dtype=torch.float64))
    assert torch.all(path[1:, 1] == 0)


def test_trajectory_pads_after_divergence():
    path = trajectory(SGD, ill_conditioned_quadratic, (1.0, 1.0), 2000, lr=0.5)   # 1 - 0.5*20 = -9: diverges
    assert path.shape == (2001, 2) and torch.isfinite(path).all()


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"Tensor\[..., 2\]"):
        rosenbrock(torch.zeros(3))
    with pytest.raises(TypeError, match="expected a Tensor"):
        saddle([0.0, 0.0])
    with pytest.raises(ValueError, match="steps must be >= 0"):
        trajectory(SGD, saddle, (0.0, 0.0), -1, lr=0.1)
