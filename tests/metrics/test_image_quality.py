"""PSNR and SSIM against scikit-image."""
import numpy as np
import pytest
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from cvbook.metrics import psnr, ssim


@pytest.fixture
def pair(generator):
    x = torch.rand(3, 24, 20, generator=generator, dtype=torch.float64)
    y = (x + 0.1 * torch.randn(3, 24, 20, generator=generator, dtype=torch.float64)).clamp(0, 1)
    return x, y


def test_psnr_matches_skimage(pair):
    x, y = pair
    assert psnr(x, y).item() == pytest.approx(peak_signal_noise_ratio(x.numpy(), y.numpy(), data_range=1.0))
    assert psnr(x * 255, y * 255, 255).item() == pytest.approx(psnr(x, y).item())
    assert psnr(x, x).item() == float("inf")


@pytest.mark.parametrize("win_size", [3, 7, 11])
def test_ssim_matches_skimage_grey_and_colour(pair, win_size):
    x, y = pair
    got = ssim(x[0], y[0], win_size=win_size).item()
    assert got == pytest.approx(structural_similarity(x[0].numpy(), y[0].numpy(), data_range=1.0, win_size=win_size))
    got = ssim(x, y, win_size=win_size).item()
    assert got == pytest.approx(structural_similarity(x.numpy(), y.numpy(), data_range=1.0, win_size=win_size,
                                                      channel_axis=0))


def test_ssim_of_an_image_with_itself_is_one_and_float32_accepted(pair):
    x, _ = pair
    assert ssim(x, x).item() == pytest.approx(1.0)
    assert ssim(x.float(), x.float()).item() == pytest.approx(1.0)
    cam = np.linspace(0, 1, 100).reshape(10, 10)
    assert ssim(torch.from_numpy(cam), torch.from_numpy(1 - cam)).item() < 0   # anti-correlated


def test_bad_input():
    a = torch.rand(8, 8)
    with pytest.raises(ValueError, match="same shape"):
        psnr(a, torch.rand(8, 9))
    with pytest.raises(ValueError, match="data_range"):
        psnr(a, a, data_range=0)
    with pytest.raises(ValueError, match="odd"):
        ssim(a, a, win_size=4)
    with pytest.raises(ValueError, match="at least win_size"):
        ssim(a, a, win_size=9)
    with pytest.raises(ValueError, match=r"\(H, W\) or \(C, H, W\)"):
        ssim(torch.rand(1, 1, 8, 8), torch.rand(1, 1, 8, 8))
    with pytest.raises(ValueError, match="empty"):
        psnr(torch.rand(0, 3), torch.rand(0, 3))
