"""Tests of render_scene / make_scene_batch: determinism, invariants on random scenes, bad input."""
import pytest
import torch

from cvbook.data.shapes import SHAPE_CLASSES, make_scene_batch, random_shape, render_scene, smooth_background


def _check_invariants(scene, height, width, channels=1):
    n = scene.labels.shape[0]
    assert scene.image.shape == (channels, height, width) and scene.image.dtype == torch.float32
    assert 0 <= scene.image.min() and scene.image.max() <= 1
    assert scene.labels.dtype == torch.int64 and ((0 <= scene.labels) & (scene.labels < len(SHAPE_CLASSES))).all()
    assert scene.masks.shape == (n, height, width) and scene.masks.dtype == torch.bool
    assert scene.boxes.shape == (n, 4) and scene.boxes.dtype == torch.float32
    # masks are non-empty and disjoint (each pixel has at most one owner)
    assert scene.masks.flatten(1).any(dim=1).all()
    assert scene.masks.sum(dim=0).max() <= 1
    # boxes enclose each mask exactly: x1 = min col, x2 = max col + 1 (likewise rows)
    for mask, box in zip(scene.masks, scene.boxes):
        rows, cols = torch.nonzero(mask, as_tuple=True)
        assert box.tolist() == [cols.min().item(), rows.min().item(), cols.max().item() + 1, rows.max().item() + 1]
    # keypoints lie in the image, belong to a kept instance, and lie within 2 px of its mask
    k = scene.keypoints.shape[0]
    assert scene.keypoints.shape == (k, 2) and scene.keypoint_instance.shape == (k,)
    assert scene.keypoint_instance.dtype == torch.int64
    if k:
        x, y = scene.keypoints[:, 0], scene.keypoints[:, 1]
        assert ((x >= 0) & (x < width) & (y >= 0) & (y < height)).all()
        inst = scene.keypoint_instance
        assert ((inst >= 0) & (inst < n)).all()
        row, col = y.floor().long(), x.floor().long()
        for r, c, i in zip(row.tolist(), col.tolist(), inst.tolist()):
            window = scene.masks[i, max(0, r - 2) : r + 3, max(0, c - 2) : c + 3]
            assert window.any()


@pytest.mark.parametrize("seed", range(8))
def test_random_scene_invariants(seed):
    scene = render_scene((48, 64), n_objects=(1, 6), seed=seed, noise=0.05, blur=0.5)
    _check_invariants(scene, 48, 64)


@pytest.mark.parametrize("kind", SHAPE_CLASSES)
def test_each_kind_renders_alone(kind):
    scene = render_scene(64, n_objects=1, kinds=[kind], seed=0)
    _check_invariants(scene, 64, 64)
    assert scene.labels.tolist() == [SHAPE_CLASSES.index(kind)]
    if kind == "ellipse":
        assert scene.keypoints.shape[0] == 0
    else:
        assert scene.keypoints.shape[0] > 0


def test_rgb_scene():
    scene = render_scene(32, n_objects=3, seed=1, channels=3)
    _check_invariants(scene, 32, 32, channels=3)


def test_zero_objects_is_background_only():
    scene = render_scene(16, n_objects=0, seed=0)
    assert scene.labels.shape == (0,) and scene.masks.shape == (0, 16, 16) and scene.boxes.shape == (0, 4)
    assert scene.keypoints.shape == (0, 2)


def _equal(a, b):
    return all(torch.equal(getattr(a, f), getattr(b, f)) for f in
               ("image", "labels", "boxes", "masks", "keypoints", "keypoint_instance"))


def test_determinism_seed_and_generator():
    a = render_scene(64, (2, 5), seed=11, noise=0.1)
    b = render_scene(64, (2, 5), seed=11, noise=0.1)
    c = render_scene(64, (2, 5), seed=12, noise=0.1)
    assert _equal(a, b)
    assert not torch.equal(a.image, c.image)
    g = torch.Generator().manual_seed(11)
    assert _equal(a, render_scene(64, (2, 5), seed=g, noise=0.1))
    # the generator was advanced: the next scene differs
    assert not torch.equal(a.image, render_scene(64, (2, 5), seed=g, noise=0.1).image)


def test_global_rng_untouched():
    torch.manual_seed(0)
    before = torch.rand(3)
    torch.manual_seed(0)
    render_scene(32, 3, seed=5)
    make_scene_batch(2, 16, seed=1)
    assert torch.equal(torch.rand(3), before)


