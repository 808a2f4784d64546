"""Checking a saved PDF figure before submission: its fonts, raster images and page size.

Journals want figures whose text is embedded as real fonts (TrueType or Type 1 outlines), not Type 3
fonts (glyphs drawn as procedures, Matplotlib's default ``pdf.fonttype 3``), and vector drawings. This
module reads a PDF's bytes without a PDF library: it splits the file into its numbered objects (also
those packed in compressed object streams, ``/Type /ObjStm``), finds the font dictionaries
(``/Type /Font``), follows ``/DescendantFonts`` and ``/FontDescriptor`` references to the embedded font
program (``/FontFile2`` = TrueType, ``/FontFile`` = Type 1, ``/FontFile3`` = CFF or OpenType), and, for a
TrueType program, inflates it and checks the sfnt magic number. Bytes are decoded as Latin-1, which
never fails, so binary font streams cannot break the parse.

Reference: Adobe, "PDF Reference", 6th ed. (PDF 1.7), 2006, sections 3.4.6 (object streams) and 5.5-5.8 (fonts).
Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PdfFont", "pdf_fonts", "pdf_raster_images", "pdf_page_size"]

_HEADER = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b")
_REF = rb"(\d+)\s+\d+\s+R"
_NAME = rb"/([^\s/<>\[\]()%{}]+)"
_TRUETYPE_MAGIC = (b"\x00\x01\x00\x00", b"true")
_PROGRAMS = ((b"/FontFile2", "TrueType"), (b"/FontFile3", "CFF"), (b"/FontFile", "Type1"))


@dataclass(frozen=True)
class PdfFont:
    """One font dictionary of a PDF.

    ``name``: the ``/BaseFont`` without its six-letter subset prefix (``"DejaVuSans"``); ``subtype``: the
    font's ``/Subtype`` (``"Type0"``, ``"TrueType"``, ``"Type3"``, ...); ``program``: what is embedded,
    ``"TrueType"``, ``"Type1"``, ``"CFF"`` or ``"OpenType"`` (for a ``Type0`` font: its descendant's),
    ``"Type3"`` for Type 3 glyph procedures, ``None`` when no font program is embedded.
    """

    name: str
    subtype: str
    program: str | None

    @property
    def truetype(self) -> bool:
        """True when the font is embedded as a TrueType program."""
        return self.program == "TrueType"


def _read_pdf(path: str | Path) -> bytes:
    data = Path(path).read_bytes()
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValueError(f"{path} is not a PDF file (it does not start with %PDF-)")
    return data


def _split_stream(body: bytes) -> tuple[bytes, bytes | None]:
    """``(dictionary, raw stream bytes or None)`` of one object's body."""
    m = re.search(rb"\bstream\r?\n", body)
    if m is None:
        return body, None
    head, rest = body[:m.start()], body[m.end():]
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head)
    if length is not None and int(length.group(1)) <= len(rest):
        return head, rest[:int(length.group(1))]
    end = rest.rfind(b"endstream")
    return head, rest[:end] if end >= 0 else rest


def _inflate(head: bytes, raw: bytes) -> bytes | None:
    if b"/FlateDecode" not in head:
        return raw if b"/Filter" not in head else None
    try:
        return zlib.decompressobj().decompress(raw)
    except zlib.error:
        return None


