"""The catalogue of saved figures, read from the notebooks.

A notebook executed by ``python -m cvbook.book.execute`` records the figures its run saved in
``metadata.cvbook.figures``; for a notebook executed before that record existed, the names are found
by scanning its code for ``save_figure(fig, "name", ...)`` calls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cvbook.book.notebooks import REPO_ROOT, find_notebooks

if TYPE_CHECKING:
    import nbformat

__all__ = ["FigureEntry", "caption_for", "find_figure", "list_figures"]

# save_figure(fig, "name" ...) or save_figure(fig, name="name" ...): a literal name only
_CALL = re.compile(r"""save_figure\(\s*[\w.\[\]]+\s*,\s*(?:name\s*=\s*)?["']([A-Za-z0-9_.-]+)["']""")
_GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`")
_ROLE = re.compile(r"\{\w+(?::\w+)?\}`([^`]*)`")


@dataclass(frozen=True)
class FigureEntry:
    """One saved figure: its file stem, the notebook that saves it, and one line of caption."""

    name: str
    notebook: Path
    caption: str
    recorded: bool  # True: from the run's metadata; False: found by scanning the code


def _one_line(text: str, limit: int = 120) -> str:
    """First sentence of a markdown text, headings and markup stripped, at most ``limit`` characters."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", ":::", "```")))
    text = _GLUE.sub(lambda m: f"[{m.group(1)}]", text)  # a glued number: its key, in brackets
    text = _ROLE.sub(lambda m: m.group(1), text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](link) -> text
    text = re.sub(r"\$([^$]*)\$", r"\1", text)
    text = re.sub(r"[*`]", "", text)
    text = " ".join(text.split())
    text = re.sub(r"^Figure\s*\d*\s*[:.]\s*", "", text)
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    line = m.group(1) if m else text
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def caption_for(nb: nbformat.NotebookNode | dict, name: str, title: str = "") -> str:
    """One line of caption for figure ``name`` of notebook ``nb``.

    The first markdown cell after the code cell that saves it, when it starts with "Figure" (the
    book's caption convention, ``*Figure: ...*``); else the figure's own title (``title``, as recorded
    by ``save_figure``); else the first sentence of the markdown cell before the code cell.
    """
    # plain dict access: works on nbformat's NotebookNode and on the raw JSON read by _read
    cells = [(c["cell_type"], _text(c["source"])) for c in nb["cells"]]
    # the name as a whole string literal: "nms" must not pick the cell that saves "nms_soft"
    literal = re.compile(r"""(['"])""" + re.escape(name) + r"\1")
    index = next((i for i, (kind, src) in enumerate(cells) if kind == "code" and "save_figure" in src and literal.search(src)), None)
    if index is None:  # name built at run time (f-string): use the last cell calling save_figure
        index = next((i for i in range(len(cells) - 1, -1, -1) if cells[i][0] == "code" and "save_figure" in cells[i][1]), None)
    if index is None:
        return _one_line(title) if title else ""
    after = next((src for kind, src in cells[index + 1 :] if kind == "markdown"), None)
    if after is not None and re.match(r"^\W*Figure", after.strip()):
        return _one_line(after)
    if title:
        return _one_line(title)
    before = next((src for kind, src in reversed(cells[:index]) if kind == "markdown"), None)
    return _one_line(before) if before is not None else ""


def _text(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _read(path: Path) -> dict:
    """A notebook as its raw JSON (not through nbformat, whose import alone is slow on a busy machine)."""
    import json

    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _entries(path: Path) -> list[FigureEntry]:
    nb = _read(path)
    recorded = ((nb.get("metadata") or {}).get("cvbook") or {}).get("figures")
    if recorded is not None:
        return [FigureEntry(f["name"], path, f.get("caption", ""), True) for f in recorded]
    names: list[str] = []
    for cell in nb.get("cells", []):
        if cell["cell_type"] == "code":
            for n in _CALL.findall(_text(cell["source"])):
                if n not in names:
                    names.append(n)
    return [FigureEntry(n, path, caption_for(nb, n), False) for n in names]


def list_figures(root: Path | None = None) -> list[FigureEntry]:
    """Every figure the book's notebooks save, in notebook order.

    Args:
        root: the repository root (default: this checkout); notebooks are read from ``root/notebooks``.
    Returns:
        a list of :class:`FigureEntry`, notebook paths relative to ``root``.
    Raises:
        ValueError: when two notebooks save a figure under the same name.
    """
    base = Path(root) if root is not None else REPO_ROOT
    out: list[FigureEntry] = []
    seen: dict[str, Path] = {}
    for path in find_notebooks(base):
        for e in _entries(path):
            rel = path.relative_to(base)
            if e.name in seen and seen[e.name] != rel:
                raise ValueError(f"figure {e.name!r} is saved by two notebooks: {seen[e.name]} and {rel}")
            if e.name not in seen:
                seen[e.name] = rel
                out.append(FigureEntry(e.name, rel, e.caption, e.recorded))
    return out


def find_figure(name: str, root: Path | None = None) -> FigureEntry:
    """The catalogue entry of figure ``name``; ``ValueError`` naming close matches when there is none."""
    entries = list_figures(root)
    for e in entries:
        if e.name == name:
            return e
    import difflib

    close = difflib.get_close_matches(name, [e.name for e in entries], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `python -m cvbook.figures list` shows them all"
    raise ValueError(f"no notebook saves a figure named {name!r}{hint}")
