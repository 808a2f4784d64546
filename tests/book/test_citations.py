"""Citations of the study notes can be checked: every quote sits on the lines it cites.

The notes are read from ``$CVBOOK_NOTES``, else ``../shared/notes`` beside the repository; without
them the tests are skipped with a message. Checked:

- every errata row cites ``NNN l.A`` or ``NNN l.A-B`` and quotes the words it corrects ("..."), and
  each quote is found on those lines (whitespace, markdown escapes and quote marks ignored);
- in the pages (notebooks' markdown, book/*.md), every quote directly attached to a citation,
  ``"words" (notes NNN l.A-B)`` or ``(notes NNN l.A-B): "words"``, is found on the cited lines;
- every cited line exists in its note.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTES_ENV = "CVBOOK_NOTES"
CITE = r"(?:notes?\s+)?(\d{3})\s+l\.\s*(\d+)(?:\s*[-–]\s*(\d+))?"
QUOTE = r"[\"“「]([^\"”」]{2,}?)[\"”」]"


def _notes_dir() -> Path | None:
    env = os.environ.get(NOTES_ENV)
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "notes"]:
        if cand.is_dir() and list(cand.glob("0*.txt")):
            return cand
    return None


NOTES = _notes_dir()
pytestmark = pytest.mark.skipif(
    NOTES is None, reason=f"study notes not found: set ${NOTES_ENV} or put them in ../shared/notes beside the repository")


def _note_lines() -> dict[str, list[str]]:
    return {p.name[:3]: p.read_text(encoding="utf-8").splitlines() for p in sorted(NOTES.glob("0*.txt"))}


def _norm(text: str) -> str:
    text = text.replace("\\*", "*").replace("\\_", "_").replace("\\|", "|").replace("`", "")
    text = re.sub(r"[\"“”「」'‘’$]", "", text)
    return re.sub(r"\s+", "", text).lower()


def _found(notes: dict[str, list[str]], note: str, a: int, b: int | None, quote: str) -> bool:
    lines = notes[note]
    lo, hi = a, (b if b is not None else a)
    window = "".join(lines[max(lo - 1, 0):hi])
    q = _norm(quote)
    # a quote may elide with "..." / "…": every part must be on the lines, in order
    parts = [p for p in re.split(r"\.\.\.|…", q) if p]
    pos = 0
    w = _norm(window)
    for part in parts:
        i = w.find(part, pos)
        if i < 0:
            return False
        pos = i + len(part)
    return True


def _errata_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in (ROOT / "book" / "errata.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) >= 4 and re.match(r"^\d{3} l\.", cells[0]):
            rows.append((cells[0], cells[1], line))
    return rows


def test_errata_rows_quote_the_lines_they_cite():
    notes = _note_lines()
    rows = _errata_rows()
    assert rows, "book/errata.md has no rows"
    problems = []
    for cite, says, line in rows:
        m = re.match(CITE, cite)
        if not m or m.group(1) not in notes:
            problems.append(f"unreadable citation {cite!r}")
            continue
        note, a, b = m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None
        if (b or a) > len(notes[note]):
            problems.append(f"{cite}: note {note} has only {len(notes[note])} lines")
            continue
        quotes = re.findall(QUOTE, says)
        if not quotes:
            problems.append(f"{cite}: the row quotes nothing (put the note's words in quotes): {says[:60]!r}")
        for q in quotes:
            if not _found(notes, note, a, b, q):
                problems.append(f"{cite}: {q!r} is not on those lines")
    assert not problems, "\n".join(problems)


def _page_texts() -> list[tuple[str, str]]:
    texts = []
    for nb in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        md = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        texts.append((str(nb.relative_to(ROOT)), md))
    for md in sorted((ROOT / "book").glob("*.md")) + sorted((ROOT / "notebooks").glob("*/index.md")):
        if md.name != "errata.md":
            texts.append((str(md.relative_to(ROOT)), md.read_text(encoding="utf-8")))
    return texts


def test_quotes_in_pages_are_on_the_cited_lines():
    notes = _note_lines()
    problems = []
    n_checked = 0
    for where, text in _page_texts():
        for m in re.finditer(QUOTE + r"\s*\(\s*" + CITE + r"\s*\)", text):
            quote, note, a, b = m.group(1), m.group(2), int(m.group(3)), m.group(4)
            n_checked += 1
            if note in notes and not _found(notes, note, a, int(b) if b else None, quote):
                problems.append(f"{where}: {quote!r} is not on note {note} l.{a}{'-' + b if b else ''}")
        for m in re.finditer(r"\(\s*notes?\s+" + CITE[len(r"(?:notes?\s+)?"):] + r"\s*\)\s*:?\s*" + QUOTE, text):
            note, a, b, quote = m.group(1), int(m.group(2)), m.group(3), m.group(4)
            n_checked += 1
            if note in notes and not _found(notes, note, a, int(b) if b else None, quote):
                problems.append(f"{where}: {quote!r} is not on note {note} l.{a}{'-' + b if b else ''}")
    assert n_checked > 0
    assert not problems, "\n".join(problems)


def test_cited_lines_exist():
    notes = _note_lines()
    problems = []
    for where, text in _page_texts():
        for m in re.finditer(r"notes?\s+" + CITE[len(r"(?:notes?\s+)?"):], text):
            note, a, b = m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None
            if note not in notes:
                problems.append(f"{where}: no note {note}")
            elif max(a, b or a) > len(notes[note]) or (b is not None and b < a):
                problems.append(f"{where}: note {note} l.{a}-{b} is outside its {len(notes[note])} lines")
    assert not problems, "\n".join(problems)
