"""Tests for cvbook.train.fit / evaluate: learning, exact evaluation, schedulers, no per-batch sync, errors."""
import math

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

from cvbook.train import History, evaluate, fit


def separable_data(n: int, seed: int = 0) -> TensorDataset:
    """2-D points labelled by the side of the line x0 + 2 x1 = 0, with a margin of 0.2 around it."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(4 * n, 2, generator=g)
    score = x[:, 0] + 2 * x[:, 1]
    keep = score.abs() > 0.2 * math.sqrt(5)
    x, score = x[keep][:n], score[keep][:n]
    return TensorDataset(x, (score > 0).long())


def linear_model(seed: int = 0, n_in: int = 2, n_out: int = 2) -> nn.Linear:
    g = torch.Generator().manual_seed(seed)
    model = nn.Linear(n_in, n_out)
    with torch.no_grad():
        model.weight.copy_(torch.randn(n_out, n_in, generator=g) * 0.1)
        model.bias.zero_()
    return model


def loaders(n=200, batch_size=20, seed=0):
    train = DataLoader(separable_data(n, seed), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
    val = DataLoader(separable_data(100, seed + 1), batch_size=50)
    return train, val


def test_fit_learns_separable_problem(device):
    train, val = loaders()
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    h = fit(model, train, val, epochs=6, optimizer=opt, device=device, progress=False)
    assert isinstance(h, History) and len(h) == 6
    assert h["val_accuracy"][-1] >= 0.95  # a separable problem with a margin: a linear model gets it right
    assert h["train_loss"][-1] < h["train_loss"][0] / 2  # the loss comes down
    assert h["epoch"] == list(range(1, 7))
    assert set(h.records[0]) == {"epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "time_s"}
    assert all(0.0 <= a <= 1.0 for a in h["train_accuracy"] + h["val_accuracy"])
    assert not model.training  # left in eval mode
    final = evaluate(model, val)
    assert final.loss == pytest.approx(h["val_loss"][-1], rel=1e-5)


def test_fit_is_deterministic():
    def run():
        train, val = loaders()
        model = linear_model()
        h = fit(model, train, val, epochs=3, optimizer=torch.optim.SGD(model.parameters(), lr=0.3, momentum=0.9), device="cpu", progress=False)
        return [{k: v for k, v in r.items() if k != "time_s"} for r in h.records], model.weight.detach().clone()

    (r1, w1), (r2, w2) = run(), run()
    assert r1 == r2 and torch.equal(w1, w2)


def test_evaluate_matches_hand_computation():
    # Logits are (x0, x1, 0): a bias-free linear map with weight rows e0, e1, 0.
    model = nn.Linear(2, 3, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    ln2 = math.log(2)
    x = torch.tensor([[0.0, 0.0], [ln2, 0.0], [0.0, ln2], [0.0, 0.0]])
    y = torch.tensor([0, 0, 0, 2])
    # Cross-entropy = logsumexp(z) - z_y:
    #   (0, 0, 0),   y=0: ln 3             argmax 0 (first of ties): right
    #   (ln2, 0, 0), y=0: ln 4 - ln 2 = ln 2  argmax 0: right
    #   (0, ln2, 0), y=0: ln 4             argmax 1: wrong
    #   (0, 0, 0),   y=2: ln 3             argmax 0: wrong
    # mean = (2 ln 3 + 3 ln 2) / 4 = ln(72) / 4; accuracy = 2 / 4.
    # Batches of 3 and 1: the mean must weight each batch by its size, not average the batch means.
    loader = DataLoader(TensorDataset(x, y), batch_size=3)
    model.train()
    result = evaluate(model, loader)
    assert result.loss == pytest.approx(math.log(72) / 4, rel=1e-6)
    assert result.accuracy == 0.5
    assert model.training  # mode restored
    # A custom loss_fn is used as given: NLL of log-softmax is cross-entropy again.
    nll = evaluate(model, loader, loss_fn=lambda out, t: nn.functional.nll_loss(out.log_softmax(1), t))
    assert nll.loss == pytest.approx(math.log(72) / 4, rel=1e-6)
    # Without accuracy tracking the field is None, not a made-up number.
    assert evaluate(model, loader, metrics=()).accuracy is None


class CountingScheduler:
    def __init__(self):
        self.steps = 0

    def step(self):
        self.steps += 1


@pytest.mark.parametrize(("per_batch", "expected"), [(True, 3 * 10), (False, 3)])
def test_scheduler_step_counts(per_batch, expected):
    train, _ = loaders(n=200, batch_size=20)  # 10 batches per epoch
    model = linear_model()
    sched = CountingScheduler()
    fit(model, train, epochs=3, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), scheduler=sched,
        step_per_batch=per_batch, device="cpu", progress=False)
    assert sched.steps == expected


def test_lr_recorded_per_epoch_with_real_schedulers():
    train, val = loaders(n=60, batch_size=20)  # 3 batches per epoch
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    h = fit(model, train, epochs=3, optimizer=opt, scheduler=torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5),
            device="cpu", progress=False)
    assert h["lr"] == pytest.approx([0.1, 0.05, 0.025])  # halved after every epoch; recorded at epoch start
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    per_batch = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 0.5**step)
    h = fit(model, train, epochs=3, optimizer=opt, scheduler=per_batch, step_per_batch=True, device="cpu", progress=False)
    assert h["lr"] == pytest.approx([0.1, 0.1 * 0.5**3, 0.1 * 0.5**6])  # 3 steps per epoch

    class Plateau(torch.optim.lr_scheduler.ReduceLROnPlateau):
        seen: list = []

        def step(self, metrics):
            self.seen.append(metrics)
            super().step(metrics)

    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    plateau = Plateau(opt)
    h = fit(model, train, val, epochs=2, optimizer=opt, scheduler=plateau, device="cpu", progress=False)
    assert plateau.seen == h["val_loss"]  # ReduceLROnPlateau is given the validation loss


def test_progress_false_prints_nothing(capfd):
    train, val = loaders(n=40)
    model = linear_model()
    fit(model, train, val, epochs=2, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), device="cpu", progress=False)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    fit(model, train, val, epochs=2, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), device="cpu", progress=True)
    out, err = capfd.readouterr()
    assert "epoch 2/2" in out + err  # the bar is there when asked for (so the check above can fail)


SYNC_CALLS = {"item", "cpu", "tolist", "numpy", "__bool__", "__float__", "__int__", "__index__"}


class SyncCounter(TorchFunctionMode):
    """Counts tensor methods that copy a value to the host (and on a GPU wait for the device)."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in SYNC_CALLS:
            self.count += 1
        return func(*args, **(kwargs or {}))


