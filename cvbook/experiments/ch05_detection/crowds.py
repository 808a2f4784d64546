"""A toy model of crowd regression: box deltas fitted to an ambiguous target, with and without RepGT.

In a crowd a proposal's features show parts of two objects, so a regressor trained with smooth L1
alone is pulled towards the neighbour too (the "shift to surrounding objects" of the repulsion-loss
paper). The toy replaces the learned regressor by free deltas ``d`` per proposal (the box is
``decode_boxes(d, P)``) and models the ambiguity explicitly: the attraction loss is a mixture,
``(1 - q) SmoothL1(d, t(G_Attr)) + q SmoothL1(d, t(G_Rep))``. RepGT (``α > 0``) adds
``α Smooth_ln(IoG(B, G_Rep))``. This is a model of the mechanism, not the paper's experiment
(Faster R-CNN on CityPersons and Caltech).

Reference: Wang et al. 2018, "Repulsion Loss: Detecting Pedestrians in a Crowd", Sec. 3.
Taught in: notebooks/05_detection/09_crowds_occlusion.ipynb
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from cvbook._checks import as_generator, check_int, check_probability
from cvbook.data.shapes.detection import DetectionBatch
from cvbook.nn.losses.repulsion import rep_gt_loss
from cvbook.ops.box_coder import decode_boxes, encode_boxes
from cvbook.ops.boxes import box_iog, box_iou

__all__ = ["CrowdRegression", "crowd_regression"]


@dataclass(frozen=True)
class CrowdRegression:
    """Means over the objects of the pairs: ``iou_target`` (IoU of each box with its target),
    ``iog_neighbour`` (IoG with the other object of its pair), ``hit`` (fraction with IoU >= 0.5 to
    the target); per pair: ``pair_iou`` (IoU of the pair's two boxes), ``gt_pair_iou`` (of the two
    targets) and ``both_found`` (both boxes hit their targets and overlap each other by at most 0.5,
    so NMS at 0.5 keeps both). ``boxes``: the regressed boxes ``Tensor[2P, 4]``."""

    iou_target: float
    iog_neighbour: float
    hit: float
    pair_iou: float
    gt_pair_iou: float
    both_found: float
    boxes: torch.Tensor


def crowd_regression(data: DetectionBatch, alpha: float, seed: int = 0, ambiguity: float = 0.3,
                     sigma: float = 0.5, steps: int = 150, lr: float = 0.02, jitter: float = 0.1,
                     box_key: str = "full_boxes") -> CrowdRegression:
    """Fit one box per object of each pair of ``data`` (from :func:`cvbook.data.shapes.make_crowd_batch`,
    one pair per image), starting from a jittered proposal, by Adam on the deltas.

    Args:
        data: a crowd batch with one pair per image (targets ``box_key`` ``Tensor[2, 4]``).
        alpha: weight of RepGT (0: plain regression). seed: the proposals' jitter.
        ambiguity: ``q``, the weight of the neighbour in the attraction mixture.
        sigma: Smooth_ln's σ. steps, lr: Adam. jitter: proposal noise as a fraction of the size.

    Returns:
        :class:`CrowdRegression`.

    Raises:
        ValueError: an image without exactly two objects, bad ``steps`` or ``ambiguity``.
    """
    steps = check_int(steps, "steps", minimum=1)
    q = check_probability(ambiguity, "ambiguity")
    if any(len(t[box_key]) != 2 for t in data.targets):
        raise ValueError("every image must hold exactly one pair (make_crowd_batch(n_pairs=1))")
    g = as_generator(seed)
    gt = torch.cat([t[box_key] for t in data.targets]).float()  # objects 2k and 2k + 1 form pair k
    other = torch.arange(len(gt)) ^ 1
    wh = gt[:, 2:] - gt[:, :2]
    centre = (gt[:, 2:] + gt[:, :2]) / 2 + torch.randn(len(gt), 2, generator=g) * jitter * wh
    size = wh * torch.exp(torch.randn(len(gt), 2, generator=g) * jitter)
    prop = torch.cat([centre - size / 2, centre + size / 2], dim=1)
    t_attr, t_rep = encode_boxes(gt, prop), encode_boxes(gt[other], prop)
    d = torch.zeros(len(gt), 4, requires_grad=True)
    opt = torch.optim.Adam([d], lr=lr)
    for _ in range(steps):
        attr = ((1 - q) * F.smooth_l1_loss(d, t_attr, beta=1 / 9, reduction="none")
                + q * F.smooth_l1_loss(d, t_rep, beta=1 / 9, reduction="none")).sum(1).mean()
        loss = attr + alpha * rep_gt_loss(decode_boxes(d, prop), gt, other, sigma=sigma) if alpha else attr
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    with torch.no_grad():
        b = decode_boxes(d, prop)
        iou_t = box_iou(b, gt).diagonal()
        pair = box_iou(b[0::2], b[1::2]).diagonal()
        both = (pair <= 0.5) & (iou_t[0::2] >= 0.5) & (iou_t[1::2] >= 0.5)
        return CrowdRegression(float(iou_t.mean()), float(box_iog(b, gt[other]).diagonal().mean()),
                               float((iou_t >= 0.5).float().mean()), float(pair.mean()),
                               float(box_iou(gt[0::2], gt[1::2]).diagonal().mean()), float(both.float().mean()), b)
