"""Shared fixtures: dtype and device parametrisation (in the manner of kornia's tests)."""
import pytest
import torch

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(params=[torch.float32, torch.float64], ids=["float32", "float64"])
def dtype(request) -> torch.dtype:
    return request.param


@pytest.fixture(params=DEVICES)
def device(request) -> torch.device:
    return torch.device(request.param)


@pytest.fixture
def generator() -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(0)
    return g


@pytest.fixture(autouse=True, scope="session")
def _thread_policy():
    """The book's one thread policy (cvbook.runtime.threads) for the whole session, as setup() applies it."""
    from cvbook.runtime import apply_thread_policy

    apply_thread_policy()
    yield
