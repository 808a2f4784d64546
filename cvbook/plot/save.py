"""Saving figures for papers: a vector PDF with embedded TrueType fonts, and a PNG."""
from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = ["FIGURES_DIR_ENV", "FIGURES_RECORD_ENV", "save_figure"]

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")

#: When set, ``save_figure`` writes into this folder instead of its ``folder`` argument
#: (``python -m cvbook.figures NAME --out DIR`` sets it while re-running the notebook).
FIGURES_DIR_ENV = "CVBOOK_FIGURES_DIR"
#: When set, ``save_figure`` appends one JSON line per saved figure to this file
#: (``python -m cvbook.book.execute`` sets it and records the names in ``metadata.cvbook.figures``).
FIGURES_RECORD_ENV = "CVBOOK_FIGURES_RECORD"


def save_figure(fig: Figure, name: str, folder: str | Path = "figures", dpi: int = 300) -> tuple[Path, Path]:
    """Write ``folder/name.pdf`` (vector, fonts embedded as TrueType) and ``folder/name.png``.

    Returns the two paths. ``name`` is a bare file stem (letters, digits, ``_ . -``).
    ``$CVBOOK_FIGURES_DIR``, when set, replaces ``folder``; ``$CVBOOK_FIGURES_RECORD``, when set, names a
    file to which the figure's name and title are appended (one JSON line), so the execution command
    can list the figures each notebook saves.
    Taught in: book/authoring.md ("Figures"); the README shows how to regenerate a paper figure.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"save_figure needs a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith((".pdf", ".png")):
        raise ValueError(f"name must be a bare file stem such as 'rf_growth', got {name!r}")
    out = Path(os.environ.get(FIGURES_DIR_ENV) or folder)
    out.mkdir(parents=True, exist_ok=True)
    pdf, png = out / f"{name}.pdf", out / f"{name}.png"
    # fontTools warns about old font timestamps while subsetting TrueType fonts; it is noise here
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with mpl.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42}):
        fig.savefig(pdf, bbox_inches="tight")
        fig.savefig(png, dpi=dpi, bbox_inches="tight")
    record = os.environ.get(FIGURES_RECORD_ENV)
    if record:
        with open(record, "a", encoding="utf-8") as f:
            f.write(json.dumps({"name": name, "title": _title(fig)}, ensure_ascii=False) + "\n")
    return pdf, png


def _title(fig: Figure) -> str:
    """The figure's suptitle, else its axes' titles joined by '; ' (empty when it has none)."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        return sup.get_text().strip()
    titles = [ax.get_title().strip() for ax in fig.get_axes()]
    return "; ".join(t for t in titles if t)
