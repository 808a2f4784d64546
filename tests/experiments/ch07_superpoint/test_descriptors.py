"""Chapter 7's descriptor head: photographs, homographic pairs, the frozen MagicPoint, training, dense accuracy."""
import dataclasses
import math

import pytest
import torch
from torch import nn

from cvbook.experiments.ch07_superpoint.descriptors import (TEST_PHOTOS, TRAIN_PHOTOS, VAL_PHOTOS, DescriptorRecipe,
                                                            HomographicPairs, PairHead, dense_correspondence_accuracy,
                                                            grey_photo, make_pairs, superpoint_from_magicpoint,
                                                            train_descriptor_head)
from cvbook.models import create
from cvbook.train import recalibrate_bn
from cvbook.ops import warp_image
from cvbook.testing import assert_close

TINY = DescriptorRecipe(size=(16, 16), n_train=4, n_val=2, epochs=3, batch_size=2, lr=1e-2, descriptor_dim=8)


def tiny_magicpoint(seed=0):
    return create("magicpoint", seed=seed, widths=(2, 2, 4, 4), head_channels=4).eval()


def test_photo_splits_are_disjoint_and_load():
    assert not set(TRAIN_PHOTOS) & set(VAL_PHOTOS) and not set(TRAIN_PHOTOS) & set(TEST_PHOTOS)
    assert not set(VAL_PHOTOS) & set(TEST_PHOTOS)
    im = grey_photo("camera", max_side=64)  # camera is 512x512 grey
    assert im.shape == (1, 64, 64) and im.dtype == torch.float32
    assert 0 <= float(im.min()) and float(im.max()) <= 1
    assert max(grey_photo("coffee", max_side=60).shape[1:]) == 60  # 400x600 colour -> 40x60 grey
    assert grey_photo("coffee", max_side=60).shape == (1, 40, 60)


def test_grey_photo_bad_name():
    with pytest.raises(ValueError, match="no image"):
        grey_photo("not_a_photo")


def test_make_pairs_shapes_seed_and_warp():
    images = [torch.rand(1, 40, 48, generator=torch.Generator().manual_seed(i)) for i in range(2)]
    pairs = make_pairs(images, 3, (16, 16), 5)
    assert pairs.images1.shape == (3, 1, 16, 16) and pairs.homographies.shape == (3, 3, 3) and len(pairs) == 3
    again = make_pairs(images, 3, (16, 16), 5)
    assert torch.equal(again.images1, pairs.images1) and torch.equal(again.homographies, pairs.homographies)
    for a, b, h in zip(pairs.images1, pairs.images2, pairs.homographies):  # the second image is the first, warped
        assert_close(b, warp_image(a.double(), h).float())


def test_make_pairs_crop_of_an_image_of_the_pair_size_is_the_image():
    image = torch.rand(1, 16, 24, generator=torch.Generator().manual_seed(0))
    pairs = make_pairs([image], 2, (16, 24), 0, scale=(1.0, 1.0))
    for a in pairs.images1:  # a crop of the whole image "resized" to its own size: area interpolation is the identity
        assert_close(a, image)


def test_make_pairs_empty_and_bad_input():
    image = torch.rand(1, 20, 20)
    empty = make_pairs([image], 0, (16, 16), 0)
    assert empty.images1.shape == (0, 1, 16, 16) and empty.homographies.shape == (0, 3, 3)
    with pytest.raises(ValueError, match="must not be empty"):
        make_pairs([], 2, (16, 16))
    with pytest.raises(ValueError, match="scale"):
        make_pairs([image], 2, (16, 16), scale=(0.5, 1.0))
    with pytest.raises(ValueError, match="at least 32x32"):
        make_pairs([image], 2, (32, 32))


