"""Segmentation metrics against torchmetrics and hand counts.

What the torchmetrics oracles average (read from torchmetrics 1.9's source and checked below):

- ``MulticlassJaccardIndex(num_classes, average="macro")`` accumulates one confusion matrix over
  every ``update`` (the whole set) and averages the per-class IoU over the classes whose union is
  non-empty (absent classes are left out, not counted as 0). With ``ignore_index`` the ignored
  pixels are dropped. That is our ``dataset_miou``.
- The *functional* ``torchmetrics.functional.segmentation.mean_iou(..., input_format="index")``
  returns one mIoU per image (over the classes present in that image); its mean over images is our
  ``image_miou``.
- The *module* ``torchmetrics.segmentation.MeanIoU`` (``per_class=False``) is neither: it sums the
  IoU of every (image, present class) pair and divides by the number of such pairs, a mean over
  pairs, which equals image-mIoU only when every image has the same number of classes
  (``test_meaniou_module_averages_over_image_class_pairs`` shows it).
"""
import pytest
import torch
from torchmetrics.classification import MulticlassJaccardIndex
from torchmetrics.functional.segmentation import mean_iou
from torchmetrics.segmentation import MeanIoU

from cvbook.metrics import (boundary_f_score, confusion_matrix, dataset_miou, image_miou, iou_from_confusion,
                            panoptic_quality)
from cvbook.testing import assert_close


def _random_maps(gen, b=4, k=5, h=16, w=20):
    target = torch.randint(k, (b, h, w), generator=gen)
    noise = torch.randint(k, (b, h, w), generator=gen)
    keep = torch.rand(b, h, w, generator=gen) < 0.6
    return torch.where(keep, target, noise), target


def test_confusion_matrix_by_hand():
    # target 0 0 1 1 2 ; pred 0 1 1 1 0 -> M[0,0]=1 M[0,1]=1 M[1,1]=2 M[2,0]=1
    t = torch.tensor([[0, 0, 1, 1, 2]])
    p = torch.tensor([[0, 1, 1, 1, 0]])
    expected = torch.tensor([[1, 1, 0], [0, 2, 0], [1, 0, 0]])
    assert torch.equal(confusion_matrix(p, t, 3), expected)
    # ignoring target label 1 drops the two middle pixels
    assert torch.equal(confusion_matrix(p, t, 3, ignore_index=1), torch.tensor([[1, 1, 0], [0, 0, 0], [1, 0, 0]]))


def test_confusion_matrix_rows_are_target_sklearn(generator):
    from sklearn.metrics import confusion_matrix as sk_cm

    p, t = _random_maps(generator)
    assert torch.equal(confusion_matrix(p, t, 5), torch.as_tensor(sk_cm(t.flatten(), p.flatten(), labels=range(5))))


def test_iou_by_hand():
    # class 0: tp 1, fn 1, fp 1 -> 1/3; class 1: tp 2, fp 1 -> 2/3; class 2: tp 0 -> 0; class 3 absent
    t = torch.tensor([[0, 0, 1, 1, 2]])
    p = torch.tensor([[0, 1, 1, 1, 0]])
    iou, present = iou_from_confusion(confusion_matrix(p, t, 4))
    assert_close(iou, torch.tensor([1 / 3, 2 / 3, 0.0, 0.0], dtype=torch.float64))
    assert present.tolist() == [True, True, True, False]
    assert dataset_miou(p, t, 4) == pytest.approx((1 / 3 + 2 / 3 + 0) / 3)


@pytest.mark.parametrize("ignore_index", [None, 2])
def test_dataset_miou_equals_multiclass_jaccard(generator, ignore_index):
    k = 5
    metric = MulticlassJaccardIndex(k, average="macro", ignore_index=ignore_index)
    preds, targets = [], []
    for _ in range(3):  # accumulated over several batches, as over a data set
        p, t = _random_maps(generator, k=k)
        t[:, :3] = torch.where(t[:, :3] == 4, 0, t[:, :3])  # vary class frequencies
        metric.update(p, t)
        preds.append(p)
        targets.append(t)
    ours = dataset_miou(torch.cat(preds), torch.cat(targets), k, ignore_index=ignore_index)
    assert ours == pytest.approx(float(metric.compute()), rel=1e-5)


def test_dataset_miou_leaves_out_absent_classes_like_torchmetrics():
    p = torch.tensor([[0, 0, 1, 1]])
    t = torch.tensor([[0, 1, 1, 1]])
    # classes 0 and 1 only: (1/2 + 2/3) / 2, not divided by 3
    assert dataset_miou(p, t, 3) == pytest.approx((0.5 + 2 / 3) / 2)
    assert dataset_miou(p, t, 3) == pytest.approx(float(MulticlassJaccardIndex(3)(p, t)), rel=1e-6)


