"""Reliability diagram: bars at the bins' accuracies, the gap drawn, bad lengths refused."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from cvbook.plot import reliability_diagram  # noqa: E402


def test_bars_have_the_bins_accuracies_and_skip_empty_bins():
    edges = torch.linspace(0, 1, 5)
    acc, conf, count = torch.tensor([0.0, 0.3, 0.6, 0.9]), torch.tensor([0.0, 0.4, 0.6, 0.8]), torch.tensor([0, 2, 5, 9])
    fig, ax = plt.subplots()
    reliability_diagram(ax, edges, acc, conf, count, title="t")
    bars = ax.containers[0]
    assert [round(b.get_height(), 6) for b in bars] == [0.3, 0.6, 0.9]            # the empty first bin is not drawn
    assert np.allclose([b.get_x() for b in bars], [0.25, 0.5, 0.75])
    gaps = ax.containers[1]
    assert np.allclose([b.get_height() for b in gaps], [0.1, 0.0, 0.1])
    assert np.allclose([b.get_y() for b in gaps], [0.3, 0.6, 0.8])
    assert ax.get_xlabel() == "confidence" and ax.get_title() == "t"
    plt.close(fig)


def test_bad_lengths():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="B \\+ 1 edges"):
        reliability_diagram(ax, np.linspace(0, 1, 4), [0.1] * 4, [0.1] * 4, [1] * 4)
    with pytest.raises(ValueError, match="one-dimensional"):
        reliability_diagram(ax, np.zeros((2, 2)), [0.1], [0.1], [1])
    plt.close(fig)
