"""Where data sets live.

Notebooks run with their own folder as working directory, so a relative ``"data"`` would differ per
chapter. :func:`data_root` gives one place for all of them: ``$CVBOOK_DATA`` if set, otherwise the
``data/`` folder at the top of a cvbook checkout, otherwise ``~/.cache/cvbook/data`` (an installed
package, e.g. on Colab).
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_ENV", "data_root", "display_path"]

DATA_ENV = "CVBOOK_DATA"


def data_root() -> Path:
    """The folder data sets are read from (and downloaded to, when a caller asks for a download)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "_config.yml").exists() and (checkout / "cvbook").is_dir():
        return checkout / "data"
    return Path.home() / ".cache" / "cvbook" / "data"


def display_path(path: str | os.PathLike) -> str:
    """``path`` as a reader should see it: relative to the checkout (``data/MNIST``) or to ``~``.

    Printed outputs that nbval compares must not depend on where the repository was cloned.
    """
    p = Path(path).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2]
    for base, prefix in ((checkout, ""), (Path.home(), "~/")):
        try:
            return prefix + p.relative_to(base).as_posix()
        except ValueError:
            continue
    return p.as_posix()
