"""Numbers in prose: compute them in a cell, glue them, cite them in markdown.

``glue("n_iter", 100)`` shows the value under the cell and stores it in the notebook; the markdown
``{glue:text}`n_iter``` is replaced by the value when Jupyter Book builds the page. Outside a
Jupyter Book toolchain (e.g. on Colab without myst-nb) the value is simply displayed.
"""
from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = ["glue", "as_python_scalar"]


def as_python_scalar(value: object) -> object:
    """Turn a one-element tensor or NumPy scalar into a Python number; leave anything else as it is.

    Glued numbers must be plain ``int``/``float`` so that ``{glue:text}`key:.2f``` can format them.
    """
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(f"only one-element tensors can be glued as numbers, got shape {tuple(value.shape)}")
        return value.item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def glue(name: str, value: object, display: bool = True) -> object:
    """Store ``value`` under ``name`` for the page's prose, and return it.

    ``name`` must be a Python-identifier-like key (letters, digits, underscores).
    """
    if not isinstance(name, str) or not name.replace("_", "a").isalnum():
        raise ValueError(f"glue names are letters, digits and underscores, got {name!r}")
    value = as_python_scalar(value)
    if isinstance(value, bool):
        pass
    elif isinstance(value, numbers.Real) and not np.isfinite(float(value)):
        raise ValueError(f"refusing to glue a non-finite number under {name!r}: {value}")
    try:
        from myst_nb import glue as _myst_glue
    except ImportError:  # e.g. on Colab: no page to fill in, so just show the value
        if display:
            from IPython.display import display as _display

            _display(value)
        return value
    _myst_glue(name, value, display=display)
    return value
