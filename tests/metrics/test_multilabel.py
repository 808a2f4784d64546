"""Multi-label AP, F1 and subset accuracy against scikit-learn and torchmetrics, hand-worked cases."""
import math
import warnings

import numpy as np
import pytest
import torch
from sklearn.metrics import (accuracy_score, average_precision_score, f1_score, precision_recall_curve,
                             precision_score, recall_score)
from torchmetrics.functional.classification import multilabel_average_precision as tm_ap

from cvbook.metrics import best_thresholds, multilabel_average_precision, multilabel_scores
from cvbook.testing import assert_close


def _data(generator, n=200, c=5, grid=None, dtype=torch.float64):
    s = torch.rand(n, c, generator=generator, dtype=torch.float64)
    if grid is not None:
        s = (s * grid).round() / grid  # coarse scores: many ties
    t = (torch.rand(n, c, generator=generator) < 0.35).long()
    t[0] = 1  # every class has a positive
    return s.to(dtype), t


@pytest.mark.parametrize("grid", [None, 10, 3])
def test_ap_matches_sklearn_and_torchmetrics(dtype, generator, grid):
    s, t = _data(generator, grid=grid, dtype=dtype)
    ap = multilabel_average_precision(s, t)
    expected = torch.from_numpy(average_precision_score(t.numpy(), s.double().numpy(), average=None))
    assert_close(ap.per_class, expected, dtype=torch.float64)
    # torchmetrics shares scikit-learn's convention, ties included (computed in float32)
    assert_close(ap.per_class.float(), tm_ap(s.float(), t, num_labels=5, average=None), dtype=torch.float32)
    assert ap.mean == pytest.approx(average_precision_score(t.numpy(), s.double().numpy(), average="macro"))


def test_ap_hand_worked_and_ties():
    # ranks 1..4 with labels 1,0,1,0: recall steps 1/2 at precision 1 and 1/2 at precision 2/3 -> 5/6
    s = torch.tensor([[0.9], [0.8], [0.7], [0.6]])
    assert multilabel_average_precision(s, torch.tensor([[1], [0], [1], [0]])).per_class.item() == pytest.approx(5 / 6)
    # two tied scores, one positive: one threshold, precision 1/2 at recall 1 -> 0.5
    # (a "rank" AP that orders ties by index would give 1.0 here)
    tie = multilabel_average_precision(torch.tensor([[0.5], [0.5]]), torch.tensor([[1], [0]]))
    assert tie.per_class.item() == pytest.approx(0.5)
    # monotone transforms of the scores leave AP unchanged (logits vs probabilities)
    g = torch.Generator().manual_seed(0)
    z = torch.randn(50, 3, generator=g, dtype=torch.float64)
    y = (torch.rand(50, 3, generator=g) < 0.5).long()
    assert_close(multilabel_average_precision(z, y).per_class, multilabel_average_precision(z.sigmoid(), y).per_class)


def test_class_without_positives_scores_zero_and_counts_in_the_mean(generator):
    s, t = _data(generator, c=3)
    t[:, 1] = 0
    with pytest.warns(UserWarning, match=r"classes \[1\] have no positive"):
        ap = multilabel_average_precision(s, t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = average_precision_score(t.numpy(), s.numpy(), average=None)
        expected_mean = average_precision_score(t.numpy(), s.numpy(), average="macro")
    assert ap.per_class[1] == 0.0 and np.allclose(ap.per_class.numpy(), expected)
    assert ap.mean == pytest.approx(expected_mean) and ap.mean == pytest.approx(float(ap.per_class.mean()))
    # no images at all: every class lacks positives
    with pytest.warns(UserWarning):
        empty = multilabel_average_precision(torch.zeros(0, 2), torch.zeros(0, 2))
    assert empty.per_class.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("zero_division", [0.0, 1.0])
def test_scores_match_sklearn(dtype, generator, zero_division):
    s, t = _data(generator, grid=10, dtype=dtype)
    t[5] = 0  # an image without labels
    s[5] = 0.0  # ... and without predictions: 0/0 -> zero_division
    r = multilabel_scores(s, t, 0.5, zero_division=zero_division)
    pred = (s >= 0.5).numpy()
    kw = dict(zero_division=zero_division)
    assert r.example_f1 == pytest.approx(f1_score(t.numpy(), pred, average="samples", **kw))
    assert r.subset_accuracy == pytest.approx(accuracy_score(t.numpy(), pred))
    assert np.allclose(r.precision.numpy(), precision_score(t.numpy(), pred, average=None, **kw))
    assert np.allclose(r.recall.numpy(), recall_score(t.numpy(), pred, average=None, **kw))
    assert np.allclose(r.f1.numpy(), f1_score(t.numpy(), pred, average=None, **kw))
    assert r.threshold.tolist() == [0.5] * 5


def test_per_class_thresholds_and_hand_worked_f1():
    # image 0: truth {0, 1}, predicted {0} -> F1 = 2*1/(2+1) = 2/3; image 1: truth {1}, predicted {1} -> 1
    s = torch.tensor([[0.9, 0.4], [0.1, 0.7]])
    t = torch.tensor([[1, 1], [0, 1]])
    r = multilabel_scores(s, t, torch.tensor([0.5, 0.5]))
    assert r.example_f1 == pytest.approx((2 / 3 + 1) / 2) and r.subset_accuracy == 0.5
    # a lower threshold for class 1 gets both images right
    r2 = multilabel_scores(s, t, torch.tensor([0.5, 0.3]))
    assert r2.example_f1 == 1.0 and r2.subset_accuracy == 1.0
    # a score exactly at the threshold is a positive prediction (>=)
    assert multilabel_scores(s, t, 0.4).recall[1] == 1.0


def test_best_thresholds_maximise_each_class_f1(generator):
    s, t = _data(generator, grid=20)
    th = best_thresholds(s, t)
    chosen = multilabel_scores(s, t, th)
    for c in range(s.shape[1]):
        p, r, _ = precision_recall_curve(t[:, c].numpy(), s[:, c].numpy())
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.nan_to_num(2 * p * r / (p + r))
        assert chosen.f1[c].item() == pytest.approx(f1.max())
        assert th[c].item() in s[:, c].tolist()
    # a class without positives is never predicted
    t[:, 0] = 0
    assert math.isinf(best_thresholds(s, t)[0].item())


def test_bad_input():
    s, t = torch.rand(4, 2), torch.ones(4, 2)
    with pytest.raises(ValueError, match=r"both be \(N, C\)"):
        multilabel_average_precision(s, torch.ones(4, 3))
    with pytest.raises(ValueError, match=r"both be \(N, C\)"):
        multilabel_scores(torch.rand(4), torch.ones(4))
    with pytest.raises(TypeError, match="floating point"):
        multilabel_average_precision(torch.ones(4, 2, dtype=torch.long), t)
    with pytest.raises(TypeError, match="Tensors"):
        multilabel_scores(s.numpy(), t)
    with pytest.raises(ValueError, match="finite"):
        best_thresholds(torch.tensor([[float("nan")]]), torch.ones(1, 1))
    with pytest.raises(ValueError, match="multi-hot"):
        multilabel_average_precision(s, 2 * t)
    with pytest.raises(ValueError, match="C >= 1"):
        multilabel_average_precision(torch.zeros(3, 0), torch.zeros(3, 0))
    with pytest.raises(ValueError, match=r"Tensor\[2\]"):
        multilabel_scores(s, t, torch.tensor([0.5, 0.5, 0.5]))
    with pytest.raises(TypeError, match="bool"):
        multilabel_scores(s, t, True)
