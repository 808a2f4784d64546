"""Navier-Stokes inpainting: exact on linear images, known pixels untouched, near OpenCV's INPAINT_NS."""
import cv2
import numpy as np
import pytest
import torch

from cvbook.ops import navier_stokes_inpaint


def ramp_and_mask(h=24, w=20):
    r, c = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    image = 0.3 + 0.02 * r - 0.01 * c
    mask = torch.zeros(h, w, dtype=torch.bool)
    mask[8:14, 5:12] = True
    return image, mask


def test_linear_image_is_recovered():
    # a linear image has zero Laplacian: it is the harmonic fill and a steady state of the flow
    image, mask = ramp_and_mask()
    broken = image.masked_fill(mask, 0.0)
    out = navier_stokes_inpaint(broken, mask, n_iter=50, init_sweeps=2000)
    torch.testing.assert_close(out, image, rtol=0, atol=1e-6)


def test_known_pixels_unchanged_and_colour_channels(generator):
    image = torch.rand(3, 16, 16, generator=generator)
    mask = torch.zeros(16, 16, dtype=torch.bool)
    mask[5:9, 3:12] = True
    out = navier_stokes_inpaint(image, mask, n_iter=20)
    assert out.shape == image.shape and out.dtype == image.dtype
    assert torch.equal(out[:, ~mask], image[:, ~mask])
    assert torch.isfinite(out).all()
    # values inside stay within the range of the data (maximum principle of the harmonic start,
    # approximately kept by the flow)
    assert out.min() > -0.25 and out.max() < 1.25
    assert torch.equal(navier_stokes_inpaint(image, torch.zeros(16, 16, dtype=torch.bool)), image)


def test_close_to_opencv_ns_on_a_smooth_image():
    r, c = np.mgrid[0:48, 0:48] / 48.0
    image = 0.5 + 0.4 * np.sin(3 * r) * np.cos(2 * c)
    mask = np.zeros((48, 48), np.uint8)
    cv2.line(mask, (5, 10), (40, 35), 1, 3)
    ours = navier_stokes_inpaint(torch.from_numpy(image), torch.from_numpy(mask.astype(bool))).numpy()
    theirs = cv2.inpaint((image * 255).round().astype(np.uint8), mask, 3, cv2.INPAINT_NS) / 255.0
    hole = mask.astype(bool)
    err_ours = np.abs(ours - image)[hole].mean()
    err_cv = np.abs(theirs - image)[hole].mean()
    err_mean_fill = np.abs(image[~hole].mean() - image)[hole].mean()
    assert err_ours < err_mean_fill / 5          # far better than filling with the mean
    assert err_ours < 2 * err_cv + 2 / 255       # and in OpenCV's league (its result is quantised to uint8)


def test_bad_masks_and_images():
    image, mask = ramp_and_mask()
    with pytest.raises(TypeError, match="torch.bool"):
        navier_stokes_inpaint(image, mask.to(torch.uint8))
    with pytest.raises(ValueError, match=r"mask must have the image's \(H, W\)"):
        navier_stokes_inpaint(image, mask[:-1])
    with pytest.raises(ValueError, match=r"mask must have the image's \(H, W\)"):
        navier_stokes_inpaint(image[None].expand(3, -1, -1), mask[None])
    with pytest.raises(TypeError, match="floating point"):
        navier_stokes_inpaint(image.to(torch.uint8), mask)
    with pytest.raises(ValueError, match="every pixel"):
        navier_stokes_inpaint(image, torch.ones_like(mask))
    with pytest.raises(ValueError, match="n_iter"):
        navier_stokes_inpaint(image, mask, n_iter=-1)
