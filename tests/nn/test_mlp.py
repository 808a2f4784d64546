import pytest
import torch

from cvbook.nn import ScratchMLP, linear_backward, relu_backward, softmax_cross_entropy_backward


def _data(g):
    return torch.randn(16, 7, generator=g, dtype=torch.float64), torch.randint(0, 4, (16,), generator=g)


def test_backprop_matches_autograd(generator):
    x, y = _data(generator)
    net = ScratchMLP(7, 11, 4, generator=generator)
    net.loss(x, y)
    ours = net.backward(y)
    params = {k: v.clone().requires_grad_(True) for k, v in net.params.items()}
    z = torch.relu(x @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]
    torch.nn.functional.cross_entropy(z, y).backward()
    for k in params:
        assert torch.allclose(ours[k], params[k].grad, atol=1e-12), k


def test_backprop_matches_finite_differences(generator):
    # Central differences (L(p + h) - L(p - h)) / 2h on every entry, h = 1e-6, in float64.
    x, y = _data(generator)
    net = ScratchMLP(7, 5, 4, generator=generator)
    net.loss(x, y)
    grads = net.backward(y)
    h = 1e-6
    for k, p in net.params.items():
        num = torch.zeros_like(p)
        for i in range(p.numel()):
            old = p.view(-1)[i].item()
            p.view(-1)[i] = old + h
            up = net.loss(x, y).item()
            p.view(-1)[i] = old - h
            down = net.loss(x, y).item()
            p.view(-1)[i] = old
            num.view(-1)[i] = (up - down) / (2 * h)
        assert torch.allclose(grads[k], num, atol=1e-7), k


def test_building_blocks_gradcheck():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 4, generator=g, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 4, generator=g, dtype=torch.float64, requires_grad=True)
    dout = torch.randn(3, 2, generator=g, dtype=torch.float64)
    (x @ w.T).backward(dout)
    dx, dw, db = linear_backward(dout, x.detach(), w.detach())
    assert torch.allclose(dx, x.grad) and torch.allclose(dw, w.grad) and torch.allclose(db, dout.sum(0))
    z = torch.tensor([-1.0, 0.0, 2.0])
    assert torch.equal(relu_backward(torch.ones(3), z), torch.tensor([0.0, 0.0, 1.0]))
    logits = torch.randn(5, 3, generator=g, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0, 2, 1, 1, 0])
    torch.nn.functional.cross_entropy(logits, y).backward()
    assert torch.allclose(softmax_cross_entropy_backward(logits.detach(), y), logits.grad)


def test_training_reduces_loss(generator):
    x, y = _data(generator)
    net = ScratchMLP(7, 32, 4, generator=generator)
    first = net.loss(x, y).item()
    for _ in range(200):
        net.loss(x, y)
        net.sgd_step(net.backward(y), lr=0.5)
    assert net.loss(x, y).item() < 0.5 * first


def test_bad_input():
    net = ScratchMLP(3, 4, 2)
    with pytest.raises(ValueError, match=r"expected x of shape \(N, 3\)"):
        net.forward(torch.zeros(2, 5, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="call forward"):
        net.backward(torch.zeros(2, dtype=torch.int64))
    with pytest.raises(ValueError, match="hidden must be >= 1"):
        ScratchMLP(3, 0, 2)
