"""Inception-v3 against torchvision: equal parameter counts, equal state-dict layout, equal outputs."""
import pytest
import torch
import torchvision.models as tvm
from torch import nn

from cvbook.analysis import count_params
from cvbook.models import create
from cvbook.models.classification.inception_v3 import (InceptionA, InceptionB, InceptionC, InceptionD,
                                                       InceptionE, InceptionV3, branch_params)
from cvbook.testing import assert_close


@pytest.mark.parametrize("aux", [True, False])
def test_parameter_count_and_layout_equal_torchvision(aux):
    with torch.device("meta"):
        ours = InceptionV3(aux_logits=aux)
        ref = tvm.inception_v3(weights=None, aux_logits=aux, init_weights=False)
    assert count_params(ours) == count_params(ref)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in ref.state_dict().items()}


def _random_pair(num_classes, generator):
    with torch.device("meta"):
        ours = InceptionV3(num_classes, aux_logits=True)
        ref = tvm.inception_v3(weights=None, num_classes=num_classes, aux_logits=True, init_weights=False)
    ref = ref.to_empty(device="cpu")
    with torch.no_grad():
        for p in ref.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.05)
        for name, b in ref.named_buffers():
            if name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=generator) + 0.5)
            elif name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=generator) * 0.1)
    ours = ours.to_empty(device="cpu")
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def test_outputs_equal_torchvision(generator):
    ours, ref = _random_pair(5, generator)
    x = torch.randn(2, 3, 75, 75, generator=generator)  # torchvision's minimum input size
    f = torch.randn(2, 768, 17, 17, generator=generator)  # the auxiliary head's 17x17 grid (299-px input)
    with torch.no_grad():
        assert_close(ours.eval()(x), ref.eval()(x))
        assert_close(ours.AuxLogits(f), ref.AuxLogits(f))
    assert ours.AuxLogits(f).shape == (2, 5)


def test_registry_and_training_outputs():
    m = create("inception_v3", seed=0, num_classes=3, aux_logits=False)
    assert isinstance(m, InceptionV3) and m.AuxLogits is None
    m.train()
    assert m(torch.zeros(2, 3, 75, 75)).shape == (2, 3)  # no aux head: plain logits in training too


@pytest.mark.parametrize("block,args,convs", [
    # branch chains (out, k_h, k_w): the modules' own layout, counted by hand
    (InceptionA, (192, 32), [[(64, 1, 1)], [(48, 1, 1), (64, 5, 5)], [(64, 1, 1), (96, 3, 3), (96, 3, 3)], [(32, 1, 1)]]),
    (InceptionB, (288,), [[(384, 3, 3)], [(64, 1, 1), (96, 3, 3), (96, 3, 3)]]),
    (InceptionC, (768, 128), [[(192, 1, 1)], [(128, 1, 1), (128, 1, 7), (192, 7, 1)],
                              [(128, 1, 1), (128, 7, 1), (128, 1, 7), (128, 7, 1), (192, 1, 7)], [(192, 1, 1)]]),
    (InceptionD, (768,), [[(192, 1, 1), (320, 3, 3)], [(192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3)]]),
])
def test_branch_params_formula(block, args, convs):
    assert count_params(block(*args)) == sum(branch_params(args[0], c) for c in convs)


def test_branch_params_by_hand():
    # 5x5 (C -> C) against two 3x3: 25 C^2 vs 18 C^2 weights, plus 2C BN parameters per unit
    c = 16
    assert branch_params(c, [(c, 5, 5)]) == 25 * c * c + 2 * c
    assert branch_params(c, [(c, 3, 3), (c, 3, 3)]) == 18 * c * c + 4 * c
    assert branch_params(c, []) == 0  # a pooling branch
    e = InceptionE(1280)
    # the split 1x3 / 3x1 pairs read the same input: not a chain, counted as two chains here
    split = 2 * branch_params(384, [(384, 1, 3)])
    assert count_params(e) == (branch_params(1280, [(320, 1, 1)]) + branch_params(1280, [(384, 1, 1)]) + split
                               + branch_params(1280, [(448, 1, 1), (384, 3, 3)]) + split
                               + branch_params(1280, [(192, 1, 1)]))


def test_errors():
    with pytest.raises(ValueError, match="H, W >= 75"):
        InceptionV3(4, aux_logits=False)(torch.zeros(1, 3, 64, 64))
    with pytest.raises(ValueError, match="num_classes must be >= 1"):
        InceptionV3(0)
    with pytest.raises(ValueError, match=r"\(out_channels, k_h, k_w\)"):
        branch_params(8, [(8, 3)])
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        branch_params(0, [(8, 3, 3)])
    assert isinstance(InceptionA(8, 4).branch_pool, nn.Module)
