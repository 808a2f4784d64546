import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from cvbook.nn.norm import downsample, small_cnn, train_and_evaluate


def _separable(n, seed):
    # class 1 images are bright, class 0 images are dark: a linear model separates them at once
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    x = torch.rand(n, 1, 8, 8, generator=g) * 0.5 + 0.5 * y.reshape(-1, 1, 1, 1).float()
    return TensorDataset(x, y)


def test_learns_a_separable_problem_and_counts_steps():
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))
    out = train_and_evaluate(model, _separable(64, 0), _separable(40, 1), batch_size=10, lr=0.1, epochs=3, cosine=False)
    assert out["steps"] == 3 * 6  # 64 // 10 = 6 full batches per epoch (drop_last)
    assert out["test_accuracy"] == 100.0 - out["test_error"]
    assert out["test_accuracy"] > 90.0


def test_warmup_sets_the_first_learning_rate():
    model = small_cnn(width=2, num_classes=2)
    out = train_and_evaluate(model, _separable(16, 0), _separable(8, 1), batch_size=4, lr=0.4, epochs=1,
                             warmup_steps=4, warmup_kind="constant", start_factor=0.25, cosine=False)
    # fit records the rate at the start of each epoch: the constant warmup rate 0.25 * 0.4
    assert out["history"].records[0]["lr"] == pytest.approx(0.1)


def test_bad_inputs():
    model = nn.Linear(64, 2)
    with pytest.raises(ValueError, match="batch_size"):
        train_and_evaluate(model, _separable(8, 0), _separable(8, 1), batch_size=0, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="larger than the training set"):
        train_and_evaluate(model, _separable(8, 0), _separable(8, 1), batch_size=9, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="lr"):
        train_and_evaluate(model, _separable(8, 0), _separable(8, 1), batch_size=4, lr=0.0, epochs=1)


def test_downsample_averages_blocks():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    out = downsample(TensorDataset(x, torch.tensor([3])), 2)
    # top-left 2x2 block holds 0, 1, 4, 5: mean 2.5
    assert out.tensors[0].shape == (1, 1, 2, 2) and out.tensors[0][0, 0, 0, 0].item() == 2.5
    assert out.tensors[1].tolist() == [3]
    with pytest.raises(TypeError, match="TensorDataset"):
        downsample([1, 2])
    with pytest.raises(ValueError, match="factor"):
        downsample(TensorDataset(x, torch.tensor([3])), 0)
