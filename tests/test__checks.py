"""cvbook._checks: the shared argument checks."""
import numpy as np
import pytest
import torch

from cvbook._checks import as_generator, check_int, check_positive, check_probability, check_shape, check_tensor


def test_check_int_accepts_python_and_numpy_ints():
    assert check_int(3, "n") == 3
    assert check_int(np.int64(4), "n") == 4


@pytest.mark.parametrize("bad", [True, 2.0, "3", None])
def test_check_int_refuses_non_ints(bad):
    with pytest.raises(TypeError, match="n must be an int"):
        check_int(bad, "n")


def test_check_int_bounds():
    with pytest.raises(ValueError, match=">= 1"):
        check_int(0, "n", minimum=1)
    with pytest.raises(ValueError, match="<= 5"):
        check_int(6, "n", maximum=5)


def test_check_positive_and_probability():
    assert check_positive(0.5, "x") == 0.5
    assert check_positive(0, "x", strict=False) == 0.0
    with pytest.raises(ValueError, match="> 0"):
        check_positive(0, "x")
    with pytest.raises(ValueError, match="> 0"):
        check_positive(float("nan"), "x")
    with pytest.raises(TypeError):
        check_positive("1", "x")
    assert check_probability(1, "p") == 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        check_probability(1.5, "p")


def test_check_shape_returns_named_sizes():
    assert check_shape(torch.zeros(7, 4), "N 4", "boxes") == {"N": 7}
    assert check_shape(torch.zeros(2, 3, 5, 5), "B C H H") == {"B": 2, "C": 3, "H": 5}


@pytest.mark.parametrize("x, spec, match", [
    (torch.zeros(7, 5), "N 4", "dimension 1 must be 4"),
    (torch.zeros(7), "N 4", r"must have shape \(N, 4\)"),
    (torch.zeros(2, 3, 5, 6), "B C H H", "both H sizes must agree"),
])
def test_check_shape_says_what_was_expected(x, spec, match):
    with pytest.raises(ValueError, match=match):
        check_shape(x, spec, "boxes")


def test_check_tensor_type():
    with pytest.raises(TypeError, match="must be a torch.Tensor"):
        check_tensor([1, 2], "x")


def test_as_generator():
    g = torch.Generator().manual_seed(3)
    assert as_generator(g) is g
    a = torch.rand(3, generator=as_generator(5))
    b = torch.rand(3, generator=as_generator(5))
    assert torch.equal(a, b)
    # None means seed 0, never hidden global state
    assert torch.equal(torch.rand(3, generator=as_generator(None)), torch.rand(3, generator=as_generator(0)))
    with pytest.raises(ValueError):
        as_generator(-1)
    with pytest.raises(TypeError):
        as_generator(1.5)
