"""The registry's task metadata."""
import pytest
from torch import nn

from cvbook.models import TASKS, create, list_models, model_info, register


def test_every_model_has_a_known_task():
    for name in list_models():
        assert model_info(name).task in TASKS


def test_tasks_partition_the_registry():
    by_task = [set(list_models(task=t)) for t in TASKS]
    assert set().union(*by_task) == set(list_models())
    assert sum(len(s) for s in by_task) == len(list_models())
    assert "resnet18" in list_models(task="classification")


def test_register_with_a_task_and_create(monkeypatch):
    from cvbook.models import registry

    # a private copy of the registry, so the test model is not seen by other tests
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))

    @register("_test_tiny_seg", task="segmentation")
    def tiny(num_classes: int = 2) -> nn.Module:
        return nn.Conv2d(1, num_classes, 1)

    assert "_test_tiny_seg" in list_models(task="segmentation")
    assert "_test_tiny_seg" not in list_models(task="classification")
    assert isinstance(create("_test_tiny_seg", num_classes=3), nn.Conv2d)


def test_bad_tasks_and_names():
    with pytest.raises(ValueError, match="task must be one of"):
        register("_x", task="tracking")
    with pytest.raises(ValueError, match="task must be one of"):
        list_models(task="tracking")
    with pytest.raises(ValueError, match="unknown model"):
        model_info("resnet_18")
    with pytest.raises(TypeError):
        model_info(18)
