"""Where data sets live.

Notebooks run with their own folder as working directory, so a relative ``"data"`` would differ per
chapter. :func:`data_root` gives one place for all of them: ``$CVBOOK_DATA`` if set, otherwise the
``data/`` folder at the top of a cvbook checkout, otherwise ``~/.cache/cvbook/data`` (an installed
package, e.g. on Colab).
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_ENV", "data_root"]

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
