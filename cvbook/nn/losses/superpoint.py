"""SuperPoint's losses: the detector's per-cell 65-way cross-entropy and the descriptor hinge loss.

Detector (the notes' :math:`L_p`): the mean over the :math:`H_c W_c` cells of
:math:`-\\log \\mathrm{softmax}(x_{hw})_{y_{hw}}`. Computed with log-softmax (log-sum-exp), so it stays
exact at any logit scale, where a naive ``exp`` overflows. At uniform logits it is :math:`\\ln 65`.

Descriptor: for every pair of cells ``(h, w)`` of image 1 and ``(h', w')`` of image 2, with
``s = 1`` when the centre of cell ``(h, w)`` warped by the homography lands within 8 px of the
centre of ``(h', w')``:

.. math:: l_d = \\lambda_d\\, s \\max(0, m_p - d^\\top d') + (1 - s) \\max(0, d^\\top d' - m_n),

averaged over all :math:`(H_c W_c)^2` pairs; :math:`m_p = 1`, :math:`m_n = 0.2`, :math:`\\lambda_d = 250`.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 3.4, Eq. 2-5.
Taught in: notebooks/07_superpoint/03_debugging.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_int, check_positive, check_shape

__all__ = ["detector_loss", "descriptor_correspondence", "descriptor_loss"]


def detector_loss(logits: Tensor, labels: Tensor, reduction: str = "mean") -> Tensor:
    """SuperPoint's detector loss: the 65-way cross-entropy of each cell, averaged over cells.

    Args:
        logits: ``(B, 65, Hc, Wc)`` (or ``(65, Hc, Wc)``), the dustbin last.
        labels: ``LongTensor[B, Hc, Wc]`` (or ``[Hc, Wc]``) in ``0 .. 64`` (64: dustbin).
        reduction: ``"mean"`` (over all cells of the batch), ``"sum"`` or ``"none"`` (``(B, Hc, Wc)``).

    Returns:
        The loss; ``ln 65 = 4.1744`` at uniform logits.

    Raises:
        ValueError: shapes that do not match, labels out of range, unknown reduction.

    Reference: DeTone et al. 2018, "SuperPoint", Eq. 2-3.
    Taught in: notebooks/07_superpoint/03_debugging.ipynb
    """
    if logits.dim() == 3:
        logits, labels = logits[None], labels[None]
    s = check_shape(logits, "B C Hc Wc", "logits")
    check_shape(labels, ("B", "Hc", "Wc"), "labels")
    if labels.shape != (s["B"], s["Hc"], s["Wc"]):
        raise ValueError(f"labels must have shape {(s['B'], s['Hc'], s['Wc'])}, got {tuple(labels.shape)}")
    if labels.is_floating_point():
        raise ValueError(f"labels must be integer class indices, got {labels.dtype}")
    if labels.numel() and (labels.min() < 0 or labels.max() >= s["C"]):
        raise ValueError(f"labels must lie in 0 .. {s['C'] - 1} (the dustbin is {s['C'] - 1}, 0-based)")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return F.cross_entropy(logits, labels.long(), reduction=reduction)


def descriptor_correspondence(homography: Tensor, size: tuple[int, int], cell: int = 8,
                              distance: float = 8.0) -> Tensor:
    """Which cells correspond under a homography: ``s[hw, h'w'] = 1`` when the centre of cell
    ``(h, w)`` of image 1, warped, lies within ``distance`` px of the centre of cell ``(h', w')``.

    Args:
        homography: ``Tensor[3, 3]`` from image-1 to image-2 pixels.
        size: the image ``(H, W)``.
        cell: the cell side; cell ``(h, w)`` has centre ``(x, y) = (cell*w + (cell-1)/2, cell*h + (cell-1)/2)``.
        distance: the threshold in pixels (8 in the paper). The test is strict (``< distance``), so the
            4 neighbours of a cell, exactly 8 px away under the identity, do not count; the paper
            writes ``<= 8``, the TensorFlow reimplementation ``<= 7.5`` (the same as ``< 8`` on this grid).

    Returns:
        ``Tensor[Hc*Wc, Hc*Wc]`` float of 0/1, cells in row-major order.

    Raises:
        ValueError: bad shapes or sizes.

    Reference: DeTone et al. 2018, "SuperPoint", Eq. 4.
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    check_shape(homography, "3 3", "homography")
    cell = check_int(cell, "cell", minimum=1)
    distance = check_positive(distance, "distance")
    hc, wc = check_int(size[0], "height", minimum=cell) // cell, check_int(size[1], "width", minimum=cell) // cell
    ys, xs = torch.meshgrid(torch.arange(hc, dtype=torch.float64), torch.arange(wc, dtype=torch.float64), indexing="ij")
    centres = torch.stack([xs.flatten(), ys.flatten()], 1) * cell + (cell - 1) / 2
    p = torch.cat([centres, torch.ones(len(centres), 1, dtype=torch.float64)], 1) @ homography.double().T
    warped = p[:, :2] / p[:, 2:]
    return (torch.cdist(warped, centres) < distance).float()


def descriptor_loss(desc1: Tensor, desc2: Tensor, correspondence: Tensor, pos_margin: float = 1.0,
                    neg_margin: float = 0.2, lambda_d: float = 250.0) -> Tensor:
    """SuperPoint's descriptor hinge loss over all pairs of cells of two images.

    Args:
        desc1, desc2: ``(B, D, Hc, Wc)`` descriptors (unit length in SuperPoint).
        correspondence: ``(Hc*Wc, Hc*Wc)`` or ``(B, Hc*Wc, Hc*Wc)`` 0/1, from
            :func:`descriptor_correspondence`.
        pos_margin, neg_margin, lambda_d: :math:`m_p`, :math:`m_n`, :math:`\\lambda_d`.

    Returns:
        The scalar mean over the batch and the :math:`(H_c W_c)^2` pairs.

    Raises:
        ValueError: shapes that do not match.

    Reference: DeTone et al. 2018, "SuperPoint", Eq. 5.
    Taught in: notebooks/07_superpoint/06_descriptors.ipynb
    """
    s = check_shape(desc1, "B D Hc Wc", "desc1")
    check_shape(desc2, "B D Hc Wc", "desc2")
    if desc1.shape != desc2.shape:
        raise ValueError(f"desc1 and desc2 must have one shape, got {tuple(desc1.shape)} and {tuple(desc2.shape)}")
    n = s["Hc"] * s["Wc"]
    corr = correspondence if correspondence.dim() == 3 else correspondence[None]
    if corr.shape[-2:] != (n, n):
        raise ValueError(f"correspondence must be ({n}, {n}) for {s['Hc']}x{s['Wc']} cells, got {tuple(correspondence.shape)}")
    mp = check_positive(pos_margin, "pos_margin", strict=False)
    mn = check_positive(neg_margin, "neg_margin", strict=False)
    lam = check_positive(lambda_d, "lambda_d", strict=False)
    dot = torch.einsum("bdn,bdm->bnm", desc1.flatten(2), desc2.flatten(2))
    corr = corr.to(dot.dtype)
    loss = lam * corr * torch.clamp(mp - dot, min=0) + (1 - corr) * torch.clamp(dot - mn, min=0)
    return loss.mean()
