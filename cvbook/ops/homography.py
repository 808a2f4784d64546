"""Homographies: warping points and images, and SuperPoint's random homographies.

A homography ``H`` (``Tensor[3, 3]``) maps pixel ``(x, y)`` of one image to
``(u / w, v / w)`` with ``(u, v, w) = H (x, y, 1)``, in the same pixel coordinates as OpenCV
(``cv2.perspectiveTransform``, ``cv2.warpPerspective``): point ``(x, y)`` is the centre of pixel
``(row y, col x)``.

Random homographies (:func:`random_homography`) follow the paper's recipe (Sec. 5.1 and the
authors' ``sample_homography``): start from a centred square patch, then compose a perspective
distortion of its corners, a scaling, a rotation and a translation, each drawn within bounds,
and keep the patch inside the image. The homography maps the image to the warped image.

Reference: DeTone, Malisiewicz, Rabinovich 2018, "SuperPoint", Sec. 5 (homographic adaptation).
Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from cvbook._checks import as_generator, check_int, check_positive, check_shape

__all__ = ["homography_from_points", "warp_points", "warp_image", "random_homography", "homographic_adaptation",
           "cumulative_homographic_adaptation"]


def homography_from_points(src: Tensor, dst: Tensor) -> Tensor:
    """The homography taking 4 points ``src`` to ``dst`` (direct linear transform, ``h33 = 1``).

    Args:
        src, dst: ``Tensor[4, 2]`` ``(x, y)``, no three collinear.

    Returns:
        ``Tensor[3, 3]`` float64 with ``warp_points(src, H) == dst``.

    Raises:
        ValueError: not ``(4, 2)``.

    Reference: Hartley and Zisserman 2004, Sec. 4.1 (as ``cv2.getPerspectiveTransform``).
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    check_shape(src, "4 2", "src")
    check_shape(dst, "4 2", "dst")
    s, d = src.double(), dst.double()
    rows, rhs = [], []
    for (x, y), (u, v) in zip(s.tolist(), d.tolist()):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = torch.linalg.solve(torch.tensor(rows, dtype=torch.float64), torch.tensor(rhs, dtype=torch.float64))
    return torch.cat([h, torch.ones(1, dtype=torch.float64)]).view(3, 3)


