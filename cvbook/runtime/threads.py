"""The book's one thread policy.

The book's models are small. On a CPU, the arithmetic of one small convolution is cheaper than
waking a second thread, and on a shared 2-core machine a second thread waits for a busy core: a
CIFAR ResNet step ran 10-20x faster on one thread than on two there. So the book runs on **one
CPU thread** unless told otherwise:

- ``CVBOOK_THREADS=N`` sets N threads (``0`` leaves torch's own default alone);
- on a CUDA machine the policy still applies to the host-side work; the GPU is unaffected.

:func:`cvbook.runtime.setup` (the first cell of every notebook) and the test suite's
``conftest.py`` apply it once; nothing else in the book calls ``torch.set_num_threads``.

Taught in: book/authoring.md ("Threads").
"""
from __future__ import annotations

import os

import torch

__all__ = ["THREADS_ENV", "DEFAULT_THREADS", "thread_count", "apply_thread_policy"]

THREADS_ENV = "CVBOOK_THREADS"
DEFAULT_THREADS = 1


def thread_count() -> int:
    """The number of CPU threads the policy asks for (``0``: torch's default, left unchanged).

    Raises:
        ValueError: ``CVBOOK_THREADS`` is set to something other than a non-negative integer.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return DEFAULT_THREADS
    try:
        n = int(raw)
    except ValueError:
        raise ValueError(f"{THREADS_ENV} must be a non-negative integer, got {raw!r}") from None
    if n < 0:
        raise ValueError(f"{THREADS_ENV} must be a non-negative integer, got {raw!r}")
    return n


def apply_thread_policy() -> int:
    """Set torch's intra-op thread count from the policy; return the count now in force."""
    n = thread_count()
    if n > 0 and torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return torch.get_num_threads()
