"""Colour-vision simulation (Machado et al. 2009) and palette distances in CIELAB."""
import matplotlib as mpl
import numpy as np
import pytest
import torch
from skimage.color import deltaE_cie76, rgb2lab

from cvbook.plot import CVD_MATRICES, PALETTE, min_colour_distance, simulate_cvd
from cvbook.testing import assert_close


def test_greys_stay_grey_and_white_stays_white():
    greys = np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [1.0, 1.0, 1.0]])
    for kind, m in CVD_MATRICES.items():
        # rows sum to 1 to the paper's 6 decimals: float32's tolerance, not float64's
        assert_close(m.sum(1), np.ones(3), dtype=torch.float32)
        assert_close(simulate_cvd(greys, kind), greys, dtype=torch.float32, msg=kind)


def test_red_and_green_collapse_for_red_green_deficiencies():
    normal = min_colour_distance(["#FF0000", "#00FF00"])
    for kind in ("protan", "deutan"):
        assert min_colour_distance(["#FF0000", "#00FF00"], kind) < 0.5 * normal
    # a tritan keeps red and green apart
    assert min_colour_distance(["#FF0000", "#00FF00"], "tritan") > 0.5 * normal


def test_distance_is_cie76_in_lab():
    # black to white is L* 0 -> 100: distance 100, worked by hand
    assert_close(torch.tensor(min_colour_distance(["black", "white"])), torch.tensor(100.0, dtype=torch.float64))
    rgb = np.array([[0.0, 0.447, 0.698], [0.902, 0.624, 0.0], [0.5, 0.5, 0.5]])
    lab = rgb2lab(rgb[None])[0]
    oracle = min(deltaE_cie76(lab[i], lab[j]) for i in range(3) for j in range(i + 1, 3))   # scikit-image
    assert_close(torch.tensor(min_colour_distance(rgb)), torch.tensor(float(oracle), dtype=torch.float64))


def test_okabe_ito_stays_apart_where_tab10_does_not():
    tab10 = mpl.rcParamsDefault["axes.prop_cycle"].by_key()["color"]
    for kind in ("protan", "deutan"):
        assert min_colour_distance(PALETTE[:6], kind) > 2 * min_colour_distance(tab10[:6], kind)


def test_bad_input():
    with pytest.raises(ValueError, match="kind must be one of"):
        simulate_cvd(["red"], "achromat")
    with pytest.raises(ValueError, match="at least two colours"):
        min_colour_distance(["red"])
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        simulate_cvd(np.zeros((2, 4)), "deutan")
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        simulate_cvd(np.full((1, 3), 255.0), "deutan")
    with pytest.raises(TypeError, match="not one string"):
        simulate_cvd("red", "deutan")
