"""The model registry: create, list_models, register, seeding."""
import pytest
import torch

from cvbook.models import create, list_models, register


def test_list_models_pattern_and_sorted():
    names = list_models("resnet*")
    assert names == sorted(names)
    assert {"resnet18", "resnet50", "resnet152"} <= set(names)
    assert all(n.startswith("resnet") for n in names)
    assert {"diary_mlp", "diary_cnn", "vgg16", "mobilenet_v2"} <= set(list_models())


def test_create_passes_kwargs():
    m = create("cifar_resnet20", num_classes=3)
    assert m.fc.out_features == 3


def test_seed_is_reproducible_and_leaves_global_state_alone():
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    a, b = create("squeezenet1_1", seed=1), create("squeezenet1_1", seed=1)
    assert torch.equal(torch.random.get_rng_state(), before)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    c = create("squeezenet1_1", seed=2)
    assert not torch.equal(next(a.parameters()), next(c.parameters()))


def test_errors():
    with pytest.raises(ValueError, match="unknown model 'resnet51'.*did you mean"):
        create("resnet51")
    with pytest.raises(TypeError, match="model name must be a str"):
        create(50)
    with pytest.raises(TypeError, match="pattern must be a str"):
        list_models(None)
    with pytest.raises(ValueError, match="already registered"):
        register("resnet18")(lambda: None)
