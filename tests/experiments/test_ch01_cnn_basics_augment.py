"""cvbook.experiments.ch01_cnn_basics_augment: the data, the augmentation switch, the CNN and the training run."""
import pytest
import torch
import torch.nn.functional as F

from cvbook.data.augment import color_jitter, cutout, random_crop, random_horizontal_flip
from cvbook.experiments.ch01_cnn_basics_augment import (
    AUGMENTATIONS,
    AugmentStrength,
    augment_batch,
    augment_data,
    small_cnn,
    train_augmented,
)
from cvbook.testing import assert_close


def test_augment_data_digits28_is_the_8x8_split_upsampled():
    d28 = augment_data("digits28", 20, 10, seed=3)
    d8 = augment_data("digits", 20, 10, seed=3)
    x28, y28 = d28.train.tensors
    assert x28.shape == (20, 1, 28, 28) and len(d28.test) == 10 and d28.classes == tuple("0123456789")
    assert float(x28.min()) >= 0.0 and float(x28.max()) <= 1.0
    # the same seed picks the same digits; 28x28 is bilinear upsampling of the 8x8 image (oracle: torch)
    assert torch.equal(y28, d8.train.tensors[1]) and torch.equal(d28.test.tensors[1], d8.test.tensors[1])
    ref = F.interpolate(d8.train.tensors[0], size=(28, 28), mode="bilinear", align_corners=False).clamp(0, 1)
    assert_close(x28, ref)
    assert "28x28" in d28.source and "20 train / 10 test" in d28.source
    with pytest.raises(ValueError, match="'digits28' or 'digits'"):
        augment_data("shapes", 10, 10)
    with pytest.raises(ValueError, match="n_train \\+ n_test <= 1797"):
        augment_data("digits28", 1700, 200)


def test_strength_scales_with_the_image():
    assert AugmentStrength.for_size(32) == AugmentStrength(padding=4, cutout_size=16)  # the CIFAR recipe
    assert AugmentStrength.for_size(8) == AugmentStrength(padding=1, cutout_size=4)


def test_augment_batch_is_the_ops_in_order():
    x = torch.rand(10, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    st = AugmentStrength.for_size(16)
    assert torch.equal(augment_batch(x, "none", st, torch.Generator().manual_seed(1)), x)
    g = torch.Generator().manual_seed(1)
    y = random_horizontal_flip(x, st.flip_p, g)
    y = random_crop(y, 16, st.padding, g)
    y = color_jitter(y, st.brightness, st.contrast, g)
    y = cutout(y, st.cutout_size, value=float(y.mean()), generator=g)
    assert torch.equal(augment_batch(x, "all", st, torch.Generator().manual_seed(1)), y)
    g = torch.Generator().manual_seed(1)
    z = color_jitter(random_crop(x, 16, st.padding, g), st.brightness, st.contrast, g)
    z = cutout(z, st.cutout_size, value=float(z.mean()), generator=g)
    assert torch.equal(augment_batch(x, "all-but-flip", st, torch.Generator().manual_seed(1)), z)
    assert augment_batch(x, "crop", st, torch.Generator().manual_seed(1)).shape == x.shape
    with pytest.raises(ValueError, match="name must be one of"):
        augment_batch(x, "rotate", st, torch.Generator())


def test_small_cnn_shapes_and_seed():
    net = small_cnn(3, 8, 16, width=4, seed=0)
    assert net(torch.zeros(2, 3, 16, 16)).shape == (2, 8)
    same, other = small_cnn(3, 8, 16, width=4, seed=0), small_cnn(3, 8, 16, width=4, seed=1)
    assert torch.equal(net[0].weight, same[0].weight) and not torch.equal(net[0].weight, other[0].weight)
    with pytest.raises(ValueError, match="multiple of 4"):
        small_cnn(1, 10, 10)


def test_train_augmented_is_deterministic_and_learns():
    data = augment_data("digits", 100, 100, seed=0)
    a = train_augmented(data, "flip", seed=0, epochs=3, batch_size=25)
    b = train_augmented(data, "flip", seed=0, epochs=3, batch_size=25)
    assert a == b
    plain = train_augmented(data, "none", seed=0, epochs=8, batch_size=25)
    assert plain.test_error < 50.0  # far below the 90 % of guessing among 10 digits, after 32 steps
    assert set(AUGMENTATIONS) == {"none", "flip", "crop", "colour", "cutout", "all-but-flip", "all"}
    with pytest.raises(ValueError, match="larger than the training set"):
        train_augmented(data, "none", batch_size=101)
    with pytest.raises(ValueError, match="augmentation must be one of"):
        train_augmented(data, "mixup")
