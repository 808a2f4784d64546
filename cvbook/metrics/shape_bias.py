"""Shape bias on cue-conflict images: of the decisions that match the shape or the texture, the share of shape.

A cue-conflict image has the shape of one class and the texture of another. Geirhos et al. count a decision
as a *shape decision* when it names the shape's class and a *texture decision* when it names the texture's;
other decisions are ignored, and so are images whose shape and texture classes coincide (no conflict):

    shape bias = shape decisions / (shape decisions + texture decisions).

Reference: R. Geirhos, P. Rubisch, C. Michaelis, M. Bethge, F. A. Wichmann and W. Brendel, "ImageNet-trained
CNNs are biased towards texture; increasing shape bias improves accuracy and robustness", ICLR 2019.
Taught in: notebooks/08_papers/06_texture_vs_shape.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from cvbook._checks import check_tensor

__all__ = ["ShapeBias", "shape_bias"]


@dataclass(frozen=True)
class ShapeBias:
    """Counts on the cue-conflict images and the resulting ``bias`` in [0, 1].

    ``shape``: decisions for the shape's class; ``texture``: for the texture's class; ``other``: for neither;
    ``excluded``: images without a conflict (shape class == texture class), left out of all counts.
    """

    shape: int
    texture: int
    other: int
    excluded: int
    bias: float


def _labels(x: object, name: str) -> Tensor:
    x = check_tensor(x, name)
    if x.dim() != 1 or x.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
        raise ValueError(f"{name} must be an integer Tensor[N] of class indices, got {x.dtype} of shape {tuple(x.shape)}")
    return x.long()


def shape_bias(predictions: Tensor, shape_labels: Tensor, texture_labels: Tensor) -> ShapeBias:
    """The shape bias of a classifier's decisions on cue-conflict images.

    Args:
        predictions: ``LongTensor[N]``, the predicted class of each image (``logits.argmax(1)``).
        shape_labels: ``LongTensor[N]``, the class of each image's shape.
        texture_labels: ``LongTensor[N]``, the class of each image's texture.

    Returns:
        A :class:`ShapeBias` with the counts and ``bias = shape / (shape + texture)``.

    Raises:
        ValueError: the three tensors are not 1-D integer tensors of one length, or no decision (after
        excluding images without a conflict) names the shape or the texture, so the bias is undefined.

    Reference: Geirhos et al., ICLR 2019, Sec. 2 and the authors' repository (steps 3-5 of "How do I compute
    the shape bias of a model?").
    Taught in: notebooks/08_papers/06_texture_vs_shape.ipynb
    """
    p, s, t = _labels(predictions, "predictions"), _labels(shape_labels, "shape_labels"), _labels(texture_labels, "texture_labels")
    if not p.shape == s.shape == t.shape:
        raise ValueError(f"predictions, shape_labels and texture_labels must have one length, got "
                         f"{p.numel()}, {s.numel()}, {t.numel()}")
    conflict = s != t
    p, s, t = p[conflict], s[conflict], t[conflict]
    n_shape, n_texture = int((p == s).sum()), int((p == t).sum())
    if n_shape + n_texture == 0:
        raise ValueError("no decision names the shape or the texture class (or there is no cue-conflict image): "
                         "the shape bias is undefined")
    return ShapeBias(n_shape, n_texture, int(p.numel()) - n_shape - n_texture, int((~conflict).sum()),
                     n_shape / (n_shape + n_texture))
