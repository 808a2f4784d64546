import pytest
import torch

from cvbook.testing import tolerance
from torch import nn

from cvbook.nn.norm import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNormFunction,
    batch_norm,
    batch_norm_backward_staged,
    convert_batchnorm,
)


def _pair(c, dtype, **kw):
    ours, ref = BatchNorm2d(c, dtype=dtype, **kw), nn.BatchNorm2d(c, dtype=dtype, **kw)
    if ours.affine:
        with torch.no_grad():
            w = torch.linspace(0.5, 2.0, c, dtype=dtype)
            for m in (ours, ref):
                m.weight.copy_(w)
                m.bias.copy_(-w / 3)
    return ours, ref


def test_gradcheck_function():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 3, 3, 2, dtype=torch.float64, generator=g, requires_grad=True)
    w = torch.rand(3, dtype=torch.float64, generator=g).add(0.5).requires_grad_()
    b = torch.randn(3, dtype=torch.float64, generator=g, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w, b: BatchNormFunction.apply(x, w, b, 1e-5)[0], (x, w, b))
    # no affine parameters, and a 2D input (N, C)
    x2 = torch.randn(6, 4, dtype=torch.float64, generator=g, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: BatchNormFunction.apply(x, None, None, 1e-5)[0], (x2,))


@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_matches_torch_over_training_steps(dtype, momentum):
    ours, ref = _pair(3, dtype, momentum=momentum)
    g = torch.Generator().manual_seed(1)
    tol = dict(atol=1e-5, rtol=1e-4) if dtype == torch.float32 else dict(atol=1e-11, rtol=1e-9)
    for step in range(4):
        x = (torch.randn(5, 3, 4, 4, generator=g) * (step + 1) + step).to(dtype)
        r = torch.randn(5, 3, 4, 4, generator=g).to(dtype)
        xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
        ya, yb = ours(xa), ref(xb)
        torch.testing.assert_close(ya, yb, **tol)
        (ya * r).sum().backward()
        (yb * r).sum().backward()
        torch.testing.assert_close(xa.grad, xb.grad, **tol)
        torch.testing.assert_close(ours.weight.grad, ref.weight.grad, **tol)
        torch.testing.assert_close(ours.bias.grad, ref.bias.grad, **tol)
        ours.zero_grad()
        ref.zero_grad()
    torch.testing.assert_close(ours.running_mean, ref.running_mean, **tol)
    torch.testing.assert_close(ours.running_var, ref.running_var, **tol)
    assert int(ours.num_batches_tracked) == int(ref.num_batches_tracked) == 4
    ours.eval()
    ref.eval()
    x = torch.randn(2, 3, 4, 4, generator=g).to(dtype)
    torch.testing.assert_close(ours(x), ref(x), **tol)


@pytest.mark.parametrize("kw", [dict(affine=False), dict(track_running_stats=False)])
def test_options_match_torch(kw):
    ours, ref = _pair(2, torch.float64, **kw)
    x = torch.randn(3, 2, 5, 5, dtype=torch.float64)
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        getattr(ref, mode)()
        torch.testing.assert_close(ours(x), ref(x))


def test_state_dict_keys_and_loading():
    ours, ref = BatchNorm2d(4), nn.BatchNorm2d(4)
    assert list(ours.state_dict().keys()) == list(ref.state_dict().keys())
    ref.train()
    ref(torch.randn(8, 4, 3, 3))
    ours.load_state_dict(ref.state_dict())
    torch.testing.assert_close(ours.running_var, ref.running_var)


