"""The chapter-7 disk cache: computes once, loads after, recomputes on a new key, can be switched off."""
import pytest
import torch

from cvbook.experiments.ch07_superpoint.cache import cache_dir, cached, source_fingerprint


def test_cached_computes_once_then_loads(monkeypatch, tmp_path):
    monkeypatch.setenv("CVBOOK_CACHE", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"w": torch.arange(3.0)}

    first = cached("unit", ("recipe", 0), compute)
    second = cached("unit", ("recipe", 0), compute)
    assert len(calls) == 1 and torch.equal(first["w"], second["w"])
    cached("unit", ("recipe", 1), compute)  # another key: computed again
    assert len(calls) == 2 and len(list(tmp_path.glob("unit-*.pt"))) == 2
    assert not list(tmp_path.glob("*.tmp"))  # written atomically, no leftovers


def test_a_damaged_file_is_recomputed(monkeypatch, tmp_path):
    monkeypatch.setenv("CVBOOK_CACHE", str(tmp_path))
    cached("unit", 7, lambda: 1)
    (path,) = tmp_path.glob("unit-*.pt")
    path.write_bytes(b"not a torch file")
    assert cached("unit", 7, lambda: 2) == 2


def test_cache_off_always_computes(monkeypatch):
    monkeypatch.setenv("CVBOOK_CACHE", "off")
    assert cache_dir() is None
    calls = []
    for _ in range(2):
        cached("unit", 0, lambda: calls.append(1))
    assert len(calls) == 2


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        cached("a/b", 0, lambda: 0)
    with pytest.raises(ValueError, match="no 'nowhere.py'"):
        source_fingerprint(["nowhere.py"])


def test_fingerprint_is_a_stable_digest():
    assert source_fingerprint() == source_fingerprint() and len(source_fingerprint()) == 64
    assert source_fingerprint(["ops/keypoints.py"]) != source_fingerprint(["ops/matching.py"])
