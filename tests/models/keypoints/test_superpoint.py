"""MagicPoint and SuperPoint: the paper's layer widths, output shapes, unit descriptors, registry."""
import pytest
import torch
from torch import nn

from cvbook.models import create, list_models, model_info
from cvbook.models.keypoints import MagicPoint, SuperPoint

SMALL = {"widths": (4, 4, 8, 8), "head_channels": 8}


def test_registered_under_keypoints():
    assert {"magicpoint", "superpoint"} <= set(list_models(task="keypoints"))
    assert model_info("magicpoint").task == "keypoints"


def test_encoder_is_the_papers_vgg_stack():
    m = create("magicpoint", seed=0)
    convs = [c.out_channels for c in m.encoder if isinstance(c, nn.Conv2d)]
    assert convs == [64, 64, 64, 64, 128, 128, 128, 128]
    assert sum(isinstance(c, nn.MaxPool2d) for c in m.encoder) == 3
    head = [c.out_channels for c in m.detector if isinstance(c, nn.Conv2d)]
    assert head == [256, 65]


def test_shapes_for_120x160():
    # the diary's (15, 20, 65): 120 / 8 = 15, 160 / 8 = 20
    m = create("magicpoint", seed=0).eval()
    with torch.no_grad():
        out = m(torch.rand(1, 1, 120, 160, generator=torch.Generator().manual_seed(0)))
    assert out.shape == (1, 65, 15, 20) and torch.isfinite(out).all()


def test_superpoint_descriptors_are_unit_length(generator):
    m = create("superpoint", seed=0, **SMALL).eval()
    with torch.no_grad():
        logits, desc = m(torch.rand(2, 1, 32, 48, generator=generator))
    assert logits.shape == (2, 65, 4, 6) and desc.shape == (2, 256, 4, 6)
    torch.testing.assert_close(desc.norm(dim=1), torch.ones(2, 4, 6))


def test_full_width_superpoint_shapes():
    m = create("superpoint", seed=0).eval()
    with torch.no_grad():
        logits, desc = m(torch.zeros(1, 1, 16, 16))
    assert logits.shape == (1, 65, 2, 2) and desc.shape == (1, 256, 2, 2)


def test_seeded_creation_is_reproducible_and_gradients_flow(generator):
    a, b = create("magicpoint", seed=3, **SMALL), create("magicpoint", seed=3, **SMALL)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    x = torch.rand(2, 1, 16, 16, generator=generator)
    a(x).logsumexp(1).sum().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in a.parameters())


def test_bad_input():
    with pytest.raises(ValueError, match="multiples of 8"):
        MagicPoint(**SMALL)(torch.zeros(1, 1, 12, 16))
    with pytest.raises(ValueError, match="4 stage widths"):
        MagicPoint(widths=(8, 8))
    with pytest.raises(ValueError, match="shape"):
        SuperPoint(**SMALL)(torch.zeros(1, 16, 16))
