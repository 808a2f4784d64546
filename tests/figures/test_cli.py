"""`python -m cvbook.figures`: the catalogue of saved figures, and regenerating one into a folder.

The recording path is tested end to end on a notebook written by the test (executed by
``cvbook.book.execute``, then regenerated from the catalogue), and ``list`` on the book itself.
"""
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from cvbook.book.execute import execute_notebook  # noqa: E402
from cvbook.book.notebooks import REPO_ROOT  # noqa: E402
from cvbook.figures import caption_for, find_figure, list_figures, regenerate  # noqa: E402
from cvbook.plot import save_figure  # noqa: E402
from cvbook.plot.save import FIGURES_DIR_ENV, FIGURES_RECORD_ENV  # noqa: E402

CELL = """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from cvbook.plot import save_figure
from cvbook.runtime import get_mode
fig, ax = plt.subplots()
ax.plot([0, 1], [0, 1 if get_mode() == "fast" else 2])
ax.set_title("a line")
save_figure(fig, "toy_line")
for k in range(2):
    save_figure(fig, f"toy_loop_{k}")
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A one-notebook book, executed by the execution command (so its figures are recorded)."""
    root = tmp_path_factory.mktemp("book")
    folder = root / "notebooks" / "01_toy"
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Toy\n\nA straight line."),
        nbformat.v4.new_code_cell(CELL),
        nbformat.v4.new_markdown_cell("*Figure: the identity on [0, 1], drawn once.* More text."),
    ]
    path = folder / "01_line.ipynb"
    nbformat.write(nb, path)
    stamp = execute_notebook(path, mode="fast", timeout=120)
    return root, path, stamp


def test_execute_records_the_saved_figures(book):
    root, path, stamp = book
    names = [f["name"] for f in stamp["figures"]]
    assert names == ["toy_line", "toy_loop_0", "toy_loop_1"]  # run-time names included, in order
    assert stamp["figures"][0]["caption"] == "the identity on [0, 1], drawn once."
    assert nbformat.read(path, as_version=4).metadata["cvbook"]["figures"] == stamp["figures"]
    assert (path.parent / "figures" / "toy_line.pdf").exists()


def test_list_reads_the_record(book):
    root, path, _ = book
    entries = list_figures(root)
    assert [e.name for e in entries] == ["toy_line", "toy_loop_0", "toy_loop_1"]
    assert all(e.recorded and e.notebook == path.relative_to(root) for e in entries)


def test_list_falls_back_to_scanning_the_code(book, tmp_path):
    _, path, _ = book
    nb = nbformat.read(path, as_version=4)
    del nb.metadata["cvbook"]  # a notebook executed before figures were recorded
    (tmp_path / "notebooks" / "x").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "notebooks" / "x" / "old.ipynb")
    entries = list_figures(tmp_path)
    # only the literal name can be found in the code; the f-string names need the recorded run
    assert [(e.name, e.recorded) for e in entries] == [("toy_line", False)]
    assert entries[0].caption == "the identity on [0, 1], drawn once."


def test_regenerate_writes_pdf_and_png_into_out(book, tmp_path):
    root, path, _ = book
    before = path.read_text(encoding="utf-8")
    pdf, png = regenerate("toy_line", out=tmp_path / "out", mode="fast", root=root, timeout=120)
    assert pdf == tmp_path / "out" / "toy_line.pdf" and png == tmp_path / "out" / "toy_line.png"
    assert pdf.read_bytes().startswith(b"%PDF") and png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["toy_line.pdf", "toy_line.png"]
    assert path.read_text(encoding="utf-8") == before  # the notebook and its outputs are untouched


def test_unknown_figure_and_bad_mode(book):
    root, _, _ = book
    with pytest.raises(ValueError, match="did you mean toy_line"):
        find_figure("toy_lin", root)
    with pytest.raises(ValueError, match="mode must be one of"):
        regenerate("toy_line", mode="medium", root=root)


def test_save_figure_env_hooks(tmp_path, monkeypatch):
    record = tmp_path / "rec.jsonl"
    monkeypatch.setenv(FIGURES_DIR_ENV, str(tmp_path / "redirected"))
    monkeypatch.setenv(FIGURES_RECORD_ENV, str(record))
    fig, ax = plt.subplots()
    fig.suptitle("Overall")
    pdf, _ = save_figure(fig, "hooked", folder=tmp_path / "ignored")
    plt.close(fig)
    assert pdf.parent == tmp_path / "redirected" and not (tmp_path / "ignored").exists()
    assert record.read_text(encoding="utf-8") == '{"name": "hooked", "title": "Overall"}\n'


def test_caption_prefers_the_figure_line_then_the_title():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Heading\nThe {glue:text}`n_steps` steps of $x$."),
        nbformat.v4.new_code_cell('save_figure(fig, "a")'),
        nbformat.v4.new_markdown_cell("No caption here."),
    ]
    assert caption_for(nb, "a", "Its title") == "Its title"
    assert caption_for(nb, "a") == "The [n_steps] steps of x."


def test_caption_matches_the_whole_figure_name():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('save_figure(fig, "nms_soft")'),
        nbformat.v4.new_markdown_cell("*Figure: soft.*"),
        nbformat.v4.new_code_cell("save_figure(fig, 'nms')"),
        nbformat.v4.new_markdown_cell("*Figure: greedy.*"),
    ]
    # "nms" is a prefix of "nms_soft": a substring match would return the first caption
    assert caption_for(nb, "nms") == "greedy."
    assert caption_for(nb, "nms_soft") == "soft."


def test_cli_list_on_the_book():
    out = subprocess.run(
        [sys.executable, "-m", "cvbook.figures", "list"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    entries = list_figures()
    assert len(lines) == len(entries) + 1 and lines[-1].startswith(f"{len(entries)} figures")
    for e, line in zip(entries, lines):
        assert line.split()[:2] == [e.name, str(e.notebook)]


def test_cli_unknown_name_and_list_on_a_root(book, capsys):
    from cvbook.figures.__main__ import main

    root, _, _ = book
    assert main(["no_such_figure", "--root", str(root)]) == 2
    assert "no notebook saves a figure named 'no_such_figure'" in capsys.readouterr().err
    assert main(["list", "--root", str(root)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:2] == ["toy_line", "notebooks/01_toy/01_line.ipynb"]
    assert lines[-1] == "3 figures in 1 notebooks"