def _objects(data: bytes) -> dict[int, bytes]:
    """Object number -> body (dictionary and stream), including objects inside object streams."""
    heads = list(_HEADER.finditer(data))
    objects: dict[int, bytes] = {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(data)
        body = data[m.end():end]
        cut = body.rfind(b"endobj")
        objects[int(m.group(1))] = body[:cut] if cut >= 0 else body
    for body in list(objects.values()):
        head, raw = _split_stream(body)
        if raw is None or not re.search(rb"/Type\s*/ObjStm\b", head):
            continue
        text, first = _inflate(head, raw), re.search(rb"/First\s+(\d+)", head)
        if text is None or first is None:
            continue
        offsets = [int(t) for t in text[:int(first.group(1))].split()]
        pairs = list(zip(offsets[0::2], offsets[1::2]))
        for j, (num, off) in enumerate(pairs):
            start = int(first.group(1)) + off
            stop = int(first.group(1)) + pairs[j + 1][1] if j + 1 < len(pairs) else len(text)
            objects.setdefault(num, text[start:stop])
    return objects


def _dictionary(objects: dict[int, bytes], num: int | None) -> bytes:
    return _split_stream(objects.get(num, b""))[0] if num is not None else b""


def _ref(head: bytes, key: bytes) -> int | None:
    m = re.search(re.escape(key) + rb"\s*" + _REF, head)
    return int(m.group(1)) if m else None


def _name(head: bytes, key: bytes) -> str | None:
    m = re.search(re.escape(key) + rb"\s*" + _NAME, head)
    if m is None:
        return None
    text = m.group(1).decode("latin-1")
    return re.sub(r"#([0-9A-Fa-f]{2})", lambda h: chr(int(h.group(1), 16)), text)   # PDF name escapes


def _program(objects: dict[int, bytes], descriptor: int | None) -> str | None:
    head = _dictionary(objects, descriptor)
    for key, kind in _PROGRAMS:
        num = _ref(head, key)
        if num is None:
            continue
        stream_head, raw = _split_stream(objects.get(num, b""))
        if kind == "CFF":
            return "OpenType" if re.search(rb"/Subtype\s*/OpenType\b", stream_head) else "CFF"
        if kind == "TrueType" and raw is not None:
            program = _inflate(stream_head, raw)
            # a /FontFile2 stream must hold an sfnt with TrueType outlines; anything else is reported as found
            if program is not None and not program.startswith(_TRUETYPE_MAGIC):
                return "not TrueType"
        return kind
    return None


def pdf_fonts(path: str | Path) -> tuple[PdfFont, ...]:
    """List the fonts of a PDF file and how each one is embedded.

    A ``Type0`` (composite) font, which Matplotlib writes for ``pdf.fonttype 42``, is listed with the
    program of its descendant ``CIDFontType2`` font; the descendant itself is not listed again.

    Args:
        path: the PDF file.

    Returns:
        One :class:`PdfFont` per font dictionary, sorted by ``(name, subtype)``; empty when the PDF has no
        text.

    Raises:
        ValueError: the file is not a PDF.
        FileNotFoundError: there is no such file.

    Reference: Adobe, PDF Reference 1.7, 5.5-5.8 (font dictionaries, descriptors, embedded font programs).
    Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
    """
    objects = _objects(_read_pdf(path))
    heads = {num: _dictionary(objects, num) for num in objects}
    fonts = {num: h for num, h in heads.items() if re.search(rb"/Type\s*/Font\b", h)}
    descendants: set[int] = set()
    found = []
    for num, head in fonts.items():
        subtype = _name(head, b"/Subtype") or "unknown"
        name = re.sub(r"^[A-Z]{6}\+", "", _name(head, b"/BaseFont") or "(unnamed)")
        if subtype == "Type3":
            program: str | None = "Type3"
        elif subtype == "Type0":
            m = re.search(rb"/DescendantFonts\s*\[\s*" + _REF, head)
            child = int(m.group(1)) if m else None
            if child is None and (arr := _ref(head, b"/DescendantFonts")) is not None:
                inner = re.search(rb"\[\s*" + _REF, heads.get(arr, b""))   # the array is an object of its own
                child = int(inner.group(1)) if inner else None
            if child is not None:
                descendants.add(child)
            program = _program(objects, _ref(heads.get(child, b""), b"/FontDescriptor"))
        else:
            program = _program(objects, _ref(head, b"/FontDescriptor"))
        found.append((num, PdfFont(name, subtype, program)))
    return tuple(sorted((f for num, f in found if num not in descendants), key=lambda f: (f.name, f.subtype)))


def pdf_raster_images(path: str | Path) -> int:
    """Count the raster images (``/Subtype /Image`` XObjects) in a PDF: 0 for a pure vector figure.

    Raises:
        ValueError: the file is not a PDF.

    Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
    """
    objects = _objects(_read_pdf(path))
    return sum(1 for body in objects.values() if re.search(rb"/Subtype\s*/Image\b", _split_stream(body)[0]))


def pdf_page_size(path: str | Path) -> tuple[float, float]:
    """``(width, height)`` in inches of the first ``/MediaBox`` in the file (72 points per inch).

    For a one-page figure that is the figure's size as saved (after ``bbox_inches="tight"`` cropping).

    Raises:
        ValueError: the file is not a PDF, or it has no ``/MediaBox``.

    Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
    """
    objects = _objects(_read_pdf(path))
    num = r"(-?\d+(?:\.\d*)?)"
    box = re.compile((r"/MediaBox\s*\[\s*" + r"\s+".join([num] * 4) + r"\s*\]").encode())
    m = next((m for body in objects.values() if (m := box.search(_split_stream(body)[0]))), None)
    if m is None:
        raise ValueError(f"{path} has no /MediaBox")
    x0, y0, x1, y1 = (float(v) for v in m.groups())
    return (x1 - x0) / 72.0, (y1 - y0) / 72.0
