"""Mask ops against scipy.ndimage / scikit-image and torch's interpolation."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import ndimage
from skimage.segmentation import find_boundaries

from cvbook.ops import bilinear_kernel, bilinear_upsampling_weight, dilate, erode, mask_boundary, one_hot
from cvbook.testing import assert_close, tolerance


def _mask(gen, shape=(2, 17, 23), p=0.3):
    return torch.rand(shape, generator=gen) < p


@pytest.mark.parametrize("k", [0, 1, 2])
def test_dilate_erode_equal_scipy(generator, k):
    m = _mask(generator)
    square = np.ones((2 * k + 1, 2 * k + 1), bool)
    for i in range(m.shape[0]):
        a = m[i].numpy()
        want_d = ndimage.binary_dilation(a, square) if k else a
        want_e = ndimage.binary_erosion(a, square, border_value=1) if k else a
        assert np.array_equal(dilate(m, k)[i].numpy(), want_d)
        assert np.array_equal(erode(m, k)[i].numpy(), want_e)


def test_erode_is_dual_of_dilate_and_border(generator):
    m = _mask(generator, p=0.7)
    assert torch.equal(erode(m, 2), ~dilate(~m, 2))
    full = torch.ones(5, 5, dtype=torch.bool)
    assert erode(full, 2).all()  # the image border does not erode a full mask
    dot = torch.zeros(5, 5, dtype=torch.bool)
    dot[2, 2] = True
    assert int(dilate(dot, 1).sum()) == 9  # a 3x3 square: Chebyshev distance <= 1


def test_mask_boundary_equals_skimage(generator):
    m = _mask(generator, p=0.5)
    for i in range(m.shape[0]):
        want = find_boundaries(m[i].numpy(), connectivity=1, mode="inner")
        assert np.array_equal(mask_boundary(m)[i].numpy(), want)
    sq = torch.zeros(6, 6, dtype=torch.bool)
    sq[1:5, 1:5] = True  # a 4x4 square: 12 boundary pixels (16 - the 2x2 interior)
    assert int(mask_boundary(sq).sum()) == 12
    assert not mask_boundary(torch.ones(4, 4, dtype=torch.bool)).any()  # the image border is no boundary


def test_one_hot(generator):
    labels = torch.randint(4, (2, 5, 6), generator=generator)
    labels[0, 0, 0] = 255
    oh = one_hot(labels, 4, ignore_index=255)
    assert oh.shape == (2, 4, 5, 6) and oh.dtype == torch.bool
    assert not oh[0, :, 0, 0].any()
    keep = labels != 255
    assert torch.equal(oh.float().argmax(1)[keep], labels[keep])
    assert torch.equal(oh.sum(1), keep.long())
    with pytest.raises(ValueError, match=r"must lie in \[0, 4\)"):
        one_hot(labels, 4)
    with pytest.raises(TypeError, match="integer"):
        one_hot(labels.float(), 4)


def test_bad_masks():
    with pytest.raises(TypeError, match="bool"):
        dilate(torch.zeros(3, 3), 1)
    with pytest.raises(ValueError, match="k must be >= 0"):
        erode(torch.zeros(3, 3, dtype=torch.bool), -1)
    with pytest.raises(ValueError, match=r"\(\.\.\., H, W\)"):
        mask_boundary(torch.zeros(3, dtype=torch.bool))
    assert dilate(torch.zeros(0, 4, 4, dtype=torch.bool), 1).shape == (0, 4, 4)


def test_bilinear_kernel_by_hand():
    # factor 2: k = 4, centre 1.5, 1-D taps 1 - |i - 1.5| / 2 = 0.25, 0.75, 0.75, 0.25
    t = torch.tensor([0.25, 0.75, 0.75, 0.25])
    assert_close(bilinear_kernel(2), t[:, None] * t[None, :])
    assert bilinear_kernel(3).shape == (5, 5) and bilinear_kernel(1).shape == (1, 1)


@pytest.mark.parametrize("factor", [2, 3, 4, 8])
def test_transposed_conv_with_bilinear_weight_equals_interpolate(generator, dtype, factor):
    x = torch.randn(2, 3, 9, 11, generator=generator, dtype=dtype)
    w = bilinear_upsampling_weight(3, factor, dtype)
    up = F.conv_transpose2d(x, w, stride=factor, padding=factor // 2)
    ref = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    assert up.shape == ref.shape == (2, 3, 9 * factor, 11 * factor)
    b = factor  # the two differ only within one input pixel of the border
    assert_close(up[..., b:-b, b:-b], ref[..., b:-b, b:-b])
    assert not torch.allclose(up[..., 0, :], ref[..., 0, :], *tolerance(dtype))  # at the border they differ
