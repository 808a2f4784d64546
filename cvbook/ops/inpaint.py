"""Navier-Stokes image inpainting, written from the PDE (Bertalmio, Bertozzi and Sapiro 2001).

Read the image intensity ``I`` as the *stream function* of a 2-D incompressible flow: the velocity
``v = grad^perp I = (-I_y, I_x)`` runs along the isophotes (lines of constant ``I``) and the *vorticity* is
the image Laplacian ``w = Lap I`` (the "smoothness" that Bertalmio et al. 2000 transport). In the hole
``Omega`` we evolve the vorticity transport equation with an anisotropic (Perona-Malik) viscosity

    w_t + v . grad w = nu div( g(|grad w|) grad w ),     g(s) = 1 / (1 + (s / K)^2),

and after each step recover the image from its vorticity by solving the Poisson equation
``Lap I = w`` in ``Omega`` (Dirichlet data: the known pixels). At a steady state the Laplacian is constant
along isophotes, so the isophotes arriving at the hole's boundary are continued into it.

Numerics (ours): 5-point Laplacian; upwind differences for the transport term; the Perona-Malik flux
between 4-neighbours; Jacobi sweeps for the Poisson equation; the hole is first filled by harmonic
(``Lap I = 0``) Jacobi sweeps, so that the flow starts from a smooth guess. The time step obeys the CFL
and diffusion limits. Colour channels are inpainted independently (as in the paper).

Reference: M. Bertalmio, A. L. Bertozzi and G. Sapiro, "Navier-Stokes, Fluid Dynamics, and Image and
Video Inpainting", CVPR 2001, eq. (3)-(5); M. Bertalmio, G. Sapiro, V. Caselles and C. Ballester,
"Image Inpainting", SIGGRAPH 2000.
Taught in: notebooks/08_papers/04_inpainting.ipynb
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import check_int, check_positive, check_tensor

__all__ = ["navier_stokes_inpaint"]


def _neighbours(index: Tensor, h: int, w: int) -> Tensor:
    """Flat indices of the (up, down, left, right) neighbours of flat pixel indices, borders replicated:
    ``LongTensor[M] -> LongTensor[4, M]``."""
    r, c = index // w, index % w
    return torch.stack([(r - 1).clamp_min(0) * w + c, (r + 1).clamp_max(h - 1) * w + c,
                        r * w + (c - 1).clamp_min(0), r * w + (c + 1).clamp_max(w - 1)])


def _laplacian_at(u: Tensor, index: Tensor, nb: Tensor) -> Tensor:
    """5-point Laplacian of ``u (N, H*W)`` at the flat pixels ``index`` with neighbours ``nb (4, M)``."""
    return u[:, nb].sum(1) - 4 * u[:, index]


def navier_stokes_inpaint(image: Tensor, mask: Tensor, n_iter: int = 100, poisson_sweeps: int = 10,
                          init_sweeps: int = 400, viscosity: float = 0.1, contrast: float | None = None) -> Tensor:
    """Fill the pixels where ``mask`` is True by the Navier-Stokes vorticity-stream method.

    Args:
        image: ``Tensor[H, W]`` or ``Tensor[C, H, W]``, floating point (any range; values under the mask
            are ignored).
        mask: ``BoolTensor[H, W]``, True where the pixel is missing.
        n_iter: outer steps of the vorticity transport, ``>= 0`` (0 gives the harmonic fill).
        poisson_sweeps: Jacobi sweeps of ``Lap I = w`` after each step, ``>= 1``.
        init_sweeps: harmonic Jacobi sweeps of the initial fill, ``>= 0``.
        viscosity: ``nu >= 0``, the strength of the anisotropic diffusion of the vorticity.
        contrast: Perona-Malik ``K`` (default: the median ``|grad w|`` over the known pixels, or 1).

    Returns:
        A tensor like ``image`` (same dtype and shape) with the known pixels unchanged.

    Raises:
        TypeError: ``image`` not floating point, ``mask`` not ``torch.bool``.
        ValueError: ``image`` not 2-D/3-D, ``mask``'s shape not ``image``'s ``(H, W)``, a mask with no known
            pixel, or bad iteration counts.

    Reference: Bertalmio, Bertozzi and Sapiro, CVPR 2001.
    Taught in: notebooks/08_papers/04_inpainting.ipynb
    """
    check_tensor(image, "image")
    check_tensor(mask, "mask")
    if not image.is_floating_point():
        raise TypeError(f"image must be floating point, got {image.dtype} (convert uint8 with .float() / 255)")
    if image.dim() not in (2, 3):
        raise ValueError(f"image must be (H, W) or (C, H, W), got shape {tuple(image.shape)}")
    if mask.dtype != torch.bool:
        raise TypeError(f"mask must be a torch.bool tensor (True = missing pixel), got {mask.dtype}")
    if mask.shape != image.shape[-2:]:
        raise ValueError(f"mask must have the image's (H, W) = {tuple(image.shape[-2:])}, got {tuple(mask.shape)}")
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    poisson_sweeps = check_int(poisson_sweeps, "poisson_sweeps", minimum=1)
    init_sweeps = check_int(init_sweeps, "init_sweeps", minimum=0)
    nu = check_positive(viscosity, "viscosity", strict=False)
    if not mask.any():
        return image.clone()
    if mask.all():
        raise ValueError("mask hides every pixel: there is nothing to inpaint from")

    h, wd = image.shape[-2:]
    # work on the hole's pixels only (flat indices), a few per cent of the image: every update is a gather
    u = image.detach().to(torch.float64).reshape(-1, h * wd).clone()
    hole = mask.reshape(-1).to(u.device)
    idx = hole.nonzero()[:, 0]
    nb = _neighbours(idx, h, wd)                                   # (4, M)
    ring = torch.unique(nb[~hole[nb]])                             # known pixels next to the hole
    nb_ring = _neighbours(ring, h, wd)
    known = ~hole
    # start: every missing pixel at the mean of the known ones, then a harmonic fill (Lap I = 0)
    u[:, idx] = u[:, known].mean(1, keepdim=True)
    for _ in range(init_sweeps):
        u[:, idx] = u[:, nb].sum(1) / 4

    if contrast is None:
        everywhere = torch.arange(h * wd, device=u.device)
        lap = _laplacian_at(u, everywhere, _neighbours(everywhere, h, wd)).reshape(-1, 1, h, wd)
        gy, gx = torch.gradient(lap, dim=(2, 3))
        k = float(torch.sqrt(gx**2 + gy**2).reshape(u.shape[0], -1)[:, known].median())
        k = k if k > 0 else 1.0
    else:
        k = check_positive(contrast, "contrast")

    w = torch.zeros_like(u)
    w[:, idx] = _laplacian_at(u, idx, nb)
    for _ in range(n_iter):
        w[:, ring] = _laplacian_at(u, ring, nb_ring)              # boundary data: the current Laplacian
        un = u[:, nb]                                              # (N, 4, M): up, down, left, right
        vx, vy = -(un[:, 1] - un[:, 0]) / 2, (un[:, 3] - un[:, 2]) / 2   # v = grad^perp I = (-I_y, I_x)
        wc, wn = w[:, idx], w[:, nb]
        # upwind differences for v . grad w
        wx = torch.where(vx > 0, wc - wn[:, 2], wn[:, 3] - wc)
        wy = torch.where(vy > 0, wc - wn[:, 0], wn[:, 1] - wc)
        transport = vx * wx + vy * wy
        dw = wn - wc[:, None]                                      # Perona-Malik flux to the 4 neighbours
        diffusion = (dw / (1 + (dw / k) ** 2)).sum(1)
        speed = float(torch.maximum(vx.abs(), vy.abs()).max())
        dt = 0.4 / max(speed, 1e-12)                               # CFL: |v| dt <= 0.4 pixel
        if nu > 0:
            dt = min(dt, 0.2 / nu)                                 # explicit diffusion: 4 nu dt <= 0.8
        w[:, idx] = wc + dt * (-transport + nu * diffusion)
        for _ in range(poisson_sweeps):                            # Lap I = w in the hole (Jacobi)
            u[:, idx] = (u[:, nb].sum(1) - w[:, idx]) / 4

    return u.reshape(image.shape).to(image.dtype)
