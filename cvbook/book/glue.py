"""Numbers in prose: compute them in a cell, glue them, cite them in markdown.

``glue("n_iter", 100)`` shows the value under the cell and stores it in the notebook; the markdown
``{glue:text}`n_iter``` is replaced by the value when Jupyter Book builds the page. Outside
an IPython kernel (a plain script) the value is simply returned.

The output written is myst-nb's glue protocol (``myst_nb.glue``): the value's display bundle, its
mime types prefixed with ``application/papermill.record/`` when it is not shown, and
``{"scrapbook": {"name": ..., "mime_prefix": ...}}`` in the output's metadata. It is written here
instead of calling ``myst_nb.glue`` because importing that pulls in nbformat and jsonschema, which
costs seconds in every notebook; a test checks that both write the same output.
"""
from __future__ import annotations

import numbers
import sys

import numpy as np
import torch

__all__ = ["glue", "as_python_scalar", "GLUE_PREFIX"]

#: The mime-type prefix of glued values that are stored but not shown (myst-nb's ``GLUE_PREFIX``).
GLUE_PREFIX = "application/papermill.record/"


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
    ipython = sys.modules.get("IPython")  # a kernel has imported it; a plain script usually has not
    if ipython is None or ipython.get_ipython() is None:  # no notebook: no page to fill in
        return value
    from IPython.core.formatters import format_display_data
    from IPython.display import display as _display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    _display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
    return value