def test_staged_backward_matches_autograd_and_compact():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(4, 3, 2, 2, dtype=torch.float64, generator=g, requires_grad=True)
    gamma = torch.rand(3, dtype=torch.float64, generator=g).add(0.5)
    dy = torch.randn(4, 3, 2, 2, dtype=torch.float64, generator=g)
    # the same graph built from primitive ops, with the intermediates kept
    mean = x.mean(dim=(0, 2, 3))
    mean.retain_grad()
    var = ((x - mean.reshape(1, -1, 1, 1)) ** 2).mean(dim=(0, 2, 3))
    var.retain_grad()
    x_hat = (x - mean.reshape(1, -1, 1, 1)) / torch.sqrt(var.reshape(1, -1, 1, 1) + 1e-5)
    x_hat.retain_grad()
    (x_hat * gamma.reshape(1, -1, 1, 1) * dy).sum().backward()
    s = batch_norm_backward_staged(x.detach(), gamma, dy)
    torch.testing.assert_close(s.dx_hat, x_hat.grad)
    torch.testing.assert_close(s.dvar, var.grad)
    torch.testing.assert_close(s.dmean, mean.grad)
    torch.testing.assert_close(s.dx, x.grad)
    # and the compact formula of the autograd Function gives the same dx
    xx = x.detach().clone().requires_grad_()
    (BatchNormFunction.apply(xx, gamma, None, 1e-5)[0] * dy).sum().backward()
    torch.testing.assert_close(xx.grad, s.dx)


def test_swap_into_resnet(dtype):
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    ref = torchvision.models.resnet18(num_classes=5).to(dtype)
    ours = convert_batchnorm(torchvision.models.resnet18(num_classes=5).to(dtype))
    ours.load_state_dict(ref.state_dict())
    assert sum(isinstance(m, BatchNorm2d) for m in ours.modules()) == 20
    assert not any(type(m) is nn.BatchNorm2d for m in ours.modules())
    x = torch.randn(4, 3, 32, 32, dtype=dtype)
    # 20 BN layers deep, two training steps: float32 reductions reorder between builds and thread
    # counts, and the error compounds through the depth, so the table's bound is scaled by 100
    # (float32: rtol 1e-2 relative to the largest entry; a wrong formula errs by O(1)).
    # float64 keeps a scale of 100 too (1e-8), far below any formula error.
    rtol, atol = tolerance(dtype, scale=100)
    tol = dict(atol=atol * 10, rtol=rtol)
    for _ in range(2):
        ya, yb = ours(x), ref(x)
        torch.testing.assert_close(ya, yb, **tol)
        ya.square().sum().backward()
        yb.square().sum().backward()
    rel = rtol
    for (na, pa), (_, pb) in zip(ours.named_parameters(), ref.named_parameters()):
        # float32 sums over a deep graph differ in the last bits: compare relative to the largest entry
        assert (pa.grad - pb.grad).abs().max() <= rel * pb.grad.abs().max(), na
    torch.testing.assert_close(ours.layer1[0].bn1.running_var, ref.layer1[0].bn1.running_var, **tol)


def test_batchnorm1d_matches_torch():
    ours, ref = BatchNorm1d(6, dtype=torch.float64), nn.BatchNorm1d(6, dtype=torch.float64)
    x = torch.randn(10, 6, dtype=torch.float64)
    torch.testing.assert_close(ours(x), ref(x))
    torch.testing.assert_close(ours.running_var, ref.running_var)


def test_batch_of_one_fails_like_torch():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm2d(3)(torch.randn(1, 3, 1, 1))
    # but one image with several pixels is allowed (m = H*W > 1)
    assert BatchNorm2d(3)(torch.randn(1, 3, 2, 2)).shape == (1, 3, 2, 2)


def test_bad_inputs():
    with pytest.raises(ValueError, match="4D input"):
        BatchNorm2d(3)(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match="expects 3 channels"):
        BatchNorm2d(3)(torch.randn(2, 4, 2, 2))
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm2d(0)
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm2d(2, momentum=1.5)
    with pytest.raises(ValueError, match="running_mean"):
        batch_norm(torch.randn(2, 3), None, None, training=False)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        batch_norm(torch.randn(2, 3), torch.zeros(4), torch.ones(4))
    with pytest.raises(ValueError, match="same shape"):
        batch_norm_backward_staged(torch.randn(2, 3), torch.ones(3), torch.randn(3, 3))
    with pytest.raises(TypeError, match="nn.Module"):
        convert_batchnorm("resnet")
