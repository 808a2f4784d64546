"""Tests for cvbook.train.History: access by key, to_dict, errors, and the plot."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cvbook.plot import PALETTE  # noqa: E402
from cvbook.train import History  # noqa: E402


def make_history(val: bool = True) -> History:
    h = History()
    for e, (tl, ta) in enumerate([(1.0, 0.5), (0.6, 0.7), (0.4, 0.8)], start=1):
        r = {"epoch": e, "train_loss": tl, "train_accuracy": ta, "lr": 0.1, "time_s": 0.01}
        if val:
            r |= {"val_loss": tl + 0.1, "val_accuracy": ta - 0.05}
        h.append(r)
    return h


def test_access_and_to_dict():
    h = make_history()
    assert len(h) == 3
    assert h["train_loss"] == [1.0, 0.6, 0.4]
    assert h["val_accuracy"] == pytest.approx([0.45, 0.65, 0.75])
    d = h.to_dict()
    assert list(d) == ["epoch", "train_loss", "train_accuracy", "lr", "time_s", "val_loss", "val_accuracy"]
    assert all(len(v) == 3 for v in d.values())
    assert d["epoch"] == [1, 2, 3]


def test_append_copies_the_record():
    h = History()
    r = {"epoch": 1, "train_loss": 1.0}
    h.append(r)
    r["train_loss"] = 99.0
    assert h["train_loss"] == [1.0]


def test_missing_keys():
    h = make_history(val=False)
    with pytest.raises(KeyError, match="pass val_loader to fit"):
        h["val_loss"]
    with pytest.raises(TypeError, match="indexed by a key"):
        h[0]


def test_plot_panels_and_lines():
    h = make_history()
    fig = h.plot()
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["train_loss", "val_loss"]
    assert [line.get_label() for line in acc_ax.lines] == ["train_accuracy", "val_accuracy"]
    assert list(loss_ax.lines[1].get_ydata()) == pytest.approx([1.1, 0.7, 0.5])
    assert list(loss_ax.lines[0].get_xdata()) == [1, 2, 3]
    assert loss_ax.lines[0].get_color() == PALETTE[0] and loss_ax.lines[1].get_linestyle() == "--"
    assert loss_ax.get_xlabel() == "epoch" and "loss" in loss_ax.get_ylabel()
    plt.close(fig)


def test_plot_on_given_axis_and_errors():
    h = make_history()
    fig, ax = plt.subplots()
    assert h.plot(keys=["lr"], ax=ax) is fig
    assert [line.get_label() for line in ax.lines] == ["lr"]
    with pytest.raises(ValueError, match="unknown keys \\['nope'\\]"):
        h.plot(keys=["nope"])
    with pytest.raises(ValueError, match="History is empty"):
        History().plot()
    plt.close("all")
