"""The book's paper figures: which notebook saves each, and one call to regenerate it.

``python -m cvbook.figures list`` prints every figure the book saves (name, notebook, one line of
caption); ``python -m cvbook.figures NAME [--mode fast|full] [--out DIR]`` re-runs the notebook that
makes it and writes ``NAME.pdf`` and ``NAME.png`` to ``DIR``.
Taught in: README.md ("Regenerating a figure for a paper").
"""
from cvbook.figures.catalog import FigureEntry, caption_for, find_figure, list_figures
from cvbook.figures.regenerate import regenerate

__all__ = ["FigureEntry", "caption_for", "find_figure", "list_figures", "regenerate"]
