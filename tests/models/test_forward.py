"""Forward shapes of every registered model, and gradients reaching every parameter (one per family)."""
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from cvbook.models import (Bottleneck, DenseNet, PreActBottleneck, PreActResNet, Res2NetBottleneck,
                           ResNet, ResNeXtBottleneck, SEBottleneck, create, list_models)

CIFAR = {n for n in list_models(task="classification") if "cifar" in n}
MNIST = {"diary_mlp", "diary_cnn"}
# the big siblings (VGG-13/16/19, ResNet-101/152, ...) share code with one tested here; their
# structure is covered by the parameter-count tests
SKIP_FORWARD = {"vgg13", "vgg16", "vgg19", "vgg16_bn", "resnet101", "resnet152", "resnext101_32x8d",
                "densenet169", "efficientnet_b2", "shufflenet_v2_x2_0", "cifar_resnet110",
                "cifar_plain110", "preact_cifar_resnet110"}


def _input(name, b, gen):
    if name in MNIST:
        return torch.rand(b, 1, 28, 28, generator=gen)
    if name in CIFAR:
        return torch.randn(b, 3, 32, 32, generator=gen)
    # AlexNet's pools need >= 63 px, Inception-v3's stem and reductions >= 75 px; the rest run at 32
    side = {"alexnet": 64, "inception_v3": 75}.get(name, 32)
    return torch.randn(b, 3, side, side, generator=gen)  # small inputs: fast on a CPU


@pytest.mark.parametrize("name", sorted(set(list_models(task="classification")) - SKIP_FORWARD))
def test_forward_shape(name, generator):
    kw = {} if name in MNIST else {"num_classes": 7}
    m = create(name, seed=0, **kw).eval()
    with torch.no_grad():
        out = m(_input(name, 1, generator))
    assert out.shape == (1, 10 if name in MNIST else 7)
    assert torch.isfinite(out).all()


GRAD = ["alexnet", "vgg11_bn", "resnet18", "googlenet", "densenet121", "mobilenet_v1", "mobilenet_v2",
        "mobilenet_v3_small", "shufflenet_v1_g3", "shufflenet_v2_x0_5", "squeezenet1_1", "xception",
        "efficientnet_b0"]
# bottleneck families, as one-block-per-stage ResNets built from the same block classes (the
# 50-layer versions repeat these blocks; this keeps the test seconds, not minutes, on a CPU)
SMALL = {"resnet50_v1": (Bottleneck, {"stride_in_1x1": True}), "preact": (None, {}),
         "resnext": (ResNeXtBottleneck, {"groups": 8, "base_width": 8}),
         "se_resnet": (SEBottleneck, {}), "res2net": (Res2NetBottleneck, {"base_width": 26, "scale": 4})}


def _build(name):
    if name in SMALL:
        block, kw = SMALL[name]
        if block is None:
            return PreActResNet(PreActBottleneck, [1, 1, 1, 1], num_classes=5)
        return ResNet(block, [1, 1, 1, 1], num_classes=5, **kw)
    kw = {"aux_logits": True} if name == "googlenet" else {}
    return create(name, num_classes=5, **kw)


@pytest.mark.parametrize("name", GRAD + sorted(SMALL))
def test_gradient_reaches_every_parameter(name, generator):
    torch.manual_seed(0)
    m = _build(name).train()
    out = m(_input(name, 2, generator))
    outs = out if isinstance(out, tuple) else (out,)
    assert len(outs) == (3 if name == "googlenet" else 1)
    sum(o.square().sum() for o in outs).backward()
    grads = {k: p.grad for k, p in m.named_parameters()}
    assert all(g is not None for g in grads.values()), [k for k, g in grads.items() if g is None]
    nonzero = sum(bool(g.abs().sum() > 0) for g in grads.values())
    assert nonzero >= 0.95 * len(grads), (nonzero, len(grads))  # a few dead ReLUs are allowed


def test_mobilenet_v1_matches_the_paper():
    # Howard et al. 2017, Table 8: 1.0 MobileNet-224 has 4.2M parameters and 569M mult-adds
    with torch.device("meta"):
        m = create("mobilenet_v1")
    assert round(sum(p.numel() for p in m.parameters()) / 1e6, 1) == 4.2
    with FlopCounterMode(display=False) as fc:  # counts 2 FLOPs per mult-add of conv/linear
        m(torch.empty(1, 3, 224, 224, device="meta"))
    assert round(fc.get_total_flops() / 2 / 1e6) == 569


def test_xception_matches_the_paper_exactly():
    # Chollet 2017, Table 3: Xception has 22,855,952 parameters (Keras counts trainable ones;
    # BN's running statistics are buffers here, so parameters() is the same set)
    with torch.device("meta"):
        m = create("xception")
    assert sum(p.numel() for p in m.parameters()) == 22_855_952


def test_se_resnet50_adds_the_excitation_parameters():
    # each of the 16 bottlenecks adds fc1 (C*C/16 + C/16) and fc2 (C/16*C + C), C = 4*planes
    blocks = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
    extra = sum(2 * c * (c // 16) + c // 16 + c for c in blocks)
    with torch.device("meta"):
        diff = sum(p.numel() for p in create("se_resnet50").parameters()) - \
            sum(p.numel() for p in create("resnet50").parameters())
    assert diff == extra


def test_resnet_v1_and_v1_5_differ_only_in_stride_placement():
    with torch.device("meta"):  # FLOP counting needs shapes only
        v1, v15 = create("resnet50_v1"), create("resnet50")
        x = torch.empty(1, 3, 224, 224)
    assert [p.shape for p in v1.parameters()] == [p.shape for p in v15.parameters()]
    assert v1.layer2[0].conv1.stride == (2, 2) and v1.layer2[0].conv2.stride == (1, 1)
    assert v15.layer2[0].conv1.stride == (1, 1) and v15.layer2[0].conv2.stride == (2, 2)
    with FlopCounterMode(display=False) as a:
        v1(x)
    with FlopCounterMode(display=False) as b:
        v15(x)
    assert a.get_total_flops() < b.get_total_flops()  # v1 runs the 3x3 on 4x fewer positions


def test_densenet_memory_efficient_gives_same_outputs_and_gradients(generator):
    torch.manual_seed(0)
    a = DenseNet(growth=8, blocks=(3, 3), init_features=16, num_classes=3)
    b = DenseNet(growth=8, blocks=(3, 3), init_features=16, num_classes=3, memory_efficient=True)
    b.load_state_dict(a.state_dict())
    x = torch.randn(2, 3, 32, 32, generator=generator)
    ya, yb = a(x), b(x)
    torch.testing.assert_close(ya, yb)
    ya.sum().backward()
    yb.sum().backward()
    torch.testing.assert_close(a.features.conv0.weight.grad, b.features.conv0.weight.grad,
                               rtol=1e-4, atol=1e-6)


def test_zero_init_residual_zeroes_the_last_bn_of_every_block():
    m = create("resnet18", zero_init_residual=True)
    assert all(b.bn2.weight.abs().sum().item() == 0 for layer in (m.layer1, m.layer4) for b in layer)
    m = create("resnet50", zero_init_residual=True)
    assert m.layer3[2].bn3.weight.abs().sum().item() == 0 and m.bn1.weight.sum().item() == 64
