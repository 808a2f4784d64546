"""The execution pipeline end to end, on a two-cell notebook written by the test."""
import nbformat
import pytest

from cvbook.book import check_notebook, code_hash, colab_cell_source, repository_url
from cvbook.book.execute import ensure_colab_cell, execute_notebook


def _write(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# t")] + [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    path = _write(
        tmp_path_factory.mktemp("nb") / "demo.ipynb",
        "import os\nfrom cvbook.runtime import get_mode, record_data\nrecord_data('toy data')\nprint(get_mode())",
        "import ipywidgets as w\nw.IntSlider(3)",
    )
    stamp = execute_notebook(path, mode="fast", timeout=120)
    return path, stamp


def test_stamp_and_outputs(executed):
    path, stamp = executed
    nb = nbformat.read(path, as_version=4)
    assert stamp["mode"] == "fast" and stamp["data"] == ["toy data"]
    assert stamp["code_hash"] == code_hash(nb) == nb.metadata["cvbook"]["code_hash"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == colab_cell_source(repository_url())  # inserted first
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[1].outputs[0]["text"].strip() == "fast"  # CVBOOK_MODE reached the kernel
    # the widget's state is saved, so the static page can show it
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(v["model_name"] == "IntSliderModel" for v in state.values())
    assert check_notebook(path, repository_url()) == []


def test_check_finds_stale_and_unrun_notebooks(executed, tmp_path):
    path, _ = executed
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source += "\n# edited"
    stale = tmp_path / "stale.ipynb"
    nbformat.write(nb, stale)
    assert any("stale" in p for p in check_notebook(stale))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
    nbformat.write(nb, stale)
    assert any("were not executed" in p for p in check_notebook(stale))
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell, n in zip(code, (1, 3, 2)):
        cell.execution_count = n
    nbformat.write(nb, stale)
    assert any("top to bottom" in p for p in check_notebook(stale))


def test_check_finds_errors_and_missing_colab_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1/0", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])]
    nb.cells = [cell]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    problems = check_notebook(path)
    assert any("Colab" in p for p in problems)
    assert any("ZeroDivisionError" in p for p in problems)
    assert any("no cvbook stamp" in p for p in problems)


def test_failing_notebook_is_not_written(tmp_path):
    path = _write(tmp_path / "fails.ipynb", "raise RuntimeError('boom')")
    before = path.read_text()
    with pytest.raises(Exception, match="boom"):
        execute_notebook(path, timeout=60)
    assert path.read_text() == before


def test_colab_cell_is_inserted_once_and_only_runs_on_colab():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    ensure_colab_cell(nb, "https://github.com/a/b")
    ensure_colab_cell(nb, "https://github.com/c/d")
    assert len(nb.cells) == 2 and "git+https://github.com/c/d" in nb.cells[0].source
    assert "if 'google.colab' in sys.modules:" in nb.cells[0].source
    exec(nb.cells[0].source, {})  # not on Colab: does nothing (no pip call, no error)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="mode must be one of"):
        execute_notebook(tmp_path / "x.ipynb", mode="slow")
    with pytest.raises(ValueError, match="existing .ipynb"):
        execute_notebook(tmp_path / "missing.ipynb")


def test_run_in_kernel_sets_and_restores_the_environment(tmp_path, monkeypatch):
    import os

    import nbformat

    from cvbook.book.execute import run_in_kernel

    monkeypatch.setenv("CVBOOK_TEST_UNSET", "present")
    monkeypatch.delenv("CVBOOK_TEST_SET", raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, sys; print(os.environ.get('CVBOOK_TEST_SET'), os.environ.get('CVBOOK_TEST_UNSET'))")])
    seconds = run_in_kernel(nb, tmp_path / "x.ipynb", timeout=60,
                            env={"CVBOOK_TEST_SET": "on", "CVBOOK_TEST_UNSET": None})
    assert seconds > 0
    assert nb.cells[0].outputs[0]["text"].split() == ["on", "None"]
    assert "CVBOOK_TEST_SET" not in os.environ and os.environ["CVBOOK_TEST_UNSET"] == "present"
