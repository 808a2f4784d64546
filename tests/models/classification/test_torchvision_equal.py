"""Our architectures against torchvision: equal parameter counts and shapes, and equal outputs.

Counts are taken on the meta device (no memory, no initialisation), so even VGG-19 is instant.
For the functional check, both models are built on meta, materialised, torchvision's get seeded
random weights, and ours receive the same tensors in registration order: equal outputs then
mean the same layers are wired the same way.
"""
import math

import pytest
import torch
import torchvision.models as tvm
from torch import nn

from cvbook.models import create, list_models

TV_NAMES = [n for n in list_models() if hasattr(tvm, n) and callable(getattr(tvm, n))]


def _count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def _shapes(m: nn.Module) -> list:
    return sorted(tuple(p.shape) for p in m.parameters())


def _tv(name: str, **kw) -> nn.Module:
    if name == "googlenet":
        kw.setdefault("aux_logits", False)
        kw.setdefault("init_weights", False)
    if name == "inception_v3":
        kw.setdefault("init_weights", False)  # torchvision's scipy truncated-normal init is slow and warns
    return getattr(tvm, name)(weights=None, **kw)


def test_every_torchvision_family_is_covered():
    families = {"alexnet", "vgg16", "resnet50", "resnext50_32x4d", "densenet121", "googlenet",
                "mobilenet_v2", "mobilenet_v3_large", "shufflenet_v2_x1_0", "squeezenet1_0",
                "efficientnet_b0"}
    assert families <= set(TV_NAMES)


@pytest.mark.parametrize("name", TV_NAMES)
def test_parameter_count_equals_torchvision(name):
    with torch.device("meta"):
        ours, ref = create(name), _tv(name)
    assert _count(ours) == _count(ref)
    assert _shapes(ours) == _shapes(ref)


def test_googlenet_with_aux_heads_matches_torchvision():
    with torch.device("meta"):
        ours = create("googlenet", aux_logits=True)
        ref = _tv("googlenet", aux_logits=True)
    assert _count(ours) == _count(ref)  # 13,004,888 in torchvision 0.17+


def _materialise(model: nn.Module, gen: torch.Generator) -> nn.Module:
    model = model.to_empty(device="cpu")
    tensors = list(model.named_parameters()) + list(model.named_buffers())
    noise = torch.randn(sum(t.numel() for _, t in tensors), generator=gen)  # one draw, sliced
    offset = 0
    with torch.no_grad():
        for name, t in tensors:
            z = noise[offset:offset + t.numel()].view(t.shape)
            offset += t.numel()
            if t.dtype == torch.long:  # num_batches_tracked
                t.zero_()
            elif "running_var" in name:
                t.copy_(1 + 0.1 * z.abs())
            elif t.dim() > 1:  # He-style scale keeps activations O(1) through depth
                t.copy_(z * math.sqrt(2.0 / t[0].numel()))
            elif name.endswith("weight"):  # BN gamma
                t.copy_(1 + 0.1 * z)
            else:  # biases, BN beta, running_mean
                t.copy_(0.1 * z)
    return model


# one model per family (the others differ only in configuration, covered by the counts above)
FUNCTIONAL = ["resnet18", "resnext50_32x4d", "densenet121", "googlenet", "mobilenet_v2",
              "mobilenet_v3_small", "efficientnet_b0", "shufflenet_v2_x0_5", "squeezenet1_1"]


@pytest.mark.parametrize("name", FUNCTIONAL)
def test_same_function_as_torchvision(name):
    g = torch.Generator().manual_seed(0)
    with torch.device("meta"):
        ours, ref = create(name, num_classes=10), _tv(name, num_classes=10)
    ref = _materialise(ref, g).eval()
    ours = ours.to_empty(device="cpu").eval()
    src = list(ref.state_dict().values())
    dst = ours.state_dict()
    assert len(src) == len(dst)
    ours.load_state_dict({k: s for k, s in zip(dst, src)})  # raises on any shape mismatch
    x = torch.randn(1, 3, 32, 32, generator=g)  # eval mode: batch 1 is fine
    with torch.no_grad():
        torch.testing.assert_close(ours(x), ref(x), rtol=1e-4, atol=1e-5)
