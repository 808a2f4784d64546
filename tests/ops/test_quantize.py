"""Affine quantisation: qparams equal torch's MinMax observers, fake quantisation equals torch's kernels."""
import warnings

import pytest
import torch

from cvbook.ops.quantize import (fake_quantize_per_channel, fake_quantize_per_tensor, qparams_from_minmax,
                                 quantize_weight)
from cvbook.testing import assert_close


def _observers():
    with warnings.catch_warnings():     # torch >= 2.10 deprecates torch.ao.quantization; the observers still work
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            from torch.ao.quantization.observer import MinMaxObserver, PerChannelMinMaxObserver
        except ImportError:
            pytest.skip("torch.ao.quantization.observer is not available")
    return MinMaxObserver, PerChannelMinMaxObserver


def _x(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * 3 + 0.5


@pytest.mark.parametrize("dtype,qmin,qmax,scheme", [
    (torch.quint8, 0, 255, torch.per_tensor_affine), (torch.qint8, -128, 127, torch.per_tensor_affine),
    (torch.qint8, -128, 127, torch.per_tensor_symmetric), (torch.quint8, 0, 255, torch.per_tensor_symmetric)])
def test_per_tensor_qparams_equal_minmax_observer(dtype, qmin, qmax, scheme):
    MinMax, _ = _observers()
    x = _x(50)
    obs = MinMax(dtype=dtype, qscheme=scheme)
    obs(x)
    s_ref, z_ref = obs.calculate_qparams()
    s, z = qparams_from_minmax(x.min(), x.max(), qmin, qmax, symmetric=scheme == torch.per_tensor_symmetric)
    assert_close(s, s_ref.reshape(s.shape))
    assert torch.equal(z, z_ref.reshape(z.shape).to(torch.int64))


def test_per_channel_qparams_equal_observer():
    _, PerChannel = _observers()
    w = _x(6, 3, 3, 3)
    obs = PerChannel(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    obs(w)
    s_ref, z_ref = obs.calculate_qparams()
    flat = w.reshape(6, -1)
    s, z = qparams_from_minmax(flat.min(1).values, flat.max(1).values, -128, 127, symmetric=True)
    assert_close(s, s_ref)
    assert torch.equal(z, z_ref.to(torch.int64))


def test_range_that_excludes_zero_is_widened():
    # [2, 6] on 0..255: widened to [0, 6], scale 6/255, zero point 0 (the value 0 must be exact)
    s, z = qparams_from_minmax(torch.tensor(2.0), torch.tensor(6.0))
    assert_close(s, torch.tensor(6.0 / 255))
    assert int(z) == 0


def test_fake_quantize_per_tensor_equals_torch():
    x = _x(1000)
    for scale, zp, qmin, qmax in [(0.05, 128, 0, 255), (0.02, 0, -128, 127), (0.3, 3, 0, 15)]:
        ref = torch.fake_quantize_per_tensor_affine(x, scale, zp, qmin, qmax)
        assert torch.equal(fake_quantize_per_tensor(x, scale, zp, qmin, qmax), ref)


def test_fake_quantize_per_channel_equals_torch():
    x = _x(4, 5, 7)
    scale = torch.tensor([0.01, 0.05, 0.1, 0.3, 1.0])
    zp = torch.tensor([0, 3, -2, 10, 0], dtype=torch.int32)
    ref = torch.fake_quantize_per_channel_affine(x, scale, zp, 1, -128, 127)
    assert torch.equal(fake_quantize_per_channel(x, scale, zp, 1, -128, 127), ref)
    assert torch.equal(fake_quantize_per_channel(x, scale, zp, -2, -128, 127), ref)   # negative axis


def test_quantize_weight_has_at_most_2_to_the_bits_levels_and_small_error():
    w = _x(8, 4, 3, 3)
    for bits in (2, 4, 8):
        q = quantize_weight(w, bits)
        for c in range(8):
            assert q[c].unique().numel() <= 2 ** bits
            step = w[c].abs().max() / ((2 ** bits - 1) / 2)
            assert (q[c] - w[c]).abs().max() <= step / 2 * (1 + 1e-5)    # rounding error at most half a step
    qt = quantize_weight(w, 8, per_channel=False)
    assert qt.unique().numel() <= 256


def test_empty_degenerate_and_bad_input():
    s, z = qparams_from_minmax(torch.tensor(0.0), torch.tensor(0.0))       # all-zero range: scale clamps to eps
    assert float(s) > 0 and int(z) == 0
    assert torch.equal(quantize_weight(torch.zeros(2, 3)), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="min_val is empty"):
        qparams_from_minmax(torch.tensor([]), torch.tensor([]))
    with pytest.raises(ValueError, match="min_val must be <= max_val"):
        qparams_from_minmax(torch.tensor(1.0), torch.tensor(0.0))
    with pytest.raises(ValueError, match="one shape"):
        qparams_from_minmax(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="quant_min < quant_max"):
        qparams_from_minmax(torch.tensor(0.0), torch.tensor(1.0), 5, 5)
    with pytest.raises(ValueError, match="scale must be > 0"):
        fake_quantize_per_tensor(torch.zeros(3), 0.0, 0, 0, 255)
    with pytest.raises(ValueError, match="zero_point must lie in"):
        fake_quantize_per_tensor(torch.zeros(3), 0.1, 300, 0, 255)
    with pytest.raises(ValueError, match=r"must have shape \(3,\)"):
        fake_quantize_per_channel(torch.zeros(2, 3), torch.ones(2), torch.zeros(2), 1, 0, 255)
    with pytest.raises(ValueError, match="axis must index"):
        fake_quantize_per_channel(torch.zeros(2, 3), torch.ones(3), torch.zeros(3), 2, 0, 255)
    with pytest.raises(ValueError, match="weight is empty"):
        quantize_weight(torch.zeros(0, 3))
    with pytest.raises(ValueError, match="num_bits must be"):
        quantize_weight(torch.ones(2, 3), 1)
