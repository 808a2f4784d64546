"""Cue-conflict image sets: labels by mode, value range, determinism; the small CNN's output shape."""
import pytest
import torch

from cvbook.experiments.papers.texture_shape import CLASS_SHAPES, TextureShapeData, small_cnn


@pytest.fixture(scope="module")
def data():
    return TextureShapeData(size=32, per_class=2)


def test_labels_by_mode(data):
    plain = data.make(40, "plain", 0)
    assert plain.images.shape == (40, 1, 32, 32)
    assert torch.equal(plain.shape_labels, plain.texture_labels)
    conflict = data.make(40, "conflict", 0)
    assert (conflict.shape_labels != conflict.texture_labels).all()              # always a real conflict
    assert set(conflict.texture_labels.tolist()) <= set(range(len(CLASS_SHAPES)))
    stylised = data.make(40, "stylised", 0)
    assert (stylised.texture_labels == -1).all() and (stylised.shape_labels >= 0).all()
    texture = data.make(40, "texture_only", 0)
    assert (texture.shape_labels == -1).all() and (texture.texture_labels >= 0).all()
    for s in (plain, conflict, stylised, texture):
        assert s.images.min() >= 0 and s.images.max() <= 1


def test_background_outside_the_silhouette_and_determinism(data):
    a, b = data.make(8, "plain", 3), data.make(8, "plain", 3)
    assert torch.equal(a.images, b.images)
    # the image corners lie outside every silhouette (radius <= 0.44 S, shift <= 4 px): background level
    assert torch.allclose(a.images[:, 0, 0, 0], torch.full((8,), data.background))


def test_small_cnn_and_errors(data):
    net = small_cnn(3, width=4, seed=0)
    assert net(torch.zeros(2, 1, 32, 32)).shape == (2, 3)
    w0 = small_cnn(3, width=4, seed=0)[0].weight
    assert torch.equal(net[0].weight, w0)
    with pytest.raises(ValueError, match="mode must be one of"):
        data.make(4, "cartoon", 0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        data.make(0, "plain", 0)
