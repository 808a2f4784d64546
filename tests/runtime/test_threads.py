"""The one thread policy: CVBOOK_THREADS, default one thread."""
import pytest
import torch

from cvbook.runtime import THREADS_ENV, apply_thread_policy, setup, thread_count


@pytest.fixture
def restore_threads():
    n = torch.get_num_threads()
    yield
    torch.set_num_threads(n)


def test_default_is_one_thread(monkeypatch, restore_threads):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert thread_count() == 1
    torch.set_num_threads(2)
    assert apply_thread_policy() == 1
    assert torch.get_num_threads() == 1


def test_env_sets_the_count(monkeypatch, restore_threads):
    monkeypatch.setenv(THREADS_ENV, "2")
    assert apply_thread_policy() == 2


def test_zero_leaves_torch_alone(monkeypatch, restore_threads):
    torch.set_num_threads(2)
    monkeypatch.setenv(THREADS_ENV, "0")
    assert thread_count() == 0
    assert apply_thread_policy() == 2


@pytest.mark.parametrize("bad", ["two", "-1", "1.5"])
def test_bad_values_raise(monkeypatch, bad):
    monkeypatch.setenv(THREADS_ENV, bad)
    with pytest.raises(ValueError, match="non-negative integer"):
        thread_count()


def test_setup_applies_the_policy(monkeypatch, restore_threads, capsys):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    torch.set_num_threads(2)
    setup(seed=0)
    assert torch.get_num_threads() == 1
    assert "cpu threads: 1" in capsys.readouterr().out