def test_image_miou_equals_functional_mean_iou(generator):
    k = 4
    p, t = _random_maps(generator, b=6, k=k)
    t[0] = torch.where(t[0] == 3, 0, t[0])  # an image with fewer classes
    per_image = mean_iou(p, t, num_classes=k, input_format="index")
    assert_close(image_miou(p, t, k, reduction="none"), per_image.double(), scale=10, dtype=torch.float32)
    assert image_miou(p, t, k) == pytest.approx(float(per_image.mean()), rel=1e-5)


def test_meaniou_module_averages_over_image_class_pairs():
    # image 1 (target 0 0 0 1, pred 0 0 1 1): IoU_0 = 2/3, IoU_1 = 1/2 -> image mIoU 7/12;
    # image 2: one class, IoU 1 -> 1. Image-mIoU (7/12 + 1) / 2; mean over the three pairs (2/3 + 1/2 + 1) / 3
    t = torch.tensor([[[0, 0, 0, 1]], [[2, 2, 2, 2]]])  # (B, H=1, W=4)
    p = torch.tensor([[[0, 0, 1, 1]], [[2, 2, 2, 2]]])
    ours = image_miou(p, t, 3)
    module = MeanIoU(num_classes=3, input_format="index")
    module.update(p, t)
    assert ours == pytest.approx((7 / 12 + 1) / 2)
    assert float(module.compute()) == pytest.approx((2 / 3 + 1 / 2 + 1) / 3, rel=1e-6)
    assert abs(ours - float(module.compute())) > 0.05


def test_a_case_where_dataset_and_image_miou_disagree():
    # A small object missed in one image costs image-mIoU a lot and dataset-mIoU little
    t = torch.zeros(2, 10, 10, dtype=torch.long)
    t[0, :5] = 1  # a large region of class 1 in image 0
    t[1, 0, 0] = 1  # one pixel of class 1 in image 1
    p = t.clone()
    p[1, 0, 0] = 0  # miss it
    assert dataset_miou(p, t, 2) > 0.9
    assert image_miou(p, t, 2) < dataset_miou(p, t, 2)


def test_bad_input_raises():
    t = torch.zeros(2, 4, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="same shape"):
        confusion_matrix(t[:, :3], t, 2)
    with pytest.raises(ValueError, match=r"target labels must lie in \[0, 2\)"):
        confusion_matrix(t, t + 2, 2)
    with pytest.raises(ValueError, match=r"preds labels must lie in \[0, 2\)"):
        dataset_miou(t - 1, t, 2)
    with pytest.raises(TypeError, match="integer label tensor"):
        image_miou(t.float(), t, 2)
    with pytest.raises(ValueError, match="not ignored"):
        dataset_miou(t, t + 255, 2, ignore_index=255)
    with pytest.raises(ValueError, match="reduction"):
        image_miou(t, t, 2, reduction="sum")
    with pytest.raises(ValueError, match="num_classes must be >= 1"):
        confusion_matrix(t, t, 0)


def test_ignore_index_outside_range_and_empty():
    t = torch.tensor([[0, 255, 1]])
    p = torch.tensor([[0, 1, 1]])
    assert confusion_matrix(p, t, 2, ignore_index=255).sum() == 2
    assert dataset_miou(p, t, 2, ignore_index=255) == 1.0
    # an image with every pixel ignored is left out of image-mIoU
    t2 = torch.tensor([[[0, 1]], [[255, 255]]])
    assert image_miou(torch.tensor([[[0, 1]], [[0, 0]]]), t2, 2, ignore_index=255, reduction="none").shape == (1,)
    assert confusion_matrix(torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long), 3).sum() == 0


def _brute_boundary_f(p, t, k, d):
    """Per class: boundary pixels from skimage, distances by brute force (Chebyshev)."""
    from skimage.segmentation import find_boundaries

    f_sum, n = 0.0, 0
    for c in range(k):
        hp = hp_n = ht = ht_n = 0
        for pi, ti in zip(p, t):
            bp = torch.as_tensor(find_boundaries((pi == c).numpy(), connectivity=1, mode="inner"))
            bt = torch.as_tensor(find_boundaries((ti == c).numpy(), connectivity=1, mode="inner"))
            cp, ct = bp.nonzero().float(), bt.nonzero().float()
            if len(cp) and len(ct):
                dist = torch.cdist(cp, ct, p=float("inf"))
                hp += int((dist.min(1).values <= d).sum())
                ht += int((dist.min(0).values <= d).sum())
            hp_n += len(cp)
            ht_n += len(ct)
        if hp_n + ht_n == 0:
            continue
        prec = hp / hp_n if hp_n else 0.0
        rec = ht / ht_n if ht_n else 0.0
        f_sum += 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        n += 1
    return f_sum / n


