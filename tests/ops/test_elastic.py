"""Elastic deformation against OpenCV's remap, with the identity and label properties."""
import cv2
import numpy as np
import pytest
import torch

from cvbook.ops import elastic_deform, elastic_displacement, remap
from cvbook.testing import assert_close


def test_remap_equals_cv2_remap_reflect101(generator):
    img = torch.rand(3, 13, 17, generator=generator, dtype=torch.float64)
    d = elastic_displacement(13, 17, sigma=4.0, generator=generator).double()
    ours = remap(img, d)
    rows, cols = np.mgrid[0:13, 0:17].astype(np.float32)
    mx, my = cols + d[0].numpy().astype(np.float32), rows + d[1].numpy().astype(np.float32)
    for c in range(3):
        want = cv2.remap(img[c].numpy(), mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        # cv2 interpolates with 5-bit fixed-point weights (1/32): compare at that resolution
        assert np.abs(ours[c].numpy() - want).max() < 1 / 16


def test_remap_integer_shift_is_exact_and_zero_is_identity(generator):
    img = torch.rand(2, 1, 9, 11, generator=generator)
    assert_close(remap(img, torch.zeros(2, 9, 11)), img)
    d = torch.zeros(2, 9, 11)
    d[0] = 2.0  # take the pixel two columns to the right
    assert_close(remap(img, d)[..., :-2], img[..., 2:])
    # beyond the right edge: mirror about the last column (BORDER_REFLECT_101): col 11 -> 9, col 12 -> 8
    assert_close(remap(img, d)[..., -2:], img[..., [9, 8]])


def test_labels_stay_labels_and_follow_the_image(generator):
    img = torch.zeros(1, 24, 24)
    img[0, 6:18, 8:20] = 1.0
    labels = (img[0] > 0.5).long() * 3
    out, lab = elastic_deform(img, labels, sigma=3.0, generator=generator)
    assert lab.dtype == torch.int64 and set(lab.unique().tolist()) <= {0, 3}
    assert ((out[0] > 0.5) == (lab == 3)).float().mean() > 0.97  # the mask moves with the image
    a, _ = elastic_deform(img, None, sigma=3.0, generator=torch.Generator().manual_seed(5))
    b, _ = elastic_deform(img, None, sigma=3.0, generator=torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


def test_displacement_field_is_smooth_and_sigma_zero_is_identity(generator):
    d = elastic_displacement(40, 40, sigma=10.0, generator=generator)
    assert d.shape == (2, 40, 40)
    assert d.diff(dim=-1).abs().max() < 3.0  # a 3x3 lattice 20 px apart: neighbours move alike
    assert elastic_displacement(8, 8, sigma=0.0).abs().max() == 0


def test_bad_input():
    with pytest.raises(ValueError, match="mode='nearest'"):
        remap(torch.zeros(4, 4, dtype=torch.long), torch.zeros(2, 4, 4))
    with pytest.raises(ValueError, match="must end in"):
        remap(torch.zeros(1, 4, 5), torch.zeros(2, 4, 4))
    with pytest.raises(ValueError, match="grid"):
        elastic_displacement(8, 8, 1.0, grid=1)
    with pytest.raises(ValueError):
        elastic_displacement(8, 8, -1.0)
