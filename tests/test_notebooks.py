"""Every notebook of the book holds a sound stored run: executed top to bottom in one fresh kernel,
by the current code (hash), in fast mode, without errors, with the Colab install cell first.

nbval (``pytest --nbval-lax notebooks``) then re-executes them and compares the marked cells.
"""
import pytest

from cvbook.book import check_notebook, find_notebooks, repository_url

NOTEBOOKS = find_notebooks()


def test_there_are_notebooks():
    assert len(NOTEBOOKS) > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_stored_run_is_sound(path):
    problems = check_notebook(path, repository_url())
    assert not problems, f"{path}: " + "; ".join(problems)
