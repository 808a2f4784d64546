"""Run these tests on one CPU thread: their tensors are small, and on a shared 2-core machine
thread wake-ups cost more than the arithmetic (a 10x difference measured for a CIFAR ResNet step)."""
import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def _one_cpu_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
