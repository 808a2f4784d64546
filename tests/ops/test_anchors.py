"""Anchors against torchvision's AnchorGenerator and Matcher; k-means by property and by hand."""
import pytest
import torch
from torchvision.models.detection._utils import Matcher
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList

from cvbook.ops import box_iou, grid_anchors, kmeans_anchors, match_anchors, mean_best_iou, wh_iou


def test_grid_anchors_match_torchvision():
    sizes, ratios = (16.0, 32.0), (0.5, 1.0, 2.0)
    gen = AnchorGenerator(sizes=(sizes,), aspect_ratios=(ratios,))
    images = ImageList(torch.zeros(1, 3, 64, 48), [(64, 48)])
    feat = torch.zeros(1, 8, 8, 6)
    ref = gen(images, [feat])[0]
    ours = grid_anchors((8, 6), 8, sizes, ratios)
    assert torch.equal(ours, ref)


def test_match_anchors_match_torchvision(generator):
    xy = torch.rand(5, 2, generator=generator) * 40
    gt = torch.cat([xy, xy + 10 + torch.rand(5, 2, generator=generator) * 10], dim=1)
    anchors = grid_anchors((6, 6), 8, (16.0,), (0.5, 1.0, 2.0))
    for allow in (False, True):
        ref = Matcher(0.5, 0.4, allow)(box_iou(gt, anchors))
        assert torch.equal(match_anchors(anchors, gt, 0.5, 0.4, allow), ref)
    assert (match_anchors(anchors, torch.zeros(0, 4)) == -1).all()
    with pytest.raises(ValueError, match="low_threshold"):
        match_anchors(anchors, gt, 0.3, 0.5)


def test_wh_iou_by_hand():
    # 2x2 and 1x4 centred together: intersection 1x2 = 2, union 4 + 4 - 2 = 6
    assert abs(wh_iou(torch.tensor([[2.0, 2.0]]), torch.tensor([[1.0, 4.0]])).item() - 1 / 3) < 1e-7


def test_kmeans_recovers_clusters(generator):
    centres = torch.tensor([[4.0, 4.0], [10.0, 20.0], [30.0, 12.0]])
    wh = centres.repeat(40, 1) * (1 + 0.02 * torch.randn(120, 2, generator=generator))
    res = kmeans_anchors(wh, 3, seed=1)
    assert res.anchors.shape == (3, 2)
    assert torch.allclose(res.anchors, centres, rtol=0.05)
    assert res.mean_iou > 0.9
    assert abs(res.mean_iou - mean_best_iou(wh, res.anchors)) < 1e-9
    # more clusters never lower the best k-means optimum much; k = N gives IoU 1
    assert kmeans_anchors(wh[:5], 5).mean_iou == pytest.approx(1.0)


def test_kmeans_bad_input():
    with pytest.raises(ValueError, match="k"):
        kmeans_anchors(torch.ones(3, 2), 4)
    with pytest.raises(ValueError, match="positive"):
        kmeans_anchors(torch.tensor([[1.0, 0.0]]), 1)
    with pytest.raises(ValueError, match="wh"):
        kmeans_anchors(torch.ones(3, 3), 1)


def test_kmeans_euclidean_equals_sklearn(generator):
    from sklearn.cluster import KMeans

    from cvbook._checks import as_generator

    wh = torch.cat([torch.rand(60, 2, generator=generator) * 10 + 4, torch.rand(60, 2, generator=generator) * 30 + 20]).double()
    k = 4
    init = wh[torch.randperm(len(wh), generator=as_generator(7))[:k]]  # the same draw kmeans_anchors makes
    ours = kmeans_anchors(wh, k, seed=7, metric="euclidean")
    ref = KMeans(k, init=init.numpy(), n_init=1, algorithm="lloyd", tol=0, max_iter=100).fit(wh.numpy())
    centres = torch.from_numpy(ref.cluster_centers_)
    centres = centres[torch.argsort(centres.prod(dim=1))]
    assert torch.allclose(ours.anchors, centres, rtol=1e-9, atol=1e-9)


def test_kmeans_iou_beats_euclidean_on_mixed_sizes(generator):
    # sizes spread log-uniformly over 4..64 pixels: squared distances are dominated by the large boxes,
    # so Euclidean centroids fit the small ones badly; 1 - IoU is scale-free
    shapes = torch.tensor([[1.0, 1.0], [1.0, 2.5], [2.5, 1.0]])
    scale = 4 * 16 ** torch.rand(300, 1, generator=generator)
    wh = shapes.repeat(100, 1) * scale
    for k in (3, 5):
        assert kmeans_anchors(wh, k, seed=0).mean_iou > kmeans_anchors(wh, k, seed=0, metric="euclidean").mean_iou
    with pytest.raises(ValueError, match="metric"):
        kmeans_anchors(wh, 2, metric="cosine")