def test_superpoint_from_magicpoint_copies_and_freezes():
    mp = tiny_magicpoint()
    sp = superpoint_from_magicpoint(mp, descriptor_dim=8, seed=1)
    x = torch.rand(2, 1, 16, 24, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        logits, desc = sp(x)
        assert torch.equal(logits, mp(x))  # the detector is MagicPoint's
    assert desc.shape == (2, 8, 2, 3)
    assert_close(desc.norm(dim=1), torch.ones(2, 2, 3))
    trainable = {n for n, p in sp.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith("descriptor.") for n in trainable)
    with pytest.raises(TypeError, match="MagicPoint"):
        superpoint_from_magicpoint(nn.Linear(2, 2))


def test_pair_head_is_the_head_on_each_image():
    head = nn.Conv2d(3, 5, 1)
    x = torch.randn(2, 2, 3, 4, 4, generator=torch.Generator().manual_seed(0))
    out = PairHead(head)(x)
    assert out.shape == (2, 2, 5, 4, 4)
    assert_close(out[:, 1], torch.nn.functional.normalize(head(x[:, 1]), dim=1))
    with pytest.raises(ValueError):
        PairHead(head)(torch.randn(2, 3, 4, 4))


def test_training_changes_only_the_head_and_lowers_the_loss():
    images = [torch.rand(1, 32, 32, generator=torch.Generator().manual_seed(i)) for i in range(2)]
    train = make_pairs(images, 4, (16, 16), 0)
    mp = tiny_magicpoint()
    # BN statistics of the data: with the initial running stats (0, 1) a random tiny encoder's features are
    # ~1e-5, the descriptors all equal and the loss flat, so the test would not test training
    recalibrate_bn(mp, [train.images1])
    sp = superpoint_from_magicpoint(mp, TINY.descriptor_dim, seed=0)
    frozen = {k: v.clone() for k, v in sp.state_dict().items() if not k.startswith("descriptor.")}
    head = {k: v.clone() for k, v in sp.descriptor.state_dict().items()}
    history = train_descriptor_head(sp, train, train, dataclasses.replace(TINY, epochs=8), seed=0)
    assert len(history) == 8 and not sp.training
    assert all(torch.equal(sp.state_dict()[k], v) for k, v in frozen.items())  # encoder, detector, their BN stats
    assert any(not torch.equal(sp.descriptor.state_dict()[k], v) for k, v in head.items())
    assert history["val_loss"][-1] < history["val_loss"][0]


class FixedDescriptors(nn.Module):
    """A stand-in SuperPoint whose descriptors are given: image 1 gets ``d1``, image 2 ``d2``."""

    def __init__(self, d1, d2):
        super().__init__()
        self.d1, self.d2, self.calls = d1, d2, 0

    def forward(self, x):
        self.calls += 1
        d = self.d1 if self.calls % 2 == 1 else self.d2
        return None, d.expand(len(x), -1, -1, -1)


def identity_pairs(n, size):
    return HomographicPairs(torch.zeros(n, 1, *size), torch.zeros(n, 1, *size),
                            torch.eye(3, dtype=torch.float64).expand(n, 3, 3))


def test_dense_accuracy_by_hand():
    # 2x3 cells; one-hot descriptors: under the identity each cell corresponds to itself only (its neighbours are
    # exactly 8 px away, not < 8), so the same descriptors give accuracy 1 and a cyclic shift (no fixed point) 0
    eye = torch.eye(6).view(6, 2, 3)
    pairs = identity_pairs(2, (16, 24))
    assert dense_correspondence_accuracy(FixedDescriptors(eye, eye), pairs) == 1.0
    shifted = eye[[1, 2, 3, 4, 5, 0]]
    assert dense_correspondence_accuracy(FixedDescriptors(eye, shifted), pairs) == 0.0
    half = eye.clone()
    half[:, 0, :] = eye[[2, 0, 1, 5, 3, 4]][:, 0, :]  # image 2's row 0 cells permuted among themselves: 3 of 6 right
    assert dense_correspondence_accuracy(FixedDescriptors(eye, half), pairs) == 0.5


def test_dense_accuracy_nan_without_correspondences():
    far = torch.tensor([[1.0, 0, 1000], [0, 1.0, 0], [0, 0, 1.0]], dtype=torch.float64)  # everything leaves the image
    pairs = HomographicPairs(torch.zeros(1, 1, 16, 16), torch.zeros(1, 1, 16, 16), far[None])
    eye = torch.eye(4).view(4, 2, 2)
    assert math.isnan(dense_correspondence_accuracy(FixedDescriptors(eye, eye), pairs))