def warp_points(points: Tensor, homography: Tensor) -> Tensor:
    """Apply a homography to points.

    Args:
        points: ``Tensor[N, 2]`` ``(x, y)``.
        homography: ``Tensor[3, 3]``.

    Returns:
        ``Tensor[N, 2]`` ``(x, y)`` in the warped image, in ``points``' dtype (as
        ``cv2.perspectiveTransform``).

    Raises:
        ValueError: bad shapes.

    Reference: Hartley and Zisserman 2004, Sec. 2.3.
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    check_shape(points, "N 2", "points")
    check_shape(homography, "3 3", "homography")
    dtype = points.dtype if points.is_floating_point() else torch.float32
    p = torch.cat([points.double(), torch.ones(len(points), 1, dtype=torch.float64)], dim=1)
    q = p @ homography.double().T
    return (q[:, :2] / q[:, 2:]).to(dtype)


def warp_image(image: Tensor, homography: Tensor, size: tuple[int, int] | None = None) -> Tensor:
    """Warp an image so that pixel ``H p`` of the result shows pixel ``p`` of the input (bilinear,
    zeros outside), like ``cv2.warpPerspective(image, H, (W, H))``.

    Args:
        image: ``(C, H, W)`` or ``(B, C, H, W)`` float.
        homography: ``Tensor[3, 3]`` from input to output pixels.
        size: output ``(H, W)`` (default: the input's).

    Returns:
        The warped image, same layout as ``image``.

    Raises:
        ValueError: bad shapes.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 5.
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    squeeze = image.dim() == 3
    x = image[None] if squeeze else image
    s = check_shape(x, "B C H W", "image")
    check_shape(homography, "3 3", "homography")
    ho, wo = size if size is not None else (s["H"], s["W"])
    grid = _sampling_grid(torch.linalg.inv(homography.double())[None], (ho, wo), (s["H"], s["W"]))
    g = grid.to(x.dtype).expand(s["B"], -1, -1, -1)
    out = F.grid_sample(x, g, mode="bilinear", padding_mode="zeros", align_corners=True)
    return out[0] if squeeze else out


def _truncated_normal(g: torch.Generator, std: float) -> float:
    """A normal sample with standard deviation ``std`` truncated to ``[-2 std, 2 std]`` (TensorFlow's)."""
    while True:
        z = float(torch.randn(1, generator=g))
        if abs(z) <= 2:
            return z * std


def random_homography(size: tuple[int, int], generator: torch.Generator | int | None = None, *,
                      perspective: float = 0.2, scaling: float = 0.2, max_angle: float = math.pi / 2,
                      translation: bool = True, patch_ratio: float = 0.85, tries: int = 50) -> Tensor:
    """A random homography of an ``(H, W)`` image, as in SuperPoint's homographic adaptation.

    A centred patch covering ``patch_ratio`` of each side is distorted: its corners move by a
    truncated-normal perspective offset (std ``perspective / 2`` of the patch side), it is scaled
    by ``1 + truncated normal(scaling / 2)``, rotated by a uniform angle in ``[-max_angle, max_angle]``
    about its centre and, with ``translation``, shifted uniformly within what keeps it inside the
    image. The homography maps the distorted patch's corners onto the image's corners: the warped
    image shows the patch, as if the camera had moved. Draws are repeated (up to ``tries``) until the
    patch lies inside the image.

    Args:
        size: ``(H, W)``.
        generator: the randomness (seed 0 when ``None``).
        perspective, scaling, max_angle, translation, patch_ratio: the bounds (0 turns one off).
        tries: how many draws before the last valid one (or the unrotated one) is used.

    Returns:
        ``Tensor[3, 3]`` float64 mapping input pixels to warped pixels.

    Raises:
        ValueError: bad size or bounds.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 5.1; departure: the authors draw many
    scales and angles at once and pick a valid one; here a draw is repeated until valid.
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    h, w = (check_int(size[0], "height", minimum=2), check_int(size[1], "width", minimum=2))
    g = as_generator(generator)
    perspective = check_positive(perspective, "perspective", strict=False)
    scaling = check_positive(scaling, "scaling", strict=False)
    max_angle = check_positive(max_angle, "max_angle", strict=False)
    ratio = check_positive(patch_ratio, "patch_ratio")
    if ratio > 1:
        raise ValueError(f"patch_ratio must lie in (0, 1], got {ratio}")
    tries = check_int(tries, "tries", minimum=1)
    # work in normalised coordinates [0, 1]^2, corners tl, bl, br, tr
    margin = (1 - ratio) / 2
    base = torch.tensor([[0, 0], [0, ratio], [ratio, ratio], [ratio, 0]], dtype=torch.float64) + margin
    patch = base
    for _ in range(tries):
        p = base.clone()
        if perspective > 0:
            dy = _truncated_normal(g, perspective / 2) * ratio
            dl = _truncated_normal(g, perspective / 2) * ratio
            dr = _truncated_normal(g, perspective / 2) * ratio
            p += torch.tensor([[dl, dy], [dl, -dy], [dr, dy], [dr, -dy]], dtype=torch.float64)
        centre = p.mean(0, keepdim=True)
        if scaling > 0:
            p = (p - centre) * (1 + _truncated_normal(g, scaling / 2)) + centre
        if max_angle > 0:
            a = (2 * float(torch.rand(1, generator=g)) - 1) * max_angle
            rot = torch.tensor([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], dtype=torch.float64)
            p = (p - centre) @ rot.T + centre
        lo, hi = p.min(0).values, p.max(0).values
        if (lo < 0).any() or (hi > 1).any():
            continue  # outside the image: draw again
        if translation:
            t = torch.rand(2, generator=g, dtype=torch.float64)
            p = p + (-lo) + t * (1 - (hi - lo))  # uniform among shifts that keep it inside
        patch = p
        break
    scale = torch.tensor([w - 1, h - 1], dtype=torch.float64)
    corners = torch.tensor([[0, 0], [0, 1], [1, 1], [1, 0]], dtype=torch.float64)
    return homography_from_points(patch * scale, corners * scale)


def homographic_adaptation(image: Tensor, heatmap_fn: Callable[[Tensor], Tensor],
                           homographies: Sequence[Tensor]) -> Tensor:
    """Average a detector's heat map over warped copies of an image (SuperPoint's homographic adaptation).

    For every homography ``H_i`` the image is warped by ``H_i``, the detector's heat map of the warped
    image is warped back by ``H_i^{-1}``, and the maps are averaged per pixel over the warps that
    see that pixel (a pixel ``p`` is seen when ``H_i p`` lies inside the warped image):

    .. math:: \\hat F(I) = \\frac{\\sum_i H_i^{-1} f(H_i I)}{\\sum_i H_i^{-1} \\mathbb 1}.

    Args:
        image: ``(C, H, W)`` float.
        heatmap_fn: ``(C, H, W) -> Tensor[H, W]``, the base detector's score map.
        homographies: ``Tensor[3, 3]`` each, from image pixels to warped pixels; include the identity
            to count the unwarped image (the paper does).

    Returns:
        ``Tensor[H, W]`` float64, the aggregated heat map (0 where no warp sees the pixel).

    Raises:
        ValueError: a bad image shape or no homographies.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 5, Eq. 10 (the paper's sum over warps, normalised
    here by the number of warps that see each pixel so that the border is not darkened).
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    s = check_shape(image, "C H W", "image")
    if len(homographies) == 0:
        raise ValueError("homographies must not be empty (pass torch.eye(3) for the image itself)")
    size = (s["H"], s["W"])
    total = torch.zeros(size, dtype=torch.float64)
    seen = torch.zeros(size, dtype=torch.float64)
    ones = torch.ones(1, *size, dtype=torch.float64)
    for h in homographies:
        check_shape(h, "3 3", "homography")
        h = h.double()
        heat = heatmap_fn(warp_image(image, h)).double()
        back = torch.linalg.inv(h)
        total += warp_image(heat[None], back)[0]
        seen += warp_image(ones, back)[0]
    return torch.where(seen > 1e-6, total / seen.clamp_min(1e-6), torch.zeros_like(total))


