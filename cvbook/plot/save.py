"""Saving figures for papers: a vector PDF with embedded TrueType fonts, and a PNG."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = ["save_figure"]

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def save_figure(fig: Figure, name: str, folder: str | Path = "figures", dpi: int = 300) -> tuple[Path, Path]:
    """Write ``folder/name.pdf`` (vector, fonts embedded as TrueType) and ``folder/name.png``.

    Returns the two paths. ``name`` is a bare file stem (letters, digits, ``_ . -``).
    Taught in: book/authoring.md ("Figures"); the README shows how to regenerate a paper figure.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"save_figure needs a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith((".pdf", ".png")):
        raise ValueError(f"name must be a bare file stem such as 'rf_growth', got {name!r}")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    pdf, png = out / f"{name}.pdf", out / f"{name}.png"
    # fontTools warns about old font timestamps while subsetting TrueType fonts; it is noise here
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with mpl.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42}):
        fig.savefig(pdf, bbox_inches="tight")
        fig.savefig(png, dpi=dpi, bbox_inches="tight")
    return pdf, png
