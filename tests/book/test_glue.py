import numpy as np
import pytest
import torch

from cvbook.book import as_python_scalar, glue


def test_scalars_become_python_numbers():
    assert as_python_scalar(torch.tensor(3)) == 3 and isinstance(as_python_scalar(torch.tensor(3)), int)
    assert isinstance(as_python_scalar(np.float32(0.5)), float)
    assert as_python_scalar("text") == "text"
    with pytest.raises(ValueError, match="one-element tensors"):
        as_python_scalar(torch.zeros(2))


def test_glue_returns_the_value_and_checks_names(capsys):
    assert glue("n_iter", torch.tensor(100), display=False) == 100
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        glue("bad name", 1)
    with pytest.raises(ValueError, match="non-finite"):
        glue("x", float("nan"))


def test_glue_writes_what_myst_nb_glue_writes():
    # the same display output (data and metadata) as myst-nb's own glue, shown and hidden
    pytest.importorskip("myst_nb")
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from myst_nb import glue as myst_glue

    had_shell = InteractiveShell.initialized()
    InteractiveShell.instance()  # a shell, as in a kernel
    try:
        for display in (True, False):
            with capture_output() as ours:
                glue("ratio", 0.25, display=display)
            with capture_output() as theirs:
                myst_glue("ratio", 0.25, display=display)
            assert len(ours.outputs) == len(theirs.outputs) == 1
            assert ours.outputs[0].data == theirs.outputs[0].data
            assert ours.outputs[0].metadata == theirs.outputs[0].metadata
        assert any(k.startswith("application/papermill.record/") for k in ours.outputs[0].data)
    finally:
        if not had_shell:
            InteractiveShell.clear_instance()
