"""Distance from the border and recall by that distance, against hand counts."""
import pytest
import torch

from cvbook.experiments.ch06_segmentation import border_distance, recall_by_border_distance


def test_border_distance_by_hand():
    d = border_distance(5, 6)
    assert d[2, 2] == 2 and d[2, 3] == 2 and d[1, 4] == 1 and d[0, 3] == 0 and d[4, 5] == 0
    assert d.shape == (5, 6) and int(d.max()) == 2
    assert border_distance(1, 1).tolist() == [[0]]


def test_recall_by_distance_by_hand():
    target = torch.zeros(1, 6, 6, dtype=torch.int64)
    target[0, :, 0] = 1           # 6 object pixels at d = 0
    target[0, 2:4, 2:4] = 2       # 4 object pixels at d = 2
    preds = target.clone()
    preds[0, :3, 0] = 0           # 3 of the 6 border pixels missed
    preds[0, 2, 2] = 1            # 1 of the 4 inner pixels given the wrong class
    rec = recall_by_border_distance(preds, target, 2)
    assert rec.dtype == torch.float64
    assert rec.tolist() == [0.5, 0.0, 0.75]  # bins d = 0, d = 1 (no object pixel: 0), d >= 2


def test_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        recall_by_border_distance(torch.zeros(1, 4, 4, dtype=torch.long), torch.zeros(1, 4, 5, dtype=torch.long), 2)
    with pytest.raises(ValueError):
        recall_by_border_distance(torch.zeros(1, 4, 4, dtype=torch.long), torch.zeros(1, 4, 4, dtype=torch.long), 0)
    with pytest.raises(ValueError):
        border_distance(0, 3)
