"""Test helpers shared by the package's tests: one tolerance table by dtype, and a float64 gradcheck.

Tolerances are chosen once, by dtype, loose enough for another BLAS, another torch build or another
thread count (float32 reductions reorder; a 64-channel sum can differ in the 6th digit), and tight
enough that a wrong formula fails. A test that needs a looser bound says why and scales the table
(``tolerance(dtype, scale=10)``) instead of typing a number.

In the manner of kornia's ``BaseTester``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

__all__ = ["TOLERANCES", "tolerance", "assert_close", "assert_module_matches", "gradcheck64"]

#: dtype -> (rtol, atol)
TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-2, 1e-2),
    torch.bfloat16: (3e-2, 3e-2),
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-10, 1e-12),
}


def tolerance(dtype: torch.dtype, scale: float = 1.0) -> tuple[float, float]:
    """``(rtol, atol)`` for ``dtype`` from :data:`TOLERANCES`, both multiplied by ``scale``.

    Raises:
        ValueError: ``dtype`` is not a floating dtype of the table, or ``scale <= 0``.
    """
    if dtype not in TOLERANCES:
        raise ValueError(f"no tolerance for dtype {dtype}; known: {list(TOLERANCES)}")
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rtol, atol = TOLERANCES[dtype]
    return rtol * scale, atol * scale


def assert_close(actual: Tensor, expected: Tensor, *, scale: float = 1.0, dtype: torch.dtype | None = None,
                 msg: str | None = None) -> None:
    """``torch.testing.assert_close`` with the table's tolerance for ``dtype`` (default: ``actual``'s,
    or float64 for non-float tensors, which then must match exactly up to that tolerance)."""
    actual = torch.as_tensor(actual)
    expected = torch.as_tensor(expected)
    if dtype is None:
        dtype = actual.dtype if actual.dtype in TOLERANCES else torch.float64
    rtol, atol = tolerance(dtype, scale)
    torch.testing.assert_close(actual, expected.to(actual.dtype) if actual.dtype != expected.dtype and actual.is_floating_point() else expected,
                               rtol=rtol, atol=atol, check_dtype=False, msg=msg)


def gradcheck64(fn: Callable[..., Tensor], inputs: Sequence[Tensor], **kwargs) -> bool:
    """``torch.autograd.gradcheck`` on float64 copies of ``inputs`` (those that are floating point
    get ``requires_grad``); raises on failure, returns True otherwise."""
    prepared = []
    for x in inputs:
        if isinstance(x, Tensor) and x.is_floating_point():
            prepared.append(x.detach().to(torch.float64).requires_grad_(True))
        else:
            prepared.append(x)
    return torch.autograd.gradcheck(fn, tuple(prepared), **kwargs)


def assert_module_matches(ours: nn.Module, ref: nn.Module, x: Tensor, *, scale: float = 1.0) -> None:
    """Check that a from-scratch layer equals its reference (a ``torch.nn`` layer) on input ``x``.

    Compares the outputs, the gradients with respect to ``x`` and to every parameter after
    backpropagating ``sum(y ** 3)`` (a non-uniform upstream gradient, so a wrong backward cannot
    hide behind a constant one), and the state-dict keys (so ours loads torch's checkpoints).
    Tolerances from :data:`TOLERANCES` for ``x``'s dtype, times ``scale``.

    Raises:
        AssertionError: any of them differ.
    """
    xa, xb = x.detach().clone().requires_grad_(True), x.detach().clone().requires_grad_(True)
    ya, yb = ours(xa), ref(xb)
    assert_close(ya, yb, scale=scale, msg="outputs differ")
    ya.pow(3).sum().backward()
    yb.pow(3).sum().backward()
    assert_close(xa.grad, xb.grad, scale=scale, msg="input gradients differ")
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        assert name in ref_params, f"parameter {name!r} has no counterpart in the reference"
        assert_close(p.grad, ref_params[name].grad, scale=scale, msg=f"gradients of {name!r} differ")
    assert list(ours.state_dict()) == list(ref.state_dict()), "state-dict keys differ"
