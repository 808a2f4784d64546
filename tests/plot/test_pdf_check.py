"""PDF checks: fonts (TrueType vs Type 3, composite fonts, object streams), raster images, page size."""
import zlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from cvbook.plot import PAPER_RC, PdfFont, pdf_fonts, pdf_page_size, pdf_raster_images  # noqa: E402
from cvbook.testing import assert_close  # noqa: E402


def _line_figure(size=(3.5, 2.625)):
    fig, ax = plt.subplots(figsize=size)
    ax.plot([-1, 1], [-1, 1])                      # negative ticks: the Unicode minus sign is drawn
    ax.set_xlabel("time (s)")
    return fig


def _dejavu_postscript_name() -> str:
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    return TTFont(path)["name"].getDebugName(6)      # fontTools, the oracle: name ID 6 is the PostScript name


def test_truetype_fonts_from_fonttype_42(tmp_path):
    with plt.rc_context(PAPER_RC):
        fig = _line_figure()
        fig.savefig(tmp_path / "f.pdf")
    plt.close(fig)
    fonts = pdf_fonts(tmp_path / "f.pdf")
    assert fonts == (PdfFont(_dejavu_postscript_name(), "Type0", "TrueType"),)   # the CIDFontType2 child is folded in
    assert all(f.truetype for f in fonts)


def test_type3_fonts_from_fonttype_3(tmp_path):
    # both keys: Matplotlib 3.11's PDF backend sizes its glyph tracker from ps.fonttype, so pdf.fonttype 3 with
    # ps.fonttype 42 fails with "bytes must be in range(0, 256)"
    with plt.rc_context({**PAPER_RC, "pdf.fonttype": 3, "ps.fonttype": 3}):
        fig = _line_figure()
        fig.savefig(tmp_path / "f.pdf")
    plt.close(fig)
    fonts = pdf_fonts(tmp_path / "f.pdf")
    assert fonts and {f.subtype for f in fonts} == {"Type3"} and not any(f.truetype for f in fonts)


def _write_pdf(path: Path, objects: dict[int, bytes]) -> Path:
    body = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    for num, obj in objects.items():
        body += b"%d 0 obj\n" % num + obj + b"\nendobj\n"
    path.write_bytes(body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return path


def _stream(head: bytes, data: bytes) -> bytes:
    packed = zlib.compress(data)
    return head[:-2] + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream"


def test_hand_built_pdf_with_object_stream_type1_and_fake_truetype(tmp_path):
    ttf = Path(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))).read_bytes()
    # objects 10-13 live inside a compressed object stream (obj 9), as pdfTeX and most producers write them
    packed = {
        10: b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+My#20Font /FontDescriptor 11 0 R >>",
        11: b"<< /Type /FontDescriptor /FontName /My#20Font /FontFile2 20 0 R >>",
        12: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",            # a base-14 font, not embedded
        13: b"<< /Type /Font /Subtype /TrueType /BaseFont /Fake /FontDescriptor 14 0 R >>",
        14: b"<< /Type /FontDescriptor /FontName /Fake /FontFile2 21 0 R >>",
    }
    offsets, blob = [], b""
    for num, obj in packed.items():
        offsets += [num, len(blob)]
        blob += obj + b" "
    header = " ".join(map(str, offsets)).encode() + b" "
    objstm = _stream(b"<< /Type /ObjStm /N %d /First %d >>" % (len(packed), len(header)), header + blob)
    path = _write_pdf(tmp_path / "hand.pdf", {
        1: b"<< /Type /Catalog >>", 9: objstm,
        20: _stream(b"<< >>", ttf), 21: _stream(b"<< >>", b"not a font program"),
    })
    fonts = pdf_fonts(path)
    assert fonts == (PdfFont("Fake", "TrueType", "not TrueType"), PdfFont("Helvetica", "Type1", None),
                     PdfFont("My Font", "TrueType", "TrueType"))
    assert [f.truetype for f in fonts] == [False, False, True]


def test_raster_images_and_page_size(tmp_path):
    # another test in the same process may have applied the paper style (savefig.bbox "tight"):
    # save with the standard bounding box, so that the page is the figure whatever ran before
    with plt.rc_context({"savefig.bbox": "standard"}):
        fig = _line_figure()
        fig.savefig(tmp_path / "vector.pdf")
        ax = fig.axes[0]
        ax.imshow(np.arange(12.0).reshape(3, 4))
        fig.savefig(tmp_path / "raster.pdf")
        plt.close(fig)
    assert pdf_raster_images(tmp_path / "vector.pdf") == 0
    assert pdf_raster_images(tmp_path / "raster.pdf") == 1
    # no bbox cropping: the page is the figure, 3.5 in x 2.625 in = 252 pt x 189 pt
    assert_close(torch.tensor(pdf_page_size(tmp_path / "vector.pdf")), torch.tensor([3.5, 2.625], dtype=torch.float64))


def test_empty_and_bad_input(tmp_path):
    fig = plt.figure(figsize=(1, 1))
    fig.savefig(tmp_path / "blank.pdf")
    plt.close(fig)
    assert pdf_fonts(tmp_path / "blank.pdf") == ()
    (tmp_path / "no.pdf").write_bytes(b"\x89PNG\r\n")
    for fn in (pdf_fonts, pdf_raster_images, pdf_page_size):
        with pytest.raises(ValueError, match="not a PDF"):
            fn(tmp_path / "no.pdf")
    _write_pdf(tmp_path / "nobox.pdf", {1: b"<< /Type /Catalog >>"})
    with pytest.raises(ValueError, match="no /MediaBox"):
        pdf_page_size(tmp_path / "nobox.pdf")