@pytest.mark.parametrize("d", [0, 1, 2])
def test_boundary_f_against_brute_force(generator, d):
    t = torch.zeros(3, 24, 24, dtype=torch.long)
    t[:, 4:15, 5:18] = 1
    t[:, 16:22, 2:9] = 2
    p = t.clone()
    p[0] = torch.roll(p[0], 1, dims=1)  # shift by one pixel
    p[1, 4:15, 5:18] = 0
    p[1, 6:13, 7:16] = 1  # a shrunken square
    p[2] = torch.where(torch.rand(24, 24, generator=generator) < 0.05, 2, p[2])
    ours = boundary_f_score(p, t, 3, tolerance=d)
    assert ours.f_score == pytest.approx(_brute_boundary_f(p, t, 3, d), rel=1e-9)


def test_boundary_f_by_hand():
    # a 1-px shift of a vertical edge: with d = 0 nothing along it matches, with d = 1 all does
    t = torch.zeros(1, 8, 8, dtype=torch.long)
    t[0, :, :4] = 1
    p = torch.roll(t, 1, dims=2)
    p[0, :, 0] = 1  # a shift of the edge only; the image border is no boundary
    assert boundary_f_score(t, t, 2, 0).f_score == 1.0
    assert boundary_f_score(p, t, 2, 0).f_score == 0.0
    assert boundary_f_score(p, t, 2, 1).f_score == 1.0


def test_boundary_f_bad_input():
    t = torch.zeros(1, 4, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="no class has a boundary"):
        boundary_f_score(t, t, 2)
    with pytest.raises(ValueError, match=r"\(B, H, W\)"):
        boundary_f_score(t[0], t[0], 2)
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        boundary_f_score(t, t, 2, tolerance=-1)


def _panoptic_pair(gen):
    h = w = 16
    target = torch.zeros(2, h, w, 2, dtype=torch.long)  # class 0 = stuff (one segment), 1-2 = things
    target[:, 2:7, 2:7] = torch.tensor([1, 1])
    target[:, 9:15, 3:9] = torch.tensor([1, 2])
    target[:, 4:12, 10:15] = torch.tensor([2, 1])
    target[1, 0:2, :] = torch.tensor([3, 0])  # void stripe in image 1
    pred = target.clone()
    pred[1, 0:2, :] = torch.tensor([0, 0])
    pred[0, 9:15, 3:9] = torch.tensor([1, 1])  # two instances merged into one
    pred[1, 4:12, 10:13] = torch.tensor([0, 0])  # a thing mostly lost
    pred[0, 13:16, 12:16] = torch.tensor([2, 7])  # a false positive
    return pred, target


def test_panoptic_quality_equals_torchmetrics(generator):
    from torchmetrics.detection import PanopticQuality

    pred, target = _panoptic_pair(generator)
    ours = panoptic_quality(pred, target, 3, void_index=3)
    # torchmetrics has no void label argument: a target category outside things and stuffs (3 here)
    # is void for it, with the same rules (void pixels leave every IoU; a prediction that is more
    # than half void is no false positive). Its per-class rows are ordered things, then stuffs.
    per_class = PanopticQuality(things={1, 2}, stuffs={0}, return_sq_and_rq=True, return_per_class=True,
                                allow_unknown_preds_category=True)(pred, target)  # (K, 3): pq, sq, rq
    assert_close(ours.per_class_pq[[1, 2, 0]], per_class[:, 0], scale=10, dtype=torch.float32)
    total = PanopticQuality(things={1, 2}, stuffs={0}, return_sq_and_rq=True)(pred, target)
    assert_close(torch.tensor([ours.pq, ours.sq, ours.rq], dtype=torch.float64), total, scale=10, dtype=torch.float32)


def test_panoptic_quality_by_hand():
    # one target segment; the prediction covers 3/4 of it: IoU 0.75, TP -> PQ = SQ = 0.75, RQ = 1
    t = torch.zeros(1, 4, 4, 2, dtype=torch.long)
    t[0, :, :, 0] = 1
    p = t.clone()
    p[0, 3, :, 0] = 0  # the last row becomes class 0 (a false-positive segment of class 0)
    r = panoptic_quality(p, t, 2)
    # class 1: IoU 12/16 = 0.75, TP; class 0: one predicted segment, no target: FP -> PQ 0
    assert r.per_class_pq[1] == pytest.approx(0.75)
    assert r.per_class_pq[0] == 0.0
    assert r.pq == pytest.approx(0.375) and r.rq == pytest.approx((1 + 0) / 2)
    with pytest.raises(ValueError, match=r"\(B, H, W, 2\)"):
        panoptic_quality(p[..., 0], t[..., 0], 2)
    with pytest.raises(ValueError, match="labels must lie"):
        panoptic_quality(p + 5, t, 2)
