"""train_and_evaluate: a separable task learnt, the warm-up schedule, bad input; downsample."""
import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from cvbook.data import downsample
from cvbook.data import small_benchmark
from cvbook.models import create, small_cnn
from cvbook.train import train_and_evaluate


def _separable(n, seed):
    # class 1 images are bright, class 0 images are dark: a linear model separates them at once
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    x = torch.rand(n, 1, 8, 8, generator=g) * 0.5 + 0.5 * y.reshape(-1, 1, 1, 1).float()
    return TensorDataset(x, y)


def test_learns_a_separable_problem_and_counts_steps():
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 2))
    out = train_and_evaluate(model, _separable(64, 0), _separable(40, 1), batch_size=10, lr=0.1, epochs=3, cosine=False)
    assert out.steps == 3 * 6  # 64 // 10 = 6 full batches per epoch (drop_last)
    assert out.test_accuracy == 100.0 - out.test_error
    assert out.test_accuracy > 90.0


def test_warmup_sets_the_first_learning_rate():
    model = small_cnn(width=2, num_classes=2)
    out = train_and_evaluate(model, _separable(16, 0), _separable(8, 1), batch_size=4, lr=0.4, epochs=1,
                             warmup_steps=4, warmup_kind="constant", start_factor=0.25, cosine=False)
    # fit records the rate at the start of each epoch: the constant warmup rate 0.25 * 0.4
    assert out.history.records[0]["lr"] == pytest.approx(0.1)


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


def test_eval_each_epoch_scores_the_test_set_in_the_history():
    b = small_benchmark(32, 16, seed=0, size=8)
    out = train_and_evaluate(create("cifar_resnet20", seed=0, num_classes=len(b.classes)), b.train, b.test,
                             batch_size=16, lr=0.1, epochs=2, drop_last=False, eval_each_epoch=True)
    assert len(out.history) == 2 and out.steps == 2 * 2  # 32 / 16 batches per epoch, none dropped
    assert all(0.0 <= a <= 1.0 for a in out.history["val_accuracy"])
    # the last epoch's validation accuracy is the returned test accuracy (same model, same test set)
    assert out.history["val_accuracy"][-1] * 100.0 == pytest.approx(out.test_accuracy)