def count_syncs(batch_size: int, loss_fn=None) -> int:
    train, val = loaders(n=240, batch_size=batch_size)
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with SyncCounter() as counter:
        fit(model, train, val, epochs=2, optimizer=opt, loss_fn=loss_fn, device="cpu", progress=False)
    return counter.count


def test_no_host_sync_per_batch():
    few, many = count_syncs(batch_size=60), count_syncs(batch_size=10)  # 4 vs 24 batches per epoch
    assert few == many  # the number of host syncs does not grow with the number of batches
    assert many <= 2 * 8  # a handful per epoch (train loss, accuracy, val loss, accuracy, sampler, seed)


def test_sync_counter_sees_a_per_batch_item():
    # The counter itself can fail: a loss function that calls .item() on every batch is caught.
    def chatty_loss(out, t):
        loss = nn.functional.cross_entropy(out, t)
        loss.item()
        return loss

    few, many = count_syncs(60, chatty_loss), count_syncs(10, chatty_loss)
    assert many - few == 2 * (24 - 4)  # 2 epochs x 20 more training batches (validation batches are fixed)


def test_metrics_empty_for_regression():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    model = linear_model(n_in=3, n_out=1)
    h = fit(model, DataLoader(TensorDataset(x, y), batch_size=16), epochs=20, metrics=(),
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1), loss_fn=nn.functional.mse_loss,
            device="cpu", progress=False)
    assert "train_accuracy" not in h.records[0]
    assert h["train_loss"][-1] < 0.01 * h["train_loss"][0]


class Empty(IterableDataset):
    def __iter__(self):
        return iter(())


def test_bad_inputs():
    train, _ = loaders(n=40)
    model = linear_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    kw = {"optimizer": opt, "device": "cpu", "progress": False}
    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        fit(model, train, epochs=0, **kw)
    with pytest.raises(TypeError, match="epochs must be an int"):
        fit(model, train, epochs=2.0, **kw)
    with pytest.raises(ValueError, match="train_loader is empty"):
        fit(model, DataLoader(TensorDataset(torch.zeros(0, 2), torch.zeros(0).long()), batch_size=4), epochs=1, **kw)
    with pytest.raises(ValueError, match="val_loader is empty"):
        fit(model, train, [], epochs=1, **kw)
    with pytest.raises(ValueError, match="train_loader yielded no batches"):
        fit(model, DataLoader(Empty(), batch_size=4), epochs=1, **kw)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        fit(model, train, epochs=1, optimizer="sgd", device="cpu")
    with pytest.raises(ValueError, match="step_per_batch=True needs a scheduler"):
        fit(model, train, epochs=1, step_per_batch=True, **kw)
    with pytest.raises(ValueError, match="unknown metrics \\['f1'\\]"):
        fit(model, train, epochs=1, metrics=("f1",), **kw)
    with pytest.raises(ValueError, match="needs a CUDA device"):
        fit(model, train, epochs=1, amp=True, **kw)
    with pytest.raises(TypeError, match="pair \\(inputs, targets\\)"):
        fit(model, [torch.zeros(4, 2)], epochs=1, **kw)
    with pytest.raises(ValueError, match="pass metrics=\\(\\) to skip it"):
        fit(model, [(torch.zeros(4, 2), torch.zeros(4, 2))], epochs=1, loss_fn=nn.functional.mse_loss, **kw)
    with pytest.raises(ValueError, match="loss_fn must return a scalar"):
        fit(model, train, epochs=1, loss_fn=nn.CrossEntropyLoss(reduction="none"), **kw)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        evaluate(lambda x: x, train)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="mixed precision runs on CUDA only")
@pytest.mark.parametrize("amp", [None, "bf16", "fp16"])
def test_mixed_precision_on_cuda(amp):
    if amp == "bf16" and not torch.cuda.is_bf16_supported():
        pytest.skip("this GPU has no bfloat16")
    train, val = loaders()
    model = linear_model()
    h = fit(model, train, val, epochs=6, optimizer=torch.optim.SGD(model.parameters(), lr=0.5), device="cuda",
            amp=amp, progress=False)
    assert h["val_accuracy"][-1] >= 0.95
    assert model.weight.dtype == torch.float32  # autocast keeps the weights in float32
