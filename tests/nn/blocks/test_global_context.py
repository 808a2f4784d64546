"""GC block and non-local block against hand-written computations, torch's attention, FlopCounterMode."""
import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from cvbook.analysis import count_flops, count_params
from cvbook.nn.blocks.global_context import GlobalContextBlock
from cvbook.nn.blocks.non_local import NonLocalBlock
from cvbook.testing import assert_close


def _oracle_flops(m, x):
    with FlopCounterMode(display=False) as fc, torch.no_grad():
        m(x)
    return fc.get_total_flops()


def test_gc_matches_manual_formula(dtype, generator):
    gc = GlobalContextBlock(6, 3).to(dtype)
    x = torch.randn(2, 6, 4, 5, generator=generator, dtype=dtype)
    xf = x.flatten(2)  # (B, C, N)
    logits = torch.einsum("c,bcn->bn", gc.conv_mask.weight.view(6), xf) + gc.conv_mask.bias
    a = torch.softmax(logits, dim=1)  # (B, N)
    ctx = torch.einsum("bcn,bn->bc", xf, a)  # attention pooling
    conv1, ln, _, conv2 = gc.transform
    t = ctx @ conv1.weight.view(3, 6).T + conv1.bias
    t = F.layer_norm(t, (3,), ln.weight.view(3), ln.bias.view(3), ln.eps)  # LN over the P channels
    t = torch.relu(t) @ conv2.weight.view(6, 3).T + conv2.bias
    assert_close(gc(x), x + t[:, :, None, None])
    assert_close(gc.last_attention, a)
    assert_close(gc.last_attention.sum(1), torch.ones(2, dtype=dtype))


def test_gc_context_is_query_independent(generator):
    # the same vector is added at every position: out - x is constant over (H, W)
    gc = GlobalContextBlock(4, 2)
    x = torch.randn(1, 4, 5, 5, generator=generator)
    d = gc(x) - x
    assert_close(d, d[:, :, :1, :1].expand_as(d))


def test_non_local_matches_scaled_dot_product_attention(dtype, generator):
    nl = NonLocalBlock(6, 4).to(dtype)
    x = torch.randn(2, 6, 3, 4, generator=generator, dtype=dtype)
    q = nl.theta(x).flatten(2).transpose(1, 2)
    k = nl.phi(x).flatten(2).transpose(1, 2)
    v = nl.g(x).flatten(2).transpose(1, 2)
    y = F.scaled_dot_product_attention(q, k, v, scale=1.0)  # embedded Gaussian: no 1/sqrt(d) scaling
    ref = x + nl.w_z(y.transpose(1, 2).reshape(2, 4, 3, 4))
    assert_close(nl(x), ref)
    assert nl.last_attention.shape == (2, 12, 12)
    assert_close(nl.last_attention.sum(-1), torch.ones(2, 12, dtype=dtype))


@pytest.mark.parametrize("c,p", [(16, 4), (64, 4), (32, 32)])
def test_parameter_and_flop_formulas(c, p, generator):
    b, h, w = 2, 5, 3
    n = h * w
    x = torch.randn(b, c, h, w, generator=generator)
    gc, nl = GlobalContextBlock(c, p), NonLocalBlock(c, p)
    # GC: W_k (C + 1), two 1x1 convs with bias (2CP + P + C), LN affine (2P)
    assert count_params(gc) == (c + 1) + 2 * c * p + 3 * p + c
    # non-local: theta, phi, g (3 (CC' + C')), W_z (C'C + C)
    assert count_params(nl) == 4 * c * p + 3 * p + c
    # GC: mask conv 2BCN + pooling 2BCN + bottleneck 4BCP; NL: 8BNCC' + 4BN^2C'
    assert count_flops(gc, x) == _oracle_flops(gc, x) == 4 * b * c * n + 4 * b * c * p
    assert count_flops(nl, x) == _oracle_flops(nl, x) == 8 * b * n * c * p + 4 * b * n * n * p


def test_gradcheck(generator):
    x = torch.randn(2, 4, 3, 3, generator=generator, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(GlobalContextBlock(4, 2).double(), (x,))
    assert torch.autograd.gradcheck(NonLocalBlock(4, 2).double(), (x,))


def test_single_position():
    # one position: softmax weight 1, the context is the feature vector itself; NL attends to itself
    gc, nl = GlobalContextBlock(3, 2), NonLocalBlock(3)
    x = torch.randn(2, 3, 1, 1)
    gc(x)
    nl(x)
    assert_close(gc.context(x), x)
    assert_close(nl.last_attention, torch.ones(2, 1, 1))


def test_errors():
    with pytest.raises(ValueError, match="channels must be >= 1"):
        GlobalContextBlock(0, 2)
    with pytest.raises(ValueError, match="squeeze_channels must be >= 1"):
        GlobalContextBlock(4, 0)
    with pytest.raises(TypeError, match="inner_channels must be an int"):
        NonLocalBlock(4, 2.0)
    for m in (GlobalContextBlock(4, 2), NonLocalBlock(4)):
        with pytest.raises(ValueError, match=r"expected \(B, 4, H, W\)"):
            m(torch.randn(2, 3, 4, 4))
        with pytest.raises(ValueError, match="non-empty"):
            m(torch.randn(2, 4, 0, 3))