def test_make_scene_batch():
    batch = make_scene_batch(4, 32, seed=3, n_objects=(1, 3))
    again = make_scene_batch(4, 32, seed=3, n_objects=(1, 3))
    assert len(batch) == 4
    assert all(_equal(a, b) for a, b in zip(batch, again))
    assert not torch.equal(batch[0].image, batch[1].image)
    # equals rendering one by one from the same generator
    g = torch.Generator().manual_seed(3)
    assert _equal(batch[2], [render_scene(32, (1, 3), seed=g) for _ in range(3)][2])


def test_n_objects_range_is_respected():
    # 2 or 3 objects are drawn; occlusion can only remove some, so counts never exceed 3, and over
    # 20 fixed seeds both ends of the range occur
    counts = [len(render_scene(48, (2, 3), seed=s, supersample=1).labels) for s in range(20)]
    assert max(counts) == 3 and 2 in counts and min(counts) >= 1
    assert all(len(render_scene(48, 2, seed=s).labels) <= 2 for s in range(5))


def test_noise_and_blur_do_not_change_annotations():
    clean = render_scene(32, 3, seed=4)
    noisy = render_scene(32, 3, seed=4, noise=0.2, blur=1.0)
    assert torch.equal(clean.masks, noisy.masks) and torch.equal(clean.keypoints, noisy.keypoints)
    assert not torch.equal(clean.image, noisy.image)
    # blur smooths: the mean absolute horizontal gradient drops
    blurred = render_scene(32, 3, seed=4, blur=1.5)
    assert blurred.image.diff(dim=2).abs().mean() < clean.image.diff(dim=2).abs().mean()


def test_smooth_background_and_random_shape():
    g = torch.Generator().manual_seed(0)
    bg = smooth_background(20, 30, 3, g)
    assert bg.shape == (3, 20, 30) and 0 <= bg.min() and bg.max() <= 1
    # smooth: neighbouring pixels differ far less than the overall spread
    assert bg.diff(dim=2).abs().max() < 0.1
    shape = random_shape("star", 64, 64, g, torch.tensor([0.5]))
    assert shape.kind == "star" and shape.keypoints.shape[0] in (10, 12, 14)


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(size=0), ValueError, "size must be positive"),
        (dict(size=(32, -1)), ValueError, "size must be positive"),
        (dict(size=3.5), TypeError, "size must be an int"),
        (dict(n_objects=-1), ValueError, "n_objects must be non-negative"),
        (dict(n_objects=(3, 1)), ValueError, "min <= max"),
        (dict(n_objects="2"), TypeError, "n_objects must be an int"),
        (dict(kinds=["hexagon"]), ValueError, "unknown shape kind 'hexagon'"),
        (dict(kinds=[]), ValueError, "at least one"),
        (dict(seed="0"), TypeError, "seed must be an int or a torch.Generator"),
        (dict(seed=1.5), TypeError, "seed must be an int or a torch.Generator"),
        (dict(noise=-0.1), ValueError, "noise must be a non-negative number"),
        (dict(channels=2), ValueError, "channels must be 1 or 3"),
    ],
)
def test_render_scene_bad_input(kwargs, err, match):
    with pytest.raises(err, match=match):
        render_scene(**kwargs)


def test_make_scene_batch_bad_n():
    with pytest.raises(ValueError, match="n must be >= 0"):
        make_scene_batch(-2)


def test_random_shape_radius_and_margin():
    # defaults are the scene sampler's draws: the same generator state gives the same shape
    base = torch.tensor([0.5])
    a = random_shape("ellipse", 64, 64, torch.Generator().manual_seed(3), base)
    b = random_shape("ellipse", 64, 64, torch.Generator().manual_seed(3), base, radius=(0.12, 0.30), margin=0.1)
    assert torch.equal(a.keypoints, b.keypoints) and a.parts[0].bounds() == b.parts[0].bounds()
    # a fixed radius of 25 % and a margin of 0.45: the ellipse's centre lies in the middle 10 % and its
    # major semi-axis is 0.7-1.0 times 16 px, so its bounds stay within 32 +- (3.2 + 16) px
    for seed in range(5):
        s = random_shape("ellipse", 64, 64, torch.Generator().manual_seed(seed), base, radius=(0.25, 0.25), margin=0.45)
        x0, y0, x1, y1 = s.parts[0].bounds()
        assert min(x0, y0) >= 32 - 3.2 - 16 - 1e-4 and max(x1, y1) <= 32 + 3.2 + 16 + 1e-4
    with pytest.raises(ValueError, match="radius"):
        random_shape("star", 64, 64, torch.Generator(), base, radius=(0.3, 0.1))
    with pytest.raises(ValueError, match="margin"):
        random_shape("star", 64, 64, torch.Generator(), base, margin=0.5)
