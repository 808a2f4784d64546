"""Batched augmentations: equality with torchvision.transforms.v2.functional at the sampled parameters,
determinism under a seed, identities, the cutout box clipping, and bad input."""
import pytest
import torch
import torchvision.transforms.v2.functional as TF

from cvbook.data.augment import (
    color_jitter,
    color_jitter_params,
    crop_params,
    cutout,
    cutout_params,
    horizontal_flip_params,
    random_crop,
    random_horizontal_flip,
)
from cvbook.testing import assert_close


def images(b=6, c=3, h=9, w=11, dtype=torch.float32, seed=0):
    return torch.rand(b, c, h, w, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def gen(seed=5):
    return torch.Generator().manual_seed(seed)


def test_flip_matches_torchvision(dtype):
    x = images(dtype=dtype)
    flags = horizontal_flip_params(x, 0.5, gen())
    out = random_horizontal_flip(x, 0.5, gen())
    assert 0 < int(flags.sum()) < len(x)  # seed 5 flips some but not all: both branches are tested
    for i in range(len(x)):
        assert torch.equal(out[i], TF.horizontal_flip(x[i]) if flags[i] else x[i])


@pytest.mark.parametrize("size,padding", [(9, 2), ((5, 7), 0), ((11, 12), 1)])
def test_random_crop_matches_torchvision_pad_then_crop(size, padding, dtype):
    x = images(dtype=dtype)
    corners = crop_params(x, size, padding, gen())
    out = random_crop(x, size, padding, gen())
    h, w = (size, size) if isinstance(size, int) else size
    assert out.shape == (6, 3, h, w)
    for i, (top, left) in enumerate(corners.tolist()):
        ref = TF.crop(TF.pad(x[i], [padding], fill=0), top, left, h, w)
        assert torch.equal(out[i], ref)


def test_crop_corners_cover_their_range():
    x = images(b=400, h=4, w=4)
    corners = crop_params(x, 4, 1, gen())  # padded 6x6, crop 4: corners 0, 1, 2
    assert set(corners[:, 0].tolist()) == {0, 1, 2} and set(corners[:, 1].tolist()) == {0, 1, 2}


@pytest.mark.parametrize("channels", [1, 3])
def test_color_jitter_matches_torchvision(channels, dtype):
    x = images(c=channels, dtype=dtype)
    f = color_jitter_params(x, 0.4, 0.6, gen())
    out = color_jitter(x, 0.4, 0.6, gen())
    for i in range(len(x)):
        ref = TF.adjust_contrast(TF.adjust_brightness(x[i], float(f[i, 0])), float(f[i, 1]))
        assert_close(out[i], ref)
    assert ((f[:, 0] >= 0.6) & (f[:, 0] <= 1.4)).all() and ((f[:, 1] >= 0.4) & (f[:, 1] <= 1.6)).all()
    assert out.min() >= 0 and out.max() <= 1


def test_color_jitter_brightness_only_matches_torchvision():
    x = images(c=2)  # contrast off: any channel count
    f = color_jitter_params(x, 0.5, 0.0, gen())
    out = color_jitter(x, 0.5, 0.0, gen())
    assert torch.equal(f[:, 1], torch.ones(len(x), dtype=f.dtype))
    for i in range(len(x)):
        assert_close(out[i], (x[i] * float(f[i, 0])).clamp(0, 1))
    grey = x[:, :1]
    out1 = color_jitter(grey, 0.5, 0.0, gen())
    for i in range(len(x)):
        assert_close(out1[i], TF.adjust_brightness(grey[i], float(f[i, 0])))


def test_cutout_matches_torchvision_erase(dtype):
    x = images(b=50, dtype=dtype)
    boxes = cutout_params(x, 4, gen())
    out = cutout(x, 4, value=0.25, generator=gen())
    v = torch.tensor(0.25, dtype=dtype)
    for i, (top, left, h, w) in enumerate(boxes.tolist()):
        assert torch.equal(out[i], TF.erase(x[i], top, left, h, w, v))


def test_cutout_box_is_clipped_at_the_border():
    x = images(b=500, h=8, w=8)
    boxes = cutout_params(x, 4, gen())
    top, left, h, w = boxes.unbind(1)
    assert (top >= 0).all() and (left >= 0).all() and (top + h <= 8).all() and (left + w <= 8).all()
    assert (h >= 2).all() and (h <= 4).all() and (w >= 2).all() and (w <= 4).all()
    # centre c uniform in 0..7, box [c - 2, c + 2) clipped: full height 4 for c in 2..6 (5 of 8)
    assert (h == 4).any() and (h < 4).any()
    assert abs((h == 4).double().mean().item() - 5 / 8) < 0.1
    odd = cutout_params(images(b=200, h=20, w=20), 5, gen())
    assert (odd[:, 2:] == 5).any() and (odd[:, 2:] <= 5).all()  # odd sizes give 5x5 squares inside


@pytest.mark.parametrize("fn", [
    lambda x, g: random_horizontal_flip(x, 0.5, g),
    lambda x, g: random_crop(x, 9, 2, g),
    lambda x, g: color_jitter(x, 0.4, 0.4, g),
    lambda x, g: cutout(x, 4, generator=g),
])
def test_same_seed_same_output_and_only_the_generator(fn):
    x = images(b=32)
    torch.manual_seed(0)
    a = fn(x, gen(3))
    torch.manual_seed(1)
    b = fn(x, 3)  # an int seed is the same as a generator seeded with it
    assert torch.equal(a, b)
    assert not torch.equal(a, fn(x, gen(4)))


def test_identities():
    x = images()
    assert torch.equal(random_horizontal_flip(x, 0.0, gen()), x)
    assert torch.equal(random_horizontal_flip(x, 1.0, gen()), x.flip(-1))
    assert torch.equal(random_crop(x, (9, 11), 0, gen()), x)  # the whole image, no padding
    assert torch.equal(color_jitter(x, 0.0, 0.0, gen()), x)


def test_empty_batch():
    x = images(b=0)
    assert random_horizontal_flip(x, generator=gen()).shape == (0, 3, 9, 11)
    assert random_crop(x, 5, 1, gen()).shape == (0, 3, 5, 5)
    assert color_jitter(x, 0.2, 0.2, gen()).shape == (0, 3, 9, 11)
    assert cutout(x, 3, generator=gen()).shape == (0, 3, 9, 11)


def test_bad_input():
    x = images()
    with pytest.raises(ValueError, match="larger than the padded image"):
        random_crop(x, 12, 0)
    with pytest.raises(ValueError, match="padding must be >= 0"):
        random_crop(x, 5, -1)
    with pytest.raises(ValueError, match="size must be >= 1"):
        random_crop(x, 0)
    with pytest.raises(ValueError, match="pair"):
        random_crop(x, (1, 2, 3))
    with pytest.raises(ValueError, match=r"shape \(B, C, H, W\)"):
        random_horizontal_flip(x[0])
    with pytest.raises(ValueError, match=r"shape \(B, C, H, W\)"):
        cutout(x[None], 3)
    with pytest.raises(TypeError, match="floating-point"):
        random_crop((x * 255).to(torch.uint8), 5)
    with pytest.raises(ValueError, match="p must lie in"):
        random_horizontal_flip(x, 1.5)
    with pytest.raises(ValueError, match="brightness must be >= 0"):
        color_jitter(x, -0.1)
    with pytest.raises(ValueError, match="1 or 3 channels"):
        color_jitter(images(c=2), 0.0, 0.3)
    with pytest.raises(ValueError, match="size must be >= 1"):
        cutout(x, 0)
    with pytest.raises(TypeError, match="size must be an int"):
        cutout(x, 2.5)
