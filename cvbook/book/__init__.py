"""Executing and checking the book's notebooks, and glueing numbers into the prose."""
from cvbook.book.glue import as_python_scalar, glue
from cvbook.book.notebooks import check_notebook, code_hash, colab_cell_source, find_notebooks, repository_url

__all__ = [
    "as_python_scalar",
    "check_notebook",
    "code_hash",
    "colab_cell_source",
    "find_notebooks",
    "glue",
    "repository_url",
]
