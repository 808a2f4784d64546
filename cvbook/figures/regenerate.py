"""Regenerate one paper figure: re-run the notebook that saves it, with its figures sent to a folder."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cvbook.book.notebooks import REPO_ROOT
from cvbook.figures.catalog import find_figure
from cvbook.plot.save import FIGURES_DIR_ENV, FIGURES_RECORD_ENV
from cvbook.runtime import MODE_ENV, MODES, RECORD_ENV

__all__ = ["regenerate"]


def regenerate(
    name: str, out: str | Path = "figures", mode: str = "full", root: Path | None = None, timeout: int = 1800
) -> tuple[Path, Path]:
    """Re-run the notebook that saves figure ``name`` and write ``out/name.pdf`` and ``out/name.png``.

    The notebook runs top to bottom in a fresh kernel, in its own folder, on an in-memory copy: the
    notebook file and its stored outputs are left as they are. ``save_figure`` writes into a temporary
    folder (``$CVBOOK_FIGURES_DIR``); only the two files of ``name`` are copied to ``out``.

    Args:
        name: the figure's file stem, as ``python -m cvbook.figures list`` prints it.
        out: folder to write to (created if missing).
        mode: ``"fast"`` or ``"full"`` (paper quality; meant for a GPU).
        root: the repository root (default: this checkout).
        timeout: seconds allowed per cell.
    Returns:
        the paths of the PDF and the PNG.
    Raises:
        ValueError: unknown figure or mode; RuntimeError: the run did not save the figure.
    """
    import nbformat

    from cvbook.book.execute import run_in_kernel

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    base = Path(root) if root is not None else REPO_ROOT
    entry = find_figure(name, base)
    path = base / entry.notebook
    nb = nbformat.read(path, as_version=4)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        run_in_kernel(nb, path, timeout=timeout,
                      env={MODE_ENV: mode, FIGURES_DIR_ENV: tmp, FIGURES_RECORD_ENV: None, RECORD_ENV: None})
        made = [Path(tmp) / f"{name}{ext}" for ext in (".pdf", ".png")]
        missing = [p.name for p in made if not p.exists()]
        if missing:
            raise RuntimeError(f"{entry.notebook} ran but did not save {', '.join(missing)}")
        results = []
        for p in made:
            target = out / p.name
            shutil.copyfile(p, target)
            results.append(target)
    return results[0], results[1]
