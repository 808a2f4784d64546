"""TinyFCOS: registry, output contract, target assignment by hand, loss, predict, one training step."""
import math

import pytest
import torch

from cvbook.models import create, list_models, model_info
from cvbook.ops import prior_bias


def test_registered_as_detection():
    assert "tiny_fcos" in list_models(task="detection")
    assert model_info("tiny_fcos").task == "detection"


def test_forward_contract_and_prior():
    m = create("tiny_fcos", seed=0, num_classes=3)
    out = m(torch.zeros(2, 1, 64, 64))
    assert [tuple(o.shape) for o in out["cls"]] == [(2, 3, 16, 16), (2, 3, 8, 8), (2, 3, 4, 4)]
    assert [tuple(o.shape) for o in out["box"]] == [(2, 4, 16, 16), (2, 4, 8, 8), (2, 4, 4, 4)]
    assert all((b > 0).all() for b in out["box"])  # distances are positive
    assert math.isclose(m.cls_head.bias[0].item(), prior_bias(0.01), rel_tol=1e-6)
    with pytest.raises(ValueError, match="multiples of 16"):
        m(torch.zeros(1, 1, 60, 64))
    with pytest.raises(ValueError, match="box_loss"):
        create("tiny_fcos", box_loss="l1")


def test_assignment_by_hand():
    m = create("tiny_fcos", seed=0)
    locs = m.locations(64, 64)
    # a 20x20 box centred at (32, 32): largest distance at the centre 10 -> level 0 (m <= 16);
    # positives strictly within 1.5 * 4 = 6 px of the centre; stride-4 cell centres lie at
    # 4k + 2 (..., 26, 30, 34, 38, ...): only 30 and 34 qualify in x and in y -> 2 x 2
    idx, lvl = m.assign(locs, torch.tensor([[22.0, 22.0, 42.0, 42.0]]))
    pos = idx >= 0
    assert pos.sum().item() == 4 and (lvl[pos] == 0).all()
    # a 50x50 box centred at (32, 32): the largest distance is >= 25 > 16 everywhere, so never
    # level 0; stride-8 centres 28, 36 give m = 29 <= 32 (level 1), stride-16 centres 24, 40
    # give m = 33 > 32 (level 2): 2 x 2 positives on each
    idx, lvl = m.assign(locs, torch.tensor([[7.0, 7.0, 57.0, 57.0]]))
    assert lvl[idx >= 0].tolist() == [1] * 4 + [2] * 4
    idx, _ = m.assign(locs, torch.zeros(0, 4))
    assert (idx == -1).all()


def test_center_radius_by_hand():
    m = create("tiny_fcos", seed=0, center_radius=2.5)
    locs = m.locations(64, 64)
    # the 20x20 box centred at (32, 32) again: within 2.5 * 4 = 10 px of the centre, and strictly inside
    # the box (22, 42), lie the stride-4 centres 26, 30, 34, 38 in x and in y -> 4 x 4 positives on level 0
    idx, lvl = m.assign(locs, torch.tensor([[22.0, 22.0, 42.0, 42.0]]))
    assert (idx >= 0).sum().item() == 16 and (lvl[idx >= 0] == 0).all()
    with pytest.raises(ValueError, match="center_radius"):
        create("tiny_fcos", center_radius=0.0)


def test_head_convs_shared_norms_per_level():
    m = create("tiny_fcos", seed=0)
    assert len(m.tower_norms) == len(m.strides) and all(len(n) == len(m.tower) for n in m.tower_norms)
    m.train()
    m(torch.rand(4, 1, 64, 64, generator=torch.Generator().manual_seed(0)))
    # each level's BN saw only its own level's statistics: the running means differ across levels
    means = [norms[0].running_mean for norms in m.tower_norms]
    assert not torch.allclose(means[0], means[1]) and not torch.allclose(means[1], means[2])


def test_loss_step_and_predict():
    m = create("tiny_fcos", seed=0, num_classes=2)
    images = torch.rand(2, 1, 64, 64, generator=torch.Generator().manual_seed(0))
    targets = [{"boxes": torch.tensor([[10.0, 10.0, 30.0, 34.0]]), "labels": torch.tensor([1])},
               {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.long)}]
    loss = m.loss(m(images), targets)
    assert loss.num_pos > 0 and torch.isfinite(loss.total)
    loss.total.backward()
    assert all(p.grad is not None for p in m.cls_head.parameters())
    empty = m.loss(m(images), [targets[1], targets[1]])  # no object at all: a finite loss, no NaN
    assert empty.num_pos == 0 and torch.isfinite(empty.total)
    preds = m.predict(images, score_threshold=0.0)
    assert len(preds) == 2 and set(preds[0]) == {"boxes", "scores", "labels"}
    b = preds[0]["boxes"]
    assert b.shape[1] == 4 and (b[:, 2] >= b[:, 0]).all() and (b >= 0).all() and (b <= 64).all()
    assert len(preds[0]["scores"]) <= 100
    d = m.predict(images, score_threshold=0.0, nms_method="diou")
    assert len(d[0]["scores"]) >= len(preds[0]["scores"]) or len(d[0]["scores"]) == 100
