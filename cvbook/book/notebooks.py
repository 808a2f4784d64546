"""Reading and checking the book's notebooks: the Colab cell, the code hash and the stored outputs.

These checks back ``tests/test_notebooks.py``: a notebook fails when its stored outputs are missing,
out of order, stale (the code changed since it was executed) or contain an error.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nbformat is imported where it is used: `from cvbook.book import glue` stays cheap
    import nbformat

__all__ = [
    "REPO_ROOT",
    "COLAB_TAG",
    "repository_url",
    "colab_cell_source",
    "code_hash",
    "find_notebooks",
    "check_notebook",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
COLAB_TAG = "colab"


def repository_url(config: Path | None = None) -> str:
    """The book's repository URL: ``repository.url`` in ``_config.yml``, the one setting a fork changes."""
    import yaml

    path = config or REPO_ROOT / "_config.yml"
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    url = (data.get("repository") or {}).get("url")
    if not url:
        raise ValueError(f"{path} has no repository.url; set it to the book's GitHub URL")
    return str(url).rstrip("/")


def colab_cell_source(url: str) -> str:
    """The first cell of every notebook: install cvbook on Colab, and do nothing elsewhere."""
    return (
        "# Colab only: install cvbook, the book's helper package. Elsewhere this cell does nothing.\n"
        "import subprocess, sys\n"
        "if 'google.colab' in sys.modules:\n"
        f"    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', 'cvbook @ git+{url}'], check=True)"
    )


def code_hash(nb: nbformat.NotebookNode) -> str:
    """SHA-256 of the code cells' sources, in order; changes whenever the code changes."""
    h = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            h.update(cell.source.encode("utf-8"))
            h.update(b"\x00")
    return h.hexdigest()


def find_notebooks(root: Path | None = None) -> list[Path]:
    """All notebooks under ``notebooks/``, sorted, checkpoints excluded."""
    base = (root or REPO_ROOT) / "notebooks"
    return sorted(p for p in base.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def check_notebook(path: Path, url: str | None = None) -> list[str]:
    """Return a list of problems with a notebook's stored run (empty when it is sound)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    problems: list[str] = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        return ["has no code cells"]
    first = code[0]
    if COLAB_TAG not in first.get("metadata", {}).get("tags", []):
        problems.append("first code cell is not the Colab install cell (run python -m cvbook.book.execute)")
    elif url is not None and first.source != colab_cell_source(url):
        problems.append("Colab install cell does not match repository.url in _config.yml")
    counts = [c.get("execution_count") for c in code]
    if any(n is None for n in counts):
        problems.append(f"{sum(n is None for n in counts)} of {len(code)} code cells were not executed")
    elif counts != list(range(1, len(code) + 1)):
        problems.append(f"cells were not run top to bottom in one fresh kernel (execution counts {counts})")
    for i, cell in enumerate(code):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"code cell {i} stored an error: {out.get('ename')}: {out.get('evalue')}")
            text = "".join(out.get("text", "")) if out.get("output_type") == "stream" else ""
            if re.search(r"Traceback \(most recent call last\)", text):
                problems.append(f"code cell {i} printed a traceback")
    stamp = nb.metadata.get("cvbook")
    if not stamp:
        problems.append("no cvbook stamp in metadata (run python -m cvbook.book.execute)")
    else:
        if stamp.get("code_hash") != code_hash(nb):
            problems.append("stale: the code changed after the notebook was executed")
        if stamp.get("mode") != "fast":
            problems.append(f"stored outputs must come from a fast-mode run, got mode {stamp.get('mode')!r}")
    return problems
