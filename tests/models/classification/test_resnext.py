"""ResNeXt's three forms (split-sum, split-concat, grouped conv) compute the same function."""
import pytest
import torch

from cvbook.models import ResNet, ResNeXtBottleneck, create, set_resnext_form


def _block(generator, stride=1):
    torch.manual_seed(0)  # module init only; inputs use the fixture's generator
    ds = None
    if stride != 1:
        ds = torch.nn.Sequential(torch.nn.Conv2d(64, 128, 1, stride, bias=False), torch.nn.BatchNorm2d(128))
    # in 64 -> out 128 with cardinality 8 and d = 32*16/64 = 8
    b = ResNeXtBottleneck(64 if stride != 1 else 128, 32, stride, ds, groups=8, base_width=16)
    with torch.no_grad():  # non-trivial BN statistics and affine parameters
        for m in b.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5, generator=generator)
                m.bias.uniform_(-0.5, 0.5, generator=generator)
                m.running_mean.uniform_(-0.5, 0.5, generator=generator)
                m.running_var.uniform_(0.5, 1.5, generator=generator)
    return b


@pytest.mark.parametrize("stride", [1, 2])
def test_three_forms_are_equal_in_eval_mode(generator, stride):
    b = _block(generator, stride).double().eval()
    x = torch.randn(2, b.conv1.in_channels, 8, 8, generator=generator, dtype=torch.float64)
    outs = {}
    for form in ("a", "b", "c"):
        b.form = form
        outs[form] = b(x)
    torch.testing.assert_close(outs["a"], outs["c"], rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(outs["b"], outs["c"], rtol=1e-10, atol=1e-10)


def test_three_forms_are_equal_in_training_mode_with_gradients(generator):
    b = _block(generator).double().train()
    x = torch.randn(4, 128, 6, 6, generator=generator, dtype=torch.float64)
    grads = {}
    for form in ("a", "b", "c"):
        b.form = form
        b.zero_grad()
        out = b(x)
        out.sum().backward()
        grads[form] = (out.detach(), b.conv2.weight.grad.clone(), b.conv1.weight.grad.clone())
    for form in ("a", "b"):
        for u, v in zip(grads[form], grads["c"]):
            torch.testing.assert_close(u, v, rtol=1e-9, atol=1e-10)


def test_set_form_on_a_whole_network(generator):
    net = ResNet(ResNeXtBottleneck, [1, 1, 1, 1], num_classes=5, groups=4, base_width=16).eval()
    x = torch.randn(1, 3, 32, 32, generator=generator)
    ref = net(x)
    for form in ("a", "b"):
        torch.testing.assert_close(set_resnext_form(net, form)(x), ref, rtol=1e-4, atol=1e-5)
    assert all(m.form == "b" for m in net.modules() if isinstance(m, ResNeXtBottleneck))


def test_path_width_of_resnext50_32x4d():
    m = create("resnext50_32x4d")
    first = m.layer1[0]
    assert (first.groups, first.d, first.conv2.out_channels) == (32, 4, 128)


def test_bad_form():
    with pytest.raises(ValueError, match="form must be one of"):
        ResNeXtBottleneck(256, 64, form="d")
    with pytest.raises(ValueError, match="form must be one of"):
        set_resnext_form(torch.nn.Linear(1, 1), "x")
