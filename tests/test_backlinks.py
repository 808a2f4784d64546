"""Every ``Taught in:`` back-link in the package names a file that exists (a notebook or a book page)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# a path after "Taught in:" (several may follow, separated by "and" or ","): notebooks/... .ipynb or book/... .md
PATH = re.compile(r"((?:notebooks|book)/[\w./-]*)")


def _links() -> list[tuple[str, int, str]]:
    out = []
    for f in sorted((ROOT / "cvbook").rglob("*.py")):
        lines = f.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if "Taught in:" not in line:
                continue
            # a link may wrap onto the next docstring line ("... and\n    notebooks/...")
            text = line.split("Taught in:", 1)[1] + " " + (lines[i + 1] if i + 1 < len(lines) else "")
            for p in PATH.findall(text):
                out.append((str(f.relative_to(ROOT)), i + 1, p.rstrip(".,")))
    return out


LINKS = _links()


def test_there_are_backlinks():
    assert len(LINKS) > 20


@pytest.mark.parametrize("where,line,path", LINKS, ids=[f"{w}:{n}" for w, n, _ in LINKS])
def test_backlink_exists(where, line, path):
    target = ROOT / path
    assert target.is_file(), f"{where}:{line} says 'Taught in: {path}', which is not a file"


def test_execute_usage_names_a_real_notebook():
    text = (ROOT / "cvbook/book/execute.py").read_text(encoding="utf-8") + (ROOT / "book/authoring.md").read_text(encoding="utf-8")
    for p in re.findall(r"notebooks/[\w/]+\.ipynb", text):
        assert (ROOT / p).is_file(), p
