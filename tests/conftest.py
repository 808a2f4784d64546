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


# test folders whose tensors are so small that one thread is faster (10x measured for a CIFAR
# ResNet step on a shared 2-core machine: thread wake-ups cost more than the arithmetic)
SINGLE_THREAD_DIRS = {"models", "nn_blocks"}


@pytest.fixture(autouse=True, scope="module")
def _one_cpu_thread(request):
    """Run the modules under SINGLE_THREAD_DIRS on one CPU thread, then restore the setting."""
    if not SINGLE_THREAD_DIRS & set(request.path.parts):
        yield
        return
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
