"""Tests of cvbook.data.shapes.make_shapes_classification."""
import pytest
import torch

from cvbook.data.shapes import SHAPE_CLASSES, make_shapes_classification
from cvbook.data.shapes.primitives import cube_axes


def test_shapes_dtypes_and_range():
    images, labels = make_shapes_classification(40, size=32, seed=0).tensors
    assert images.shape == (40, 3, 32, 32) and images.dtype == torch.float32
    assert labels.shape == (40,) and labels.dtype == torch.int64
    assert images.min() >= 0 and images.max() <= 1
    assert labels.min() >= 0 and labels.max() < len(SHAPE_CLASSES)
    grey, _ = make_shapes_classification(5, size=24, seed=0, channels=1).tensors
    assert grey.shape == (5, 1, 24, 24)


def test_class_balance():
    # 803 = 8 * 100 + 3: three classes get 101 samples, five get 100
    _, labels = make_shapes_classification(803, size=16, seed=3).tensors
    counts = torch.bincount(labels, minlength=len(SHAPE_CLASSES))
    assert counts.sum() == 803
    assert sorted(counts.tolist()) == [100] * 5 + [101] * 3


def test_labels_are_shuffled():
    _, labels = make_shapes_classification(64, size=16, seed=0).tensors
    assert not torch.equal(labels, torch.arange(64) % len(SHAPE_CLASSES))


def test_determinism_and_generator():
    a = make_shapes_classification(16, seed=5).tensors
    b = make_shapes_classification(16, seed=5).tensors
    c = make_shapes_classification(16, seed=6).tensors
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])
    g = torch.Generator().manual_seed(5)
    d = make_shapes_classification(16, seed=g).tensors
    assert torch.equal(a[0], d[0])
    # the generator is advanced: a second call continues the stream
    e = make_shapes_classification(16, seed=g).tensors
    assert not torch.equal(d[0], e[0])


def test_chunking_does_not_change_distribution_shapes():
    images, labels = make_shapes_classification(10, size=16, seed=0, chunk=3).tensors
    assert images.shape == (10, 3, 16, 16) and labels.shape == (10,)


def test_images_have_contrast():
    # every image contains a shape whose colour differs from the background by >= 0.25 per channel,
    # so no image is nearly flat (noise alone has std <= 0.08)
    images, _ = make_shapes_classification(64, seed=1).tensors
    spread = images.flatten(1).quantile(0.98, dim=1) - images.flatten(1).quantile(0.02, dim=1)
    assert (spread > 0.2).all()


def test_cube_axes_are_projected_orthonormal_edges():
    # the three edges are the columns of a rotation, projected: their squared image lengths sum to 2
    # (two rows of an orthogonal matrix), and each is shorter than the unit edge
    alpha = torch.tensor([0.3, 0.7, 1.0])
    beta = torch.tensor([0.3, 1.0, 1.27])
    axes = cube_axes(alpha, beta)
    assert axes.shape == (3, 3, 2)
    assert torch.allclose(axes.pow(2).sum(dim=(1, 2)), torch.full((3,), 2.0), atol=1e-5)
    assert (axes.norm(dim=-1) < 1).all()


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(n=-1), ValueError, "n must be >= 0"),
        (dict(n=2.5), TypeError, "n must be an int"),
        (dict(n=4, size=0), ValueError, "size must be positive"),
        (dict(n=4, size=(32, 16)), ValueError, "square"),
        (dict(n=4, size="32"), TypeError, "size must be an int"),
        (dict(n=4, channels=2), ValueError, "channels must be 1 or 3"),
        (dict(n=4, seed="a"), TypeError, "seed must be an int or a torch.Generator"),
        (dict(n=4, seed=-1), ValueError, "seed must be >= 0"),
    ],
)
def test_bad_input_raises(kwargs, err, match):
    with pytest.raises(err, match=match):
        make_shapes_classification(**kwargs)


def test_render_classification_batch_follows_labels_and_generator():
    from cvbook.data.shapes import render_classification_batch

    labels = torch.tensor([0, 4, 7, 7])
    a = render_classification_batch(labels, 24, 1, torch.Generator().manual_seed(0))
    b = render_classification_batch(labels, 24, 1, torch.Generator().manual_seed(0))
    assert a.shape == (4, 1, 24, 24) and torch.equal(a, b)
    assert 0 <= a.min() and a.max() <= 1
    # the data set is this function applied to its shuffled labels, with the same generator stream
    g = torch.Generator().manual_seed(9)
    images, lab = make_shapes_classification(6, size=24, seed=9, channels=1).tensors
    g.manual_seed(9)
    perm_labels = (torch.arange(6) % len(SHAPE_CLASSES))[torch.randperm(6, generator=g)]
    assert torch.equal(perm_labels, lab)
    assert torch.equal(render_classification_batch(lab, 24, 1, g), images)
