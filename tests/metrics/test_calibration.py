"""ECE against torchmetrics' multiclass calibration error and a hand-worked case."""
import pytest
import torch
from torchmetrics.functional.classification import multiclass_calibration_error

from cvbook.metrics import expected_calibration_error, reliability_bins
from cvbook.testing import assert_close


@pytest.mark.parametrize("n_bins", [1, 5, 15])
def test_ece_matches_torchmetrics(dtype, generator, n_bins):
    logits = torch.randn(300, 4, generator=generator) * 2
    probs = logits.softmax(1).to(dtype)
    labels = torch.randint(0, 4, (300,), generator=generator)
    # random float confidences never sit exactly on a bin edge, where the two conventions differ
    expected = multiclass_calibration_error(probs.float(), labels, num_classes=4, n_bins=n_bins, norm="l1")
    assert_close(expected_calibration_error(probs, labels, n_bins), expected.to(dtype), dtype=torch.float32)


def test_ece_hand_worked():
    # 2 bins: (0, 0.5] and (0.5, 1]. Top-1 confidences 0.9, 0.8 (right), 0.7 (wrong) in bin 2:
    # acc 2/3, conf 0.8, gap 0.1333; 0.5 (exactly on the edge -> bin 1, (lo, hi]) and wrong: gap 0.5.
    # ECE = 3/4 * (0.8 - 2/3) + 1/4 * 0.5 = 0.1 + 0.125 = 0.225
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.5, 0.5]], dtype=torch.float64)
    labels = torch.tensor([0, 1, 1, 1])          # the last row's argmax is class 0 (first max): wrong
    bins = reliability_bins(probs, labels, n_bins=2)
    assert bins.count.tolist() == [1, 3]
    assert_close(bins.accuracy, torch.tensor([0.0, 2 / 3], dtype=torch.float64))
    assert_close(bins.confidence, torch.tensor([0.5, 0.8], dtype=torch.float64))
    assert bins.ece == pytest.approx(0.225)
    assert expected_calibration_error(probs, labels, 2).item() == pytest.approx(0.225)


def test_perfectly_confident_and_right_is_zero_and_empty_bins_are_zero():
    probs = torch.eye(3, dtype=torch.float64)
    assert expected_calibration_error(probs, torch.arange(3)).item() == 0.0
    bins = reliability_bins(probs, torch.arange(3), 10)
    assert bins.count.sum() == 3 and bins.count[-1] == 3 and (bins.accuracy[:-1] == 0).all()
    assert bins.edges.shape == (11,)


def test_ece_bad_input():
    with pytest.raises(ValueError, match="empty"):
        expected_calibration_error(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match="softmax"):
        expected_calibration_error(torch.randn(4, 3) * 5, torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="one entry per row"):
        expected_calibration_error(torch.full((4, 2), 0.5), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="n_bins"):
        expected_calibration_error(torch.full((4, 2), 0.5), torch.zeros(4, dtype=torch.long), n_bins=0)
    with pytest.raises(ValueError, match="probs must have shape"):
        expected_calibration_error(torch.full((4,), 0.5), torch.zeros(4, dtype=torch.long))
