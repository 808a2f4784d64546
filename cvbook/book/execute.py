"""Execute the book's notebooks in place, each in a fresh kernel, and stamp what they ran with.

Usage::

    python -m cvbook.book.execute notebooks/01_cnn_basics/03_conv_arithmetic.ipynb [more.ipynb ...]
    python -m cvbook.book.execute --all [--mode fast|full] [--timeout 600]

For each notebook this (1) puts the Colab install cell first, built from ``repository.url`` in
``_config.yml``; (2) runs every cell top to bottom in a fresh ``python3`` kernel started in the
notebook's folder, with ``CVBOOK_MODE`` set; (3) saves the widget state, so the static site shows
each explorer's first view; (4) stamps ``metadata.cvbook`` with the mode, device, data used, package
versions, date, run time, a hash of the code cells and the figures the run saved with
``cvbook.plot.save_figure`` (``figures``: name and one line of caption each, read by
``python -m cvbook.figures list``). A failing cell stops the run and the notebook
is not written.
Taught in: book/authoring.md ("Executing a notebook").
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from cvbook.book.notebooks import (
    COLAB_TAG,
    REPO_ROOT,
    code_hash,
    colab_cell_source,
    find_notebooks,
    repository_url,
)
from cvbook.plot.save import FIGURES_RECORD_ENV
from cvbook.runtime import MODE_ENV, MODES, RECORD_ENV, get_device

__all__ = ["ensure_colab_cell", "execute_notebook", "main", "run_in_kernel"]


def ensure_colab_cell(nb: nbformat.NotebookNode, url: str) -> None:
    """Insert (or refresh) the Colab install cell as the notebook's first code cell."""
    source = colab_cell_source(url)
    for cell in nb.cells:
        if cell.cell_type == "code" and COLAB_TAG in cell.get("metadata", {}).get("tags", []):
            cell.source = source
            return
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [COLAB_TAG, "remove-cell"]})
    nb.cells.insert(0, cell)


def run_in_kernel(nb: "nbformat.NotebookNode", path: Path, *, timeout: int, env: dict[str, str | None],
                  store_widget_state: bool = False) -> float:
    """Execute ``nb`` (in place) in a fresh ``python3`` kernel started in ``path``'s folder.

    ``env`` is set for the kernel (``None`` unsets a variable) and this checkout's ``cvbook`` goes
    first on ``PYTHONPATH``, so the kernel imports it even if another copy is installed; the
    process environment is restored afterwards. Returns the seconds the execution took.
    Shared by :func:`execute_notebook` and :func:`cvbook.figures.regenerate.regenerate`.
    """
    saved = {k: os.environ.get(k) for k in (*env, "PYTHONPATH")}
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), saved["PYTHONPATH"]) if p)
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(Path(path).parent)}},
                                store_widget_state=store_widget_state)
        start = time.perf_counter()
        client.execute()
        return time.perf_counter() - start
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute_notebook(path: Path, mode: str = "fast", timeout: int = 900) -> dict:
    """Run ``path`` in place in a fresh kernel and return its stamp (also written into its metadata)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    path = Path(path)
    if path.suffix != ".ipynb" or not path.exists():
        raise ValueError(f"expected an existing .ipynb file, got {path}")
    nb = nbformat.read(path, as_version=4)
    ensure_colab_cell(nb, repository_url())
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})

    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "data.json"
        figures_record = Path(tmp) / "figures.jsonl"  # one line per save_figure call in the kernel
        seconds = run_in_kernel(nb, path, timeout=timeout, store_widget_state=True,
                                env={MODE_ENV: mode, RECORD_ENV: str(record), FIGURES_RECORD_ENV: str(figures_record)})
        data = json.loads(record.read_text(encoding="utf-8")) if record.exists() else []
        figures = _recorded_figures(nb, figures_record)

    import torch

    import cvbook

    stamp = {
        "mode": mode,
        "device": str(get_device()),
        "data": data or ["none: synthetic or random inputs only"],
        "cvbook": cvbook.__version__,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "date": _dt.date.today().isoformat(),
        "seconds": round(seconds, 1),
        "code_hash": code_hash(nb),
        "figures": figures,
    }
    nb.metadata["cvbook"] = stamp
    nbformat.write(nb, path)
    return stamp


def _recorded_figures(nb: nbformat.NotebookNode, record: Path) -> list[dict]:
    """The figures the run saved, in order, each ``{"name", "caption"}`` (caption: one line)."""
    from cvbook.figures.catalog import caption_for

    figures: dict[str, dict] = {}
    if record.exists():
        for line in record.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                figures.setdefault(item["name"], {"name": item["name"], "caption": caption_for(nb, item["name"], item.get("title", ""))})
    return list(figures.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cvbook.book.execute", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to execute")
    parser.add_argument("--all", action="store_true", help="execute every notebook under notebooks/")
    parser.add_argument("--mode", choices=MODES, default=os.environ.get(MODE_ENV) or "fast")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    paths = find_notebooks() if args.all else args.notebooks
    if not paths:
        parser.error("name notebooks to execute, or pass --all")
    total = 0.0
    for path in paths:
        stamp = execute_notebook(path, mode=args.mode, timeout=args.timeout)
        total += stamp["seconds"]
        print(f"{stamp['seconds']:7.1f} s  {path}  ({stamp['mode']}, {stamp['device']}; data: {'; '.join(stamp['data'])})")
    print(f"{total:7.1f} s  total for {len(paths)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
