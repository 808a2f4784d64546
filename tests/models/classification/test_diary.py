import pytest
import torch

from cvbook.analysis import count_params
from cvbook.models.classification.diary import DiaryCNN, DiaryMLP


def test_diary_counts_leave_out_biases():
    # notes 004 l.139-140: 28*28*28*28 + 28*28*10 = 622,496 and (3*3)*8 + (3*3*8)*16 + 7*7*16*10 = 9,064
    assert count_params(DiaryMLP(bias=False)) == 28 * 28 * 28 * 28 + 28 * 28 * 10 == 622_496
    assert count_params(DiaryCNN(pools=2, bias=False)) == 3 * 3 * 8 + 3 * 3 * 8 * 16 + 7 * 7 * 16 * 10 == 9_064
    # with biases: + 784 + 10, and + 8 + 16 + 10
    assert count_params(DiaryMLP()) == 622_496 + 794
    assert count_params(DiaryCNN()) == 9_064 + 34
    # the literal layer list (one pool) leaves a 16 x 14 x 14 map for the classifier
    assert count_params(DiaryCNN(pools=1, bias=False)) == 72 + 1152 + 14 * 14 * 16 * 10


def test_shapes_and_errors():
    x = torch.zeros(3, 1, 28, 28)
    assert DiaryMLP()(x).shape == (3, 10)
    assert DiaryCNN()(x).shape == (3, 10) and DiaryCNN(pools=1)(x).shape == (3, 10)
    with pytest.raises(ValueError, match=r"\(B, 1, 28, 28\)"):
        DiaryCNN()(torch.zeros(3, 28, 28))
    with pytest.raises(ValueError, match="pools must be 1 or 2"):
        DiaryCNN(pools=3)
    with pytest.raises(ValueError, match="positive"):
        DiaryMLP(hidden=0)
