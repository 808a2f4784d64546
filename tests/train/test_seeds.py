"""cvbook.train.repeat and SeedStats: results over seeds."""
import math
import statistics
from dataclasses import dataclass

import pytest
import torch

from cvbook.train import SeedStats, default_seeds, repeat


def test_repeat_calls_once_per_seed_in_order():
    seen = []
    runs = repeat(lambda s: seen.append(s) or float(s), seeds=[4, 1, 7])
    assert seen == [4, 1, 7]
    assert runs.seeds == (4, 1, 7)
    assert runs.stat().values == (4.0, 1.0, 7.0)


def test_stats_match_the_statistics_module():
    values = [0.91, 0.87, 0.95, 0.90]
    st = SeedStats(values=tuple(values), seeds=(0, 1, 2, 3))
    assert math.isclose(st.mean, statistics.mean(values))
    assert math.isclose(st.std, statistics.stdev(values))  # sample std, ddof = 1
    assert st.min == 0.87 and st.max == 0.95
    assert st.format(".1f", scale=100) == f"{statistics.mean(values) * 100:.1f} ± {statistics.stdev(values) * 100:.1f}"


def test_single_seed_has_zero_std():
    assert repeat(lambda s: 2.0, seeds=1).stat().std == 0.0


def test_keys_for_mappings_dataclasses_and_functions():
    @dataclass(frozen=True)
    class R:
        acc: float
        loss: float

    runs = repeat(lambda s: R(acc=s / 10, loss=1 - s / 10), seeds=3)
    assert runs.stat("acc").values == (0.0, 0.1, 0.2)
    assert runs.stat(lambda r: r.acc + r.loss).values == (1.0, 1.0, 1.0)
    runs_d = repeat(lambda s: {"acc": s}, seeds=2)
    assert runs_d.stat("acc").values == (0.0, 1.0)
    with pytest.raises(KeyError):
        runs.stat("missing")
    assert runs.all(lambda r: r.loss > r.acc)
    assert runs.fraction(lambda r: r.acc > 0.05) == pytest.approx(2 / 3)


def test_runs_are_reproducible_from_the_seed():
    fn = lambda s: torch.rand(1, generator=torch.Generator().manual_seed(s)).item()
    assert repeat(fn, seeds=3).stat().values == repeat(fn, seeds=3).stat().values


def test_default_seeds_by_mode(monkeypatch):
    monkeypatch.setenv("CVBOOK_MODE", "fast")
    assert default_seeds() == (0, 1, 2)
    monkeypatch.setenv("CVBOOK_MODE", "full")
    assert default_seeds() == (0, 1, 2, 3, 4)


@pytest.mark.parametrize("seeds, err", [([], ValueError), ([1, 1], ValueError), ([-1], ValueError),
                                        ("012", TypeError), (0, ValueError), (2.5, TypeError)])
def test_bad_seeds(seeds, err):
    with pytest.raises(err):
        repeat(lambda s: 0.0, seeds=seeds)


def test_fn_must_be_callable_and_return_numbers():
    with pytest.raises(TypeError, match="callable"):
        repeat(3, seeds=2)
    with pytest.raises(TypeError, match="real number"):
        repeat(lambda s: "x", seeds=2).stat()