def _sampling_grid(inverse: Tensor, out_size: tuple[int, int], in_size: tuple[int, int]) -> Tensor:
    """``grid_sample`` grids ``(B, Ho, Wo, 2)`` float64: output pixel ``q`` of map ``b`` samples input
    pixel ``inverse[b] q`` (``inverse``: ``(B, 3, 3)`` float64, output -> input pixels)."""
    ho, wo = out_size
    h, w = in_size
    ys, xs = torch.meshgrid(torch.arange(ho, dtype=torch.float64), torch.arange(wo, dtype=torch.float64), indexing="ij")
    p = torch.stack([xs.flatten(), ys.flatten(), torch.ones(ho * wo, dtype=torch.float64)], dim=1)  # (HoWo, 3)
    q = torch.einsum("bij,nj->bni", inverse, p)
    src = q[..., :2] / q[..., 2:]
    # grid_sample with align_corners=True puts -1 and 1 on the centres of the first and last pixel
    gx = 2 * src[..., 0] / max(w - 1, 1) - 1
    gy = 2 * src[..., 1] / max(h - 1, 1) - 1
    return torch.stack([gx, gy], dim=-1).view(-1, ho, wo, 2)


def _warp_batch(x: Tensor, homographies: Tensor) -> Tensor:
    """``x`` ``(B, C, H, W)`` with ``x[i]`` warped by ``homographies[i]`` (as :func:`warp_image`), one ``grid_sample``."""
    h, w = x.shape[-2:]
    grid = _sampling_grid(torch.linalg.inv(homographies.double()), (h, w), (h, w)).to(x.dtype)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def cumulative_homographic_adaptation(image: Tensor, heatmap_fn: Callable[[Tensor], Tensor],
                                      homographies: Sequence[Tensor]) -> Tensor:
    """Homographic adaptation over the first ``n`` warps, for every ``n`` at once, from one batched pass.

    Row ``n - 1`` of the result equals ``homographic_adaptation(image, f, homographies[:n])`` where
    ``f`` is the per-image detector; here the detector sees all warped copies as one batch, so a
    network runs once instead of once per warp and per ``n``.

    Args:
        image: ``(C, H, W)`` float.
        heatmap_fn: ``(N, C, H, W) -> Tensor[N, H, W]``, the base detector's score maps of a batch.
        homographies: ``N`` tensors ``[3, 3]`` from image pixels to warped pixels (the first usually
            the identity).

    Returns:
        ``Tensor[N, H, W]`` float64: the aggregated heat map after 1, 2, ..., N warps.

    Raises:
        ValueError: a bad image shape, no homographies, or a heat map batch of the wrong shape.

    Reference: DeTone et al. 2018, "SuperPoint", Sec. 5, Eq. 10 (normalised as :func:`homographic_adaptation`).
    Taught in: notebooks/07_superpoint/05_homographic_adaptation.ipynb
    """
    s = check_shape(image, "C H W", "image")
    if len(homographies) == 0:
        raise ValueError("homographies must not be empty (pass torch.eye(3) for the image itself)")
    for h in homographies:
        check_shape(h, "3 3", "homography")
    hs = torch.stack([h.double() for h in homographies])
    n = len(hs)
    warped = _warp_batch(image.double()[None].expand(n, -1, -1, -1).contiguous(), hs).to(image.dtype)
    heat = heatmap_fn(warped)
    if tuple(heat.shape) != (n, s["H"], s["W"]):
        raise ValueError(f"heatmap_fn must return ({n}, {s['H']}, {s['W']}) for {n} warps, got {tuple(heat.shape)}")
    back = torch.linalg.inv(hs)
    total = _warp_batch(heat.double()[:, None], back)[:, 0].cumsum(0)
    seen = _warp_batch(torch.ones(n, 1, s["H"], s["W"], dtype=torch.float64), back)[:, 0].cumsum(0)
    return torch.where(seen > 1e-6, total / seen.clamp_min(1e-6), torch.zeros_like(total))
