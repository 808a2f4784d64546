"""mean_average_precision against pycocotools' COCOeval on random detections, plus hand cases."""
import contextlib
import io

import numpy as np
import pytest
import torch

from cvbook.metrics import mean_average_precision

pycocotools = pytest.importorskip("pycocotools")
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402


def coco_eval(preds, targets, max_det=100):
    """COCOeval's stats and precision array on the same data (annotation ids start at 1)."""
    images, anns, dets = [], [], []
    cats = sorted({int(c) for t in targets for c in t["labels"]} | {int(c) for p in preds for c in p["labels"]})
    for i, (p, t) in enumerate(zip(preds, targets)):
        images.append({"id": i + 1})
        for b, c in zip(t["boxes"].tolist(), t["labels"].tolist()):
            w, h = b[2] - b[0], b[3] - b[1]
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": c, "bbox": [b[0], b[1], w, h],
                         "area": w * h, "iscrowd": 0})
        for b, s, c in zip(p["boxes"].tolist(), p["scores"].tolist(), p["labels"].tolist()):
            dets.append({"image_id": i + 1, "category_id": c, "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]], "score": s})
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": images, "annotations": anns, "categories": [{"id": c} for c in cats]}
        gt.createIndex()
        dt = gt.loadRes(dets) if dets else COCO()
        ev = COCOeval(gt, dt, "bbox")
        ev.params.maxDets = [1, 10, max_det]
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    m = list(ev.params.maxDets).index(max_det)  # COCOeval sorts maxDets
    return ev.stats, ev.eval["precision"][:, :, :, 0, m], cats


def random_case(g, n_images=12, n_classes=3, jitter=6.0):
    preds, targets = [], []
    for _ in range(n_images):
        n = int(torch.randint(0, 6, (1,), generator=g))
        xy = torch.rand(n, 2, generator=g) * 60
        gt = torch.cat([xy, xy + 8 + torch.rand(n, 2, generator=g) * 20], dim=1).round()
        lab = torch.randint(n_classes, (n,), generator=g) + 1
        # detections: noisy copies of the ground truth (some wrong class) plus clutter
        m = int(torch.randint(0, 9, (1,), generator=g))
        src = torch.randint(max(n, 1), (m,), generator=g)
        base = gt[src] if n else torch.rand(m, 4, generator=g) * 40 + torch.tensor([0, 0, 20, 20.0])
        det = base + torch.randn(m, 4, generator=g) * jitter
        det = torch.cat([det[:, :2], torch.maximum(det[:, 2:], det[:, :2] + 1)], dim=1).round()
        dl = lab[src] if n else torch.randint(n_classes, (m,), generator=g) + 1
        flip = torch.rand(m, generator=g) < 0.2
        dl = torch.where(flip, torch.randint(n_classes, (m,), generator=g) + 1, dl)
        sc = torch.rand(m, generator=g).double().round(decimals=3).float()  # ties in scores
        preds.append({"boxes": det, "scores": sc, "labels": dl})
        targets.append({"boxes": gt, "labels": lab})
    return preds, targets


@pytest.mark.parametrize("seed", range(6))
def test_matches_cocoeval(seed):
    g = torch.Generator().manual_seed(seed)
    preds, targets = random_case(g, n_images=10 + seed, jitter=2.0 + seed)
    stats, precision, cats = coco_eval(preds, targets)
    ours = mean_average_precision(preds, targets)
    assert ours.map == pytest.approx(stats[0], abs=1e-12)
    assert ours.map_50 == pytest.approx(stats[1], abs=1e-12)
    assert ours.map_75 == pytest.approx(stats[2], abs=1e-12)
    assert ours.classes.tolist() == cats
    np.testing.assert_allclose(ours.precision.numpy(), precision, atol=1e-12)
    for k in range(len(cats)):
        p = precision[:, :, k]
        expected = p[p > -1].mean() if (p > -1).any() else -1
        assert ours.ap_per_class[k].item() == pytest.approx(expected, abs=1e-12)


def test_max_detections_matches_cocoeval():
    g = torch.Generator().manual_seed(7)
    preds, targets = random_case(g, n_images=8)
    # summarize() only reads maxDets=100, so compare the precision array at maxDets[2] = 2
    _, precision, _ = coco_eval(preds, targets, max_det=2)
    ours = mean_average_precision(preds, targets, max_detections=2)
    np.testing.assert_allclose(ours.precision.numpy(), precision, atol=1e-12)
    assert ours.map == pytest.approx(precision[precision > -1].mean(), abs=1e-12)
    assert ours.map < mean_average_precision(preds, targets).map


def test_perfect_and_hand_cases():
    box = torch.tensor([[0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0]])
    t = [{"boxes": box, "labels": torch.tensor([0, 1])}]
    p = [{"boxes": box, "scores": torch.tensor([0.9, 0.8]), "labels": torch.tensor([0, 1])}]
    r = mean_average_precision(p, t)
    # precision tp / (tp + fp + eps) is 1 - 2e-16, as in cocoapi
    assert r.map == pytest.approx(1.0) and r.map_50 == pytest.approx(1.0)
    assert r.ap_per_class.tolist() == pytest.approx([1.0, 1.0])
    # one false positive above the only true positive: precision 1/2 at every recall, AP 0.5
    fp = torch.tensor([[50.0, 50.0, 60.0, 60.0]])
    p = [{"boxes": torch.cat([fp, box[:1]]), "scores": torch.tensor([0.9, 0.8]), "labels": torch.tensor([0, 0])}]
    r = mean_average_precision(p, [{"boxes": box[:1], "labels": torch.tensor([0])}])
    assert r.map_50 == pytest.approx(0.5)


def test_empty_and_degenerate():
    e4, el = torch.zeros(0, 4), torch.zeros(0, dtype=torch.long)
    r = mean_average_precision([], [])
    assert r.map == -1.0 and r.classes.numel() == 0
    # ground truth but no detections: AP 0 (not NaN)
    t = [{"boxes": torch.tensor([[0.0, 0.0, 5.0, 5.0]]), "labels": torch.tensor([2])}]
    r = mean_average_precision([{"boxes": e4, "scores": torch.zeros(0), "labels": el}], t)
    assert r.map == 0.0 and not np.isnan(r.precision.numpy()).any()
    # a zero-width box matches nothing (IoU 0), as in cocoapi
    z = torch.tensor([[3.0, 3.0, 3.0, 8.0]])
    r = mean_average_precision([{"boxes": z, "scores": torch.ones(1), "labels": torch.tensor([0])}],
                               [{"boxes": z, "labels": torch.tensor([0])}])
    assert r.map == 0.0
    # detections only of a class without ground truth: no AP for it
    r = mean_average_precision([{"boxes": z, "scores": torch.ones(1), "labels": torch.tensor([4])}],
                               [{"boxes": e4, "labels": el}])
    assert r.map == -1.0 and r.ap_per_class.tolist() == [-1.0]


def test_bad_input():
    t = [{"boxes": torch.zeros(1, 4), "labels": torch.zeros(1, dtype=torch.long)}]
    with pytest.raises(ValueError, match="one entry per image"):
        mean_average_precision([], t)
    with pytest.raises(ValueError, match="scores"):
        mean_average_precision([{"boxes": torch.zeros(1, 4), "labels": torch.zeros(1, dtype=torch.long)}], t)
    with pytest.raises(ValueError, match="shape"):
        mean_average_precision([{"boxes": torch.zeros(1, 5), "scores": torch.zeros(1), "labels": torch.zeros(1, dtype=torch.long)}], t)
    with pytest.raises(ValueError, match="x2 >= x1"):
        mean_average_precision([{"boxes": torch.tensor([[5.0, 0, 1, 1]]), "scores": torch.zeros(1),
                                 "labels": torch.zeros(1, dtype=torch.long)}], t)
    with pytest.raises(TypeError, match="dict"):
        mean_average_precision([None], t)
