"""Image grids and annotated heat maps, reused across chapters."""
from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["image_grid", "heatmap", "to_numpy_image"]


def to_numpy_image(image: torch.Tensor | np.ndarray) -> np.ndarray:
    """Convert one image to an array Matplotlib can show.

    Accepts ``(H, W)``, ``(1, H, W)``, ``(3, H, W)`` (channels first, torch convention) or
    ``(H, W, 3)`` (channels last). Returns ``(H, W)`` or ``(H, W, 3)``.
    """
    arr = image.detach().cpu().float().numpy() if isinstance(image, torch.Tensor) else np.asarray(image)
    if arr.ndim == 3 and arr.shape[0] in (1, 3) and arr.shape[-1] not in (1, 3):
        arr = np.moveaxis(arr, 0, -1)
    elif arr.ndim == 3 and arr.shape[0] in (1, 3) and arr.shape[-1] in (1, 3) and isinstance(image, torch.Tensor):
        arr = np.moveaxis(arr, 0, -1)  # torch tensors are channels-first even when tiny
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] != 3):
        raise ValueError(f"expected an image of shape (H, W), (C, H, W) or (H, W, 3) with C in (1, 3), got {arr.shape}")
    return arr


def image_grid(
    images: torch.Tensor | Sequence[torch.Tensor | np.ndarray],
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    cmap: str = "gray",
    ax_size: float = 1.2,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """Show images in a grid with optional titles; returns the figure.

    ``images``: a tensor ``(N, C, H, W)`` or ``(N, H, W)``, or a list of single images.
    """
    if isinstance(images, torch.Tensor):
        if images.dim() not in (3, 4):
            raise ValueError(f"a tensor of images must be (N, H, W) or (N, C, H, W), got {tuple(images.shape)}")
        items = list(images)
    else:
        items = list(images)
    n = len(items)
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    if titles is not None and len(titles) != n:
        raise ValueError(f"got {len(titles)} titles for {n} images")
    ncols = ncols or min(n, 8)
    if ncols <= 0:
        raise ValueError(f"ncols must be positive, got {ncols}")
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ax_size * ncols, ax_size * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(to_numpy_image(items[i]), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if titles is not None:
                ax.set_title(titles[i], fontsize=7)
    fig.tight_layout()
    return fig


def heatmap(
    ax: Axes,
    matrix: torch.Tensor | np.ndarray,
    xticklabels: Sequence[object] | None = None,
    yticklabels: Sequence[object] | None = None,
    fmt: str = ".2f",
    cmap: str = "viridis",
    annotate: bool = True,
    colorbar: bool = True,
):
    """Draw a 2-D ``matrix`` (rows along y, columns along x) on ``ax``, annotated with its values.

    Returns the ``AxesImage``. Annotations switch between black and white for contrast.
    """
    m = matrix.detach().cpu().numpy() if isinstance(matrix, torch.Tensor) else np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"heatmap needs a 2-D matrix, got shape {m.shape}")
    for labels, size, axis in ((xticklabels, m.shape[1], "x"), (yticklabels, m.shape[0], "y")):
        if labels is not None and len(labels) != size:
            raise ValueError(f"{axis}ticklabels has {len(labels)} entries for {size} {axis} positions")
    im = ax.imshow(m, cmap=cmap, aspect="auto")
    if xticklabels is not None:
        ax.set_xticks(range(m.shape[1]), [str(t) for t in xticklabels])
    if yticklabels is not None:
        ax.set_yticks(range(m.shape[0]), [str(t) for t in yticklabels])
    if annotate:
        # pick black or white per cell from the luminance of the colour actually drawn there
        for (r, c), v in np.ndenumerate(m):
            red, green, blue, _ = im.cmap(im.norm(v)) if np.isfinite(v) else (1.0, 1.0, 1.0, 1.0)
            colour = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
            ax.text(c, r, format(v, fmt), ha="center", va="center", color=colour, fontsize=6)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return im
