"""Colour-vision deficiency: simulate how a palette looks to a dichromat and measure how far apart it stays.

About 8 % of men have a red-green deficiency. :func:`simulate_cvd` applies the Machado, Oliveira and
Fernandes (2009) matrices for full-severity protanopia, deuteranopia and tritanopia to *linear* RGB (sRGB
decoded with its transfer curve, then encoded again). :func:`min_colour_distance` is the smallest
CIE 1976 colour difference (ΔE*ab, CIELAB, D65) between any two colours of a palette, after the simulation
if one is named: a palette whose colours stay > ~10 ΔE apart under every deficiency can be told apart.

Reference: G. M. Machado, M. M. Oliveira and L. A. F. Fernandes, "A Physiologically-based Model for
Simulation of Color Vision Deficiency", IEEE TVCG 15(6), 2009 (Table 1, severity 1.0).
Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import to_rgb

__all__ = ["CVD_MATRICES", "simulate_cvd", "min_colour_distance"]

#: Machado et al. 2009, severity 1.0, acting on linear RGB column vectors. Each row sums to 1, so greys stay grey.
CVD_MATRICES: dict[str, np.ndarray] = {
    "protan": np.array([[0.152286, 1.052583, -0.204868],
                        [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968],
                        [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779],
                        [-0.078411, 0.930809, 0.147602],
                        [0.004733, 0.691367, 0.303900]]),
}


def _as_rgb(colours: Sequence[str] | np.ndarray) -> np.ndarray:
    if isinstance(colours, np.ndarray):
        rgb = np.asarray(colours, dtype=float)
        if rgb.ndim != 2 or rgb.shape[1] != 3:
            raise ValueError(f"colours must be an array of shape (N, 3), got {rgb.shape}")
        if rgb.size and (rgb.min() < 0 or rgb.max() > 1):
            raise ValueError("colours must be sRGB values in [0, 1]")
        return rgb
    if isinstance(colours, str):
        raise TypeError("colours must be a sequence of colours, not one string")
    return np.array([to_rgb(c) for c in colours], dtype=float).reshape(-1, 3)


def _to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate_cvd(colours: Sequence[str] | np.ndarray, kind: str) -> np.ndarray:
    """The colours as a dichromat of the given kind sees them.

    Args:
        colours: Matplotlib colour specs (``"#0072B2"``, ``"C0"``, names) or an ``(N, 3)`` sRGB array in [0, 1].
        kind: ``"protan"``, ``"deutan"`` or ``"tritan"``.

    Returns:
        ``(N, 3)`` sRGB array in [0, 1] (out-of-gamut results clipped).

    Raises:
        ValueError: an unknown ``kind`` or colours outside [0, 1].

    Reference: Machado, Oliveira and Fernandes, IEEE TVCG 2009 (applied in linear RGB, as the paper's matrices are).
    Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
    """
    if kind not in CVD_MATRICES:
        raise ValueError(f"kind must be one of {sorted(CVD_MATRICES)}, got {kind!r}")
    rgb = _as_rgb(colours)
    return _to_srgb(_to_linear(rgb) @ CVD_MATRICES[kind].T)


def min_colour_distance(colours: Sequence[str] | np.ndarray, kind: str | None = None) -> float:
    """Smallest CIE76 ΔE*ab between two colours of a palette, after :func:`simulate_cvd` if ``kind`` is given.

    Args:
        colours: at least two colours (see :func:`simulate_cvd`).
        kind: ``None`` (normal vision), ``"protan"``, ``"deutan"`` or ``"tritan"``.

    Returns:
        The minimum over pairs of the Euclidean distance in CIELAB (D65 white); black to white is 100.

    Raises:
        ValueError: fewer than two colours, or an unknown ``kind``.

    Taught in: notebooks/08_papers/05_figures_for_papers.ipynb
    """
    from skimage.color import rgb2lab

    rgb = _as_rgb(colours) if kind is None else simulate_cvd(colours, kind)
    if len(rgb) < 2:
        raise ValueError(f"need at least two colours to measure a distance, got {len(rgb)}")
    lab = rgb2lab(rgb[None, :, :])[0]
    d = np.sqrt(((lab[:, None, :] - lab[None, :, :]) ** 2).sum(-1))
    return float(d[np.triu_indices(len(rgb), k=1)].min())
