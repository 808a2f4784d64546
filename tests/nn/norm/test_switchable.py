import pytest
import torch

from cvbook.nn.norm import SwitchNorm2d, group_norm, instance_norm


def _with_logits(mean_logits, var_logits):
    sn = SwitchNorm2d(4).double()
    with torch.no_grad():
        sn.mean_weight.copy_(torch.tensor(mean_logits))
        sn.var_weight.copy_(torch.tensor(var_logits))
    return sn


def _bn(x):  # batch statistics per channel, biased variance, eps 1e-5
    m = x.mean(dim=(0, 2, 3), keepdim=True)
    v = x.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    return (x - m) / torch.sqrt(v + 1e-5)


@pytest.mark.parametrize("which", ["in", "ln", "bn"])
def test_one_hot_weights_select_one_normaliser(which):
    x = torch.randn(3, 4, 5, 5, dtype=torch.float64) * 2 + 1
    logits = [50.0 if k == which else -50.0 for k in SwitchNorm2d.ORDER]  # softmax is one-hot to 1e-43
    y = _with_logits(logits, logits)(x)
    expected = {"in": instance_norm(x), "ln": group_norm(x, 1), "bn": _bn(x)}[which]
    torch.testing.assert_close(y, expected)


def test_equal_weights_average_the_statistics():
    x = torch.randn(2, 4, 3, 3, dtype=torch.float64)
    sn = _with_logits([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    stats = sn.statistics(x)
    mean = sum(s[0] for s in stats.values()) / 3
    var = sum(s[1] for s in stats.values()) / 3
    sn.running_mean.zero_()
    torch.testing.assert_close(sn(x), (x - mean) / torch.sqrt(var + 1e-5))


def test_eval_uses_running_bn_statistics_and_grads_flow():
    sn = _with_logits([-50.0, -50.0, 50.0], [-50.0, -50.0, 50.0])
    x = torch.randn(4, 4, 3, 3, dtype=torch.float64, requires_grad=True)
    sn(x).sum().backward()
    assert sn.mean_weight.grad is not None and x.grad is not None
    sn.eval()
    sn.running_mean.fill_(1.0)
    sn.running_var.fill_(4.0)
    torch.testing.assert_close(sn(x.detach()), (x.detach() - 1.0) / torch.sqrt(torch.tensor(4.0 + 1e-5, dtype=torch.float64)))


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"\(N, 4, H, W\)"):
        SwitchNorm2d(4)(torch.randn(2, 3, 2, 2))
    with pytest.raises(ValueError, match="momentum"):
        SwitchNorm2d(4, momentum=2.0)
