"""cvbook.train.early_stopping: the patience rule on hand-made loss sequences."""
import math

import pytest

from cvbook.train import EarlyStopping, EarlyStoppingResult, early_stopping_epoch


def test_stops_after_patience_epochs_without_improvement():
    # best 0.5 at epoch 3; epochs 4, 5, 6 do not beat it -> with patience 3 the rule fires at epoch 6
    losses = [1.0, 0.8, 0.5, 0.6, 0.55, 0.7, 0.1]
    stopper = EarlyStopping(patience=3)
    fired = [stopper.step(v) for v in losses[:6]]
    assert fired == [False, False, False, False, False, True]
    assert (stopper.best_epoch, stopper.best, stopper.stopped_epoch) == (3, 0.5, 6)
    # the later 0.1 is never seen: the rule has stopped
    assert early_stopping_epoch(losses, patience=3) == EarlyStoppingResult(3, 0.5, 6)


def test_improvement_resets_the_counter():
    # 1.0, then two worse, then a new best at epoch 4: the counter restarts, so patience 3 never fires
    losses = [1.0, 1.1, 1.2, 0.9, 1.0, 1.0]
    res = early_stopping_epoch(losses, patience=3)
    assert res == EarlyStoppingResult(best_epoch=4, best=0.9, stopped_epoch=None)


def test_min_delta_ignores_tiny_improvements():
    # 0.999 beats 1.0 by 0.001 < min_delta = 0.01: not an improvement, so the best stays at epoch 1
    losses = [1.0, 0.999, 0.998]
    assert early_stopping_epoch(losses, patience=2, min_delta=0.01) == EarlyStoppingResult(1, 1.0, 3)
    assert early_stopping_epoch(losses, patience=2, min_delta=0.0) == EarlyStoppingResult(3, 0.998, None)


def test_mode_max_for_accuracies():
    accs = [0.5, 0.7, 0.69, 0.7, 0.65]
    # 0.7 at epoch 4 only equals the best (not strictly greater): no improvement
    assert early_stopping_epoch(accs, patience=3, mode="max") == EarlyStoppingResult(2, 0.7, 5)
    assert early_stopping_epoch(accs, patience=3, mode="min") == EarlyStoppingResult(1, 0.5, 4)


def test_monotone_sequence_never_stops():
    losses = [1.0 / k for k in range(1, 20)]
    res = early_stopping_epoch(losses, patience=1)
    assert res.stopped_epoch is None and res.best_epoch == len(losses)


def test_nan_is_never_an_improvement_and_reset_starts_over():
    stopper = EarlyStopping(patience=2)
    assert [stopper.step(v) for v in (1.0, math.nan, math.nan)] == [False, False, True]
    assert stopper.best_epoch == 1
    with pytest.raises(RuntimeError, match="already fired"):
        stopper.step(0.5)
    stopper.reset()
    assert stopper.step(3.0) is False and stopper.best_epoch == 1 and stopper.best == 3.0


def test_single_value_and_degenerate_inputs():
    assert early_stopping_epoch([2.0], patience=1) == EarlyStoppingResult(1, 2.0, None)
    with pytest.raises(ValueError, match="values is empty"):
        early_stopping_epoch([])
    with pytest.raises(ValueError, match="no finite value"):
        early_stopping_epoch([math.nan], patience=1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="patience must be >= 1"):
        EarlyStopping(patience=0)
    with pytest.raises(TypeError, match="patience must be an int"):
        EarlyStopping(patience=2.5)
    with pytest.raises(ValueError, match="min_delta must be >= 0"):
        EarlyStopping(min_delta=-0.1)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        EarlyStopping(mode="lowest")
    with pytest.raises(TypeError, match="value must be a real number"):
        EarlyStopping().step("0.5")
    assert "patience=4" in repr(EarlyStopping(patience=4))
