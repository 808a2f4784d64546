"""One-shot search driver: single-path training, per-path evaluation (against inherited subnets), the whole run."""
import pytest
import torch
from scipy.stats import kendalltau

from cvbook.experiments.papers.nas import SEARCH_OPS, evaluate_paths, run_one_shot_search, train_single_path
from cvbook.models.classification.supernet import Supernet
from cvbook.train.bn_recalibration import recalibrate_bn


def _data(generator, n=40):
    x = torch.rand(n, 1, 8, 8, generator=generator)
    y = (x.mean(dim=(1, 2, 3)) > 0.5).long()   # a learnable two-class rule
    return x, y


def test_supernet_training_samples_valid_paths_reproducibly(generator):
    x, y = _data(generator)
    a, b = Supernet(width=4, ops=SEARCH_OPS), Supernet(width=4, ops=SEARCH_OPS)
    pa = train_single_path(a, x, y, steps=12, batch_size=8, generator=3)
    pb = train_single_path(b, x, y, steps=12, batch_size=8, generator=3)
    assert pa == pb and len(pa) == 12 and all(p in a.all_paths() for p in pa)
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(va, vb), k


def test_training_lowers_the_loss_and_zero_steps_change_nothing(generator):
    x, y = _data(generator, 64)
    net = Supernet(width=4, num_layers=2, ops=("conv3x3", "skip"), num_classes=2).subnet((0, 1))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    assert train_single_path(net, x, y, steps=0) == []
    assert all(torch.equal(v, before[k]) for k, v in net.state_dict().items())
    def loss():
        with torch.no_grad():
            return float(torch.nn.functional.cross_entropy(net.eval()(x), y))

    l0 = loss()
    assert train_single_path(net, x, y, steps=60, batch_size=16, lr=1e-2, generator=0) == [None] * 60
    assert loss() < l0


def test_evaluate_paths_matches_inherited_subnets(generator):
    x, y = _data(generator, 48)
    net = Supernet(width=4, num_layers=2, ops=("conv3x3", "sep3x3", "skip"), num_classes=2)
    train_single_path(net, x, y, steps=10, batch_size=8, generator=1)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    xv, yv, xr = x[:20], y[:20], x[20:]
    shared = evaluate_paths(net, xv, yv)
    recal = evaluate_paths(net, xv, yv, x_recal=xr, batch_size=14)
    assert shared.shape == recal.shape == (net.num_paths,)
    assert all(torch.equal(v, state[k]) for k, v in net.state_dict().items())   # the supernet is left unchanged
    for i, p in enumerate(net.all_paths()):
        sub = net.subnet(p, inherit=True).eval()
        with torch.no_grad():
            assert float((sub(xv).argmax(1) == yv).double().mean()) == shared[i]
        recalibrate_bn(sub, xr.split(14))   # the same batches, on the stand-alone copy
        with torch.no_grad():
            assert float((sub.eval()(xv).argmax(1) == yv).double().mean()) == recal[i]
    assert evaluate_paths(net, xv, yv, paths=[(2, 0)]).tolist() == [shared[net.all_paths().index((2, 0))]]


def test_whole_search_is_consistent():
    r = run_one_shot_search(0, supernet_steps=4, standalone_steps=2, k=3, width=2, n_recal=64)
    assert len(r.paths) == 27 and r.op_names == SEARCH_OPS
    assert r.shared_acc.shape == r.recal_acc.shape == (27,)
    assert r.searched == r.paths[int(r.recal_acc.argmax())] == r.standalone_paths[0]
    assert len(set(r.standalone_paths)) == 3
    assert r.supernet_acc.tolist() == [float(r.recal_acc[r.paths.index(p)]) for p in r.standalone_paths]
    expected = kendalltau(r.supernet_acc.numpy(), r.standalone_acc.numpy()).statistic
    assert r.tau == pytest.approx(expected, rel=1e-12, abs=1e-12, nan_ok=True)
    assert r.best_standalone == float(r.standalone_acc.max())
    assert r.random_standalone == pytest.approx(float(r.standalone_acc[1:].mean()), rel=1e-12)
    assert r.recal_gain == pytest.approx(float((r.recal_acc - r.shared_acc).mean()), rel=1e-12, abs=1e-15)


def test_errors(generator):
    x, y = _data(generator, 8)
    net = Supernet(width=2)
    with pytest.raises(ValueError, match="steps must be >= 0"):
        train_single_path(net, x, y, steps=-1)
    with pytest.raises(ValueError, match=r"x must be \(N, C, H, W\)"):
        train_single_path(net, x[:, 0], y, steps=1)
    with pytest.raises(ValueError, match="at least 2 training images"):
        train_single_path(net, x[:1], y[:1], steps=1)
    with pytest.raises(TypeError, match="supernet must be a Supernet"):
        evaluate_paths(net.subnet((0, 0, 0)), x, y)
    with pytest.raises(ValueError, match="k must be <= 27"):
        run_one_shot_search(0, supernet_steps=0, standalone_steps=0, k=28, width=2)
