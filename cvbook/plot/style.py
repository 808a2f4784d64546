"""A Matplotlib style for paper figures.

The notes' post on Matplotlib for papers (notes 000, "Matplotlib -- SCI论文绘图配置") asks for
consistent fonts, figure sizes that match a journal's columns, and vector output. This module gives:

- :data:`PALETTE`: the Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), used as the colour cycle;
- :func:`figsize`: sizes for single-column (3.5 in) and double-column (7 in) figures;
- :func:`paper_style` / :func:`use_paper_style`: rcParams with embedded TrueType fonts (``pdf.fonttype 42``),
  8-9 pt text, thin lines, no top/right spines.

Reference: M. Okabe and K. Ito, "Color Universal Design (CUD)", 2008.
Taught in: book/authoring.md ("Figures").
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
from cycler import cycler

__all__ = ["PALETTE", "COLUMN_WIDTHS", "PAPER_RC", "figsize", "paper_style", "use_paper_style"]

#: Okabe-Ito palette, black last. Distinguishable under the common colour-vision deficiencies.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]

#: Figure widths in inches: a single journal column and a full page width.
COLUMN_WIDTHS: dict[str, float] = {"single": 3.5, "double": 7.0}

PAPER_RC: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "lines.linewidth": 1.2,
    "lines.markersize": 3.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "axes.prop_cycle": cycler(color=PALETTE),
    "figure.dpi": 110,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
    "pdf.fonttype": 42,  # embed TrueType, not Type 3: journals ask for it, and text stays editable
    "ps.fonttype": 42,
    "image.cmap": "viridis",
}


def figsize(column: str = "single", aspect: float = 0.75, rows: int = 1) -> tuple[float, float]:
    """Return ``(width, height)`` in inches for a figure one or two journal columns wide.

    ``height = width * aspect * rows``. ``column`` is ``"single"`` (3.5 in) or ``"double"`` (7 in).
    """
    if column not in COLUMN_WIDTHS:
        raise ValueError(f"column must be one of {sorted(COLUMN_WIDTHS)}, got {column!r}")
    if aspect <= 0 or rows <= 0:
        raise ValueError(f"aspect and rows must be positive, got aspect={aspect}, rows={rows}")
    width = COLUMN_WIDTHS[column]
    return width, width * aspect * rows


@contextlib.contextmanager
def paper_style() -> Iterator[None]:
    """Context manager: ``with paper_style(): fig, ax = plt.subplots(figsize=figsize())``."""
    with mpl.rc_context(PAPER_RC):
        yield


def use_paper_style() -> None:
    """Apply the paper style for the rest of the session (notebooks call it once after set-up)."""
    mpl.rcParams.update(PAPER_RC)
