"""cvbook.testing: the tolerance table and the float64 gradcheck helper."""
import pytest
import torch

from cvbook.testing import TOLERANCES, assert_close, gradcheck64, tolerance


def test_table_is_ordered_by_precision():
    assert TOLERANCES[torch.float64][0] < TOLERANCES[torch.float32][0] < TOLERANCES[torch.float16][0]


def test_tolerance_scales_and_validates():
    r, a = tolerance(torch.float32, scale=10)
    assert (r, a) == pytest.approx((10 * TOLERANCES[torch.float32][0], 10 * TOLERANCES[torch.float32][1]))
    with pytest.raises(ValueError, match="no tolerance"):
        tolerance(torch.int64)
    with pytest.raises(ValueError, match="scale"):
        tolerance(torch.float32, scale=0)


def test_assert_close_uses_the_dtype_of_actual():
    x = torch.ones(3, dtype=torch.float32)
    assert_close(x + 5e-6, x)  # within float32's 1e-4 relative tolerance
    with pytest.raises(AssertionError):
        assert_close(x.double() + 5e-6, x.double())  # far outside float64's
    with pytest.raises(AssertionError):
        assert_close(x + 1e-2, x)


def test_gradcheck64_passes_and_fails():
    assert gradcheck64(lambda t: (t ** 3).sum(), [torch.randn(4, generator=torch.Generator().manual_seed(0))])

    class Wrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t ** 2

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return g * t  # wrong: should be 2 t

    with pytest.raises(Exception):
        gradcheck64(Wrong.apply, [torch.randn(3, generator=torch.Generator().manual_seed(1))])


def test_assert_module_matches_passes_for_a_copy_and_fails_for_a_wrong_layer():
    import copy

    from torch import nn

    from cvbook.testing import assert_module_matches

    g = torch.Generator().manual_seed(0)
    ref = nn.Linear(4, 3).double()
    x = torch.randn(5, 4, dtype=torch.float64, generator=g)
    assert_module_matches(copy.deepcopy(ref), ref, x)
    wrong = copy.deepcopy(ref)
    with torch.no_grad():
        wrong.bias.add_(1e-3)  # a small offset: outputs differ far beyond float64's tolerance
    with pytest.raises(AssertionError, match="outputs differ"):
        assert_module_matches(wrong, ref, x)
    renamed = nn.Sequential(copy.deepcopy(ref))  # same function, other parameter names
    with pytest.raises(AssertionError, match="no counterpart"):
        assert_module_matches(renamed, ref, x)
