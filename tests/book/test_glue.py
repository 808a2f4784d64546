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
