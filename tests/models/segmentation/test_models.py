"""Segmentation models: the full-resolution contract, FCN's convolutionalisation and bilinear
up-sampling, U-Net's overlap-tile inference, DeepLab's output stride."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cvbook.models import create, list_models
from cvbook.models.segmentation import (FCN, DeepLabV3, DilatedBackbone, SmallVGGClassifier, UNet,
                                        bilinear_upsampler, convolutionalize, mirror_pad, overlap_tile_predict)
from cvbook.testing import assert_close

SEG = list_models(task="segmentation")


def test_the_chapter_models_are_registered():
    assert {"fcn32s", "fcn16s", "fcn8s", "unet", "unet_valid", "deeplabv3", "dilated_fcn", "spnet"} <= set(SEG)


@pytest.mark.parametrize("name", SEG)
@pytest.mark.parametrize("hw", [(75, 100), (33, 17)])
def test_full_resolution_logits_for_any_size(name, hw, generator):
    m = create(name, seed=0, num_classes=4).eval()
    x = torch.randn(2, 3, *hw, generator=generator)
    with torch.no_grad():
        out = m(x)
    assert out.shape == (2, 4, *hw)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("name", ["fcn8s", "unet", "deeplabv3"])
def test_gradient_reaches_every_trainable_parameter(name, generator):
    m = create(name, seed=0, num_classes=3).train()
    x = torch.randn(2, 3, 64, 64, generator=generator)
    y = torch.randint(3, (2, 64, 64), generator=generator)
    F.cross_entropy(m(x), y).backward()
    for n, p in m.named_parameters():
        if p.requires_grad:
            assert p.grad is not None and torch.isfinite(p.grad).all(), n


def test_seeded_create_is_reproducible():
    a, b = create("fcn8s", seed=3), create("fcn8s", seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("factor", [2, 8, 32])
def test_bilinear_transposed_conv_equals_interpolate_away_from_border(factor, generator):
    up = bilinear_upsampler(3, factor)
    x = torch.randn(1, 3, 6, 5, generator=generator)
    with torch.no_grad():
        ours = up(x)
    ref = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    assert ours.shape == ref.shape
    b = factor
    assert_close(ours[..., b:-b, b:-b], ref[..., b:-b, b:-b])
    assert not bilinear_upsampler(3, 4, learnable=False).weight.requires_grad


def test_fcn_layers_start_bilinear_and_skips_at_zero():
    m = FCN(4, stride=8)
    assert not m.up_final.weight.requires_grad and m.up2_a.weight.requires_grad
    assert m.score_pool4.weight.abs().sum() == 0 and m.score_pool3.weight.abs().sum() == 0
    with pytest.raises(ValueError, match="stride must be 32, 16 or 8"):
        FCN(4, stride=4)


def test_convolutionalize_equals_the_linear_layer(generator):
    lin = torch.nn.Linear(5 * 3 * 3, 7)
    conv = convolutionalize(lin, 5, 3)
    x = torch.randn(4, 5, 3, 3, generator=generator)
    assert_close(conv(x)[..., 0, 0], lin(x.flatten(1)))
    with pytest.raises(ValueError, match="expected in_channels"):
        convolutionalize(lin, 5, 2)


def test_convolutionalised_classifier_gives_the_same_scores(generator):
    clf = SmallVGGClassifier(6, widths=(4, 4, 8, 8, 8), hidden=16, field=3).eval()
    x = torch.randn(2, 3, 96, 96, generator=generator)
    fc6 = convolutionalize(clf.fc6, 8, 3)
    fc7 = convolutionalize(clf.fc7, 16, 1)
    fc8 = convolutionalize(clf.fc8, 16, 1)
    with torch.no_grad():
        f = clf.backbone(x)[-1]
        dense = fc8(torch.relu(fc7(torch.relu(fc6(f)))))
        assert dense.shape == (2, 6, 1, 1)
        assert_close(dense[..., 0, 0], clf(x))
        # on a larger image the same layers slide: one score per 32-px step of the window
        assert fc8(torch.relu(fc7(torch.relu(fc6(clf.backbone(torch.randn(1, 3, 160, 128, generator=generator))[-1]))))).shape == (1, 6, 3, 2)


def test_mirror_pad_equals_reflect_and_numpy(generator):
    x = torch.randn(1, 2, 5, 4, generator=generator)
    assert torch.equal(mirror_pad(x, 2, 3, 1, 3), F.pad(x, (1, 3, 2, 3), mode="reflect"))
    big = mirror_pad(x, 9, 7, 6, 11)  # beyond the image: numpy's reflect
    want = np.pad(x.numpy(), ((0, 0), (0, 0), (9, 7), (6, 11)), mode="reflect")
    assert np.array_equal(big.numpy(), want)


def test_unet_valid_sizes_and_overlap_tile_equals_whole_image(generator):
    m = UNet(3, width=4, depth=2, padding="valid").eval()
    # depth 2 by hand: n -> n-4 -> /2 -> -4 -> /2 -> -4 (bottom) -> *2 -4 -> *2 -4: out = n - 2 * 20
    assert m.margin == 20 and m.valid_output_size(68) == 28 and m.valid_output_size(69) is None
    x = torch.randn(1, 3, 50, 70, generator=generator)
    with torch.no_grad():
        whole = m(x)
        tiled = overlap_tile_predict(m, x, 16)
    assert whole.shape == tiled.shape == (1, 3, 50, 70)
    assert_close(tiled, whole, scale=10)
    with pytest.raises(ValueError, match="multiple of 2\\*\\*depth"):
        overlap_tile_predict(m, x, 10)
    with pytest.raises(ValueError, match="padding='valid'"):
        overlap_tile_predict(UNet(3, width=4, depth=2), x, 16)


@pytest.mark.parametrize("os_,dilations", [(4, [1, 1, 2, 4]), (8, [1, 1, 1, 2]), (16, [1, 1, 1, 1])])
def test_dilated_backbone_output_stride(os_, dilations, generator):
    b = DilatedBackbone(3, (4, 4, 8, 8), output_stride=os_).eval()
    assert b.dilations == dilations
    assert b(torch.randn(1, 3, 64, 48, generator=generator)).shape == (1, 8, 64 // os_, 48 // os_)
    with pytest.raises(ValueError, match="output_stride"):
        DilatedBackbone(output_stride=32)


def test_deeplab_image_pooling_switch():
    with_ip = DeepLabV3(3, image_pooling=True)
    without = DeepLabV3(3, image_pooling=False)
    assert len(with_ip.context.convs) == len(without.context.convs) + 1
