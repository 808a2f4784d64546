import json
import random

import numpy as np
import pytest
import torch

from cvbook import runtime
from cvbook.runtime import by_mode, data_used, get_device, get_mode, is_fast, make_generator, record_data, seed_everything, setup


def test_mode_reads_the_environment(monkeypatch):
    monkeypatch.setenv("CVBOOK_MODE", "full")
    assert get_mode() == "full" and not is_fast()
    assert by_mode(fast=1, full=30) == 30
    monkeypatch.setenv("CVBOOK_MODE", " FAST ")
    assert get_mode() == "fast" and is_fast()
    assert by_mode(fast=1, full=30) == 1


def test_mode_default_follows_cuda(monkeypatch):
    monkeypatch.delenv("CVBOOK_MODE", raising=False)
    assert get_mode() == ("full" if torch.cuda.is_available() else "fast")


def test_bad_mode_and_mixed_types_are_refused(monkeypatch):
    monkeypatch.setenv("CVBOOK_MODE", "medium")
    with pytest.raises(ValueError, match="CVBOOK_MODE must be one of"):
        get_mode()
    monkeypatch.setenv("CVBOOK_MODE", "fast")
    with pytest.raises(TypeError, match="values of one type"):
        by_mode(fast=1, full=2.0)


def test_device_choice(monkeypatch):
    monkeypatch.delenv("CVBOOK_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert get_device().type == expected
    assert get_device("cpu") == torch.device("cpu")
    monkeypatch.setenv("CVBOOK_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_unavailable_device_is_an_error():
    with pytest.raises(ValueError, match="CUDA is not available"):
        get_device("cuda")


def test_seed_everything_makes_all_three_generators_repeat():
    g = seed_everything(123)
    a = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g).item())
    g = seed_everything(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g).item())
    assert a == b


def test_make_generator():
    g = torch.Generator().manual_seed(5)
    assert make_generator(g) is g
    assert torch.equal(torch.rand(3, generator=make_generator(7)), torch.rand(3, generator=make_generator(7)))
    assert torch.equal(torch.rand(3, generator=make_generator(None)), torch.rand(3, generator=make_generator(0)))
    with pytest.raises(TypeError, match="seed must be an int"):
        make_generator(1.5)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        seed_everything(-1)


def test_setup_prints_mode_device_and_versions(capsys, monkeypatch):
    monkeypatch.setenv("CVBOOK_MODE", "fast")
    env = setup(seed=3)
    out = capsys.readouterr().out
    for word in ("mode: fast", "device:", "torch:", "torchvision:", "cvbook:"):
        assert word in out
    assert env.fast and env.seed == 3 and isinstance(env.generator, torch.Generator)


def test_record_data_writes_the_pipeline_file(tmp_path, monkeypatch):
    path = tmp_path / "data.json"
    monkeypatch.setenv("CVBOOK_RECORD", str(path))
    record_data("toy set A")
    record_data("toy set A")  # recorded once
    record_data("toy set B")
    assert json.loads(path.read_text()) == ["toy set A", "toy set B"]
    assert data_used()[-2:] == ["toy set A", "toy set B"]
    with pytest.raises(TypeError, match="non-empty string"):
        record_data("")


def test_public_names_are_exported():
    for name in runtime.__all__:
        assert hasattr(runtime, name)


def test_data_root(monkeypatch, tmp_path):
    from cvbook.runtime import data_root

    monkeypatch.setenv("CVBOOK_DATA", str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.delenv("CVBOOK_DATA")
    # in a checkout, the data folder sits next to _config.yml, whatever the working directory
    root = data_root()
    assert root.name == "data" and (root.parent / "_config.yml").exists()


def test_display_path_hides_the_clone_location(tmp_path):
    from pathlib import Path

    from cvbook.runtime import data_root, display_path

    assert display_path(data_root() / "MNIST") == "data/MNIST"  # relative to the checkout
    assert display_path(Path.home() / "x" / "y") == "~/x/y"
