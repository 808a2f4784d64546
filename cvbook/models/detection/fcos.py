"""A tiny FCOS: an anchor-free single-stage detector on a three-level FPN, sized for a CPU.

Backbone: four stride-2 conv stages (BN, ReLU); FPN (``cvbook.nn.blocks``) on strides 4, 8, 16;
one head shared by the levels with a classification branch (sigmoid per class, focal loss,
prior-initialised bias), a box branch predicting distances ``(l, t, r, b)`` to the box sides as
``stride * exp(x)``, and a centre-ness branch. Each location inside a box's centre region
(radius ``center_radius * stride``, FCOS's 1.5 by default) whose largest distance fits its level's range is a positive for that box
(the smallest box if several). Inference: ``score = sqrt(p_cls * p_ctr)``, per-class NMS.

Departures from the paper, for 64-pixel images: three levels P2-P4 instead of P3-P7, 32 channels,
two head convs shared by the levels, each followed by a BatchNorm of its own per level (the paper:
four convs with GroupNorm); the box loss is
selectable (GIoU as FCOS's later versions, or IoU / DIoU / CIoU for the ablations).

Reference: Tian, Shen, Chen, He 2019, "FCOS: Fully Convolutional One-Stage Object Detection".
Taught in: notebooks/05_detection/08_trained_detector.ipynb
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cvbook.models.registry import register
from cvbook.nn.blocks.fpn import FeaturePyramidNetwork
from cvbook.ops.focal_loss import prior_bias, sigmoid_focal_loss
from cvbook.ops.iou_loss import complete_box_iou_loss, distance_box_iou_loss, generalized_box_iou_loss, iou_loss
from cvbook.ops.nms import batched_nms, diou_nms

__all__ = ["TinyFCOS", "FCOSLoss", "tiny_fcos"]

_BOX_LOSSES = {"iou": iou_loss, "giou": generalized_box_iou_loss, "diou": distance_box_iou_loss,
               "ciou": complete_box_iou_loss}


def _conv(in_channels: int, out_channels: int, stride: int = 1, act: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False), nn.BatchNorm2d(out_channels), act())


@dataclass(frozen=True)
class FCOSLoss:
    """Loss parts of one batch: ``total = cls + box + ctr``; ``num_pos`` positive locations."""

    total: Tensor
    cls: Tensor
    box: Tensor
    ctr: Tensor
    num_pos: int


class TinyFCOS(nn.Module):
    """FCOS on a four-stage CNN and a P2-P4 FPN (strides 4, 8, 16).

    Args:
        num_classes: object classes (no background class: sigmoid outputs).
        in_channels: image channels. width: FPN and head channels.
        box_loss: ``"giou"`` | ``"iou"`` | ``"diou"`` | ``"ciou"``.
        act: activation class of backbone and head (``nn.ReLU``; ``nn.Mish`` for the YOLOv4 ablation).
        prior: initial foreground probability of the classifier (RetinaNet's π = 0.01).
        center_radius: centre-sampling radius in strides (FCOS: 1.5).

    Forward: ``(B, C, H, W)`` with ``H, W`` multiples of 16 -> dict ``"cls"``: list of
    ``(B, K, H_l, W_l)`` logits, ``"box"``: list of ``(B, 4, H_l, W_l)`` ``(l, t, r, b)`` in pixels,
    ``"ctr"``: list of ``(B, 1, H_l, W_l)`` logits, one entry per level.

    Raises:
        ValueError: unknown ``box_loss``, ``num_classes < 1``.

    Reference: Tian et al. 2019, "FCOS", Sec. 3.
    Taught in: notebooks/05_detection/08_trained_detector.ipynb
    """

    strides = (4, 8, 16)

    def __init__(self, num_classes: int = 4, in_channels: int = 1, width: int = 32, box_loss: str = "giou",
                 act: type[nn.Module] = nn.ReLU, prior: float = 0.01, center_radius: float = 1.5) -> None:
        super().__init__()
        if num_classes < 1:
            raise ValueError(f"num_classes must be >= 1, got {num_classes}")
        if box_loss not in _BOX_LOSSES:
            raise ValueError(f"box_loss must be one of {sorted(_BOX_LOSSES)}, got {box_loss!r}")
        if center_radius <= 0:
            raise ValueError(f"center_radius must be > 0, got {center_radius}")
        self.num_classes, self.box_loss, self.center_radius = num_classes, box_loss, float(center_radius)
        chans = (16, 24, 48, 64)
        self.stem = _conv(in_channels, chans[0], 2, act)
        self.stages = nn.ModuleList(nn.Sequential(_conv(a, b, 2, act), _conv(b, b, 1, act))
                                    for a, b in zip(chans[:-1], chans[1:]))
        self.fpn = FeaturePyramidNetwork(chans[1:], width)
        # the head's convs are shared by the levels, its BatchNorms are not: one BN per level (as
        # NAS-FCOS / EfficientDet). A shared BN trains on each level's own batch statistics but keeps
        # one running mean/var mixed over the levels, which evaluation then applies to every level.
        self.tower = nn.ModuleList(nn.Conv2d(width, width, 3, 1, 1, bias=False) for _ in range(2))
        self.tower_norms = nn.ModuleList(nn.ModuleList(nn.BatchNorm2d(width) for _ in self.tower)
                                         for _ in self.strides)
        self.tower_act = act()
        self.cls_head = nn.Conv2d(width, num_classes, 3, padding=1)
        self.box_head = nn.Conv2d(width, 4, 3, padding=1)
        self.ctr_head = nn.Conv2d(width, 1, 3, padding=1)
        self.scales = nn.Parameter(torch.ones(len(self.strides)))  # FCOS's per-level learnable scale
        for head in (self.cls_head, self.box_head, self.ctr_head):
            nn.init.normal_(head.weight, std=0.01)
            nn.init.zeros_(head.bias)
        nn.init.constant_(self.cls_head.bias, prior_bias(prior))

    def forward(self, images: Tensor) -> dict[str, list[Tensor]]:
        if images.dim() != 4 or images.shape[-1] % 16 or images.shape[-2] % 16:
            raise ValueError(f"images must be (B, C, H, W) with H, W multiples of 16, got {tuple(images.shape)}")
        x = self.stem(images)
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        out: dict[str, list[Tensor]] = {"cls": [], "box": [], "ctr": []}
        for level, p in enumerate(self.fpn(feats)):
            t = p
            for conv, norm in zip(self.tower, self.tower_norms[level]):
                t = self.tower_act(norm(conv(t)))
            out["cls"].append(self.cls_head(t))
            reg = (self.scales[level] * self.box_head(t)).clamp(max=6.0)
            out["box"].append(self.strides[level] * torch.exp(reg))
            out["ctr"].append(self.ctr_head(t))
        return out

    # ---------------------------------------------------------------- targets and loss
    def locations(self, height: int, width: int, device: torch.device | None = None) -> list[Tensor]:
        """Centres ``(x, y)`` of each level's cells in image pixels: list of ``Tensor[H_l * W_l, 2]``."""
        locs = []
        for s in self.strides:
            ys = (torch.arange(height // s, device=device) + 0.5) * s
            xs = (torch.arange(width // s, device=device) + 0.5) * s
            yy, xx = torch.meshgrid(ys, xs, indexing="ij")
            locs.append(torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1))
        return locs

    def assign(self, locs: list[Tensor], boxes: Tensor) -> tuple[Tensor, Tensor]:
        """FCOS targets of one image: the matched box index per location (-1: background) and
        the level of each location, over all levels concatenated."""
        pts = torch.cat(locs)
        lvl = torch.cat([torch.full((len(l),), i) for i, l in enumerate(locs)])
        if boxes.shape[0] == 0:
            return torch.full((len(pts),), -1, dtype=torch.long), lvl
        stride = torch.tensor(self.strides, dtype=pts.dtype)[lvl]
        x, y = pts[:, 0:1], pts[:, 1:2]
        ltrb = torch.stack([x - boxes[:, 0], y - boxes[:, 1], boxes[:, 2] - x, boxes[:, 3] - y], dim=2)  # (P, G, 4)
        inside = ltrb.min(dim=2).values > 0
        cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
        r = self.center_radius * stride[:, None]
        centre = ((x - cx).abs() < r) & ((y - cy).abs() < r)
        # level ranges of the largest distance m: (0, 4 s_0], (4 s_0, 4 s_1], ..., the last open
        # (FCOS: (0, 64], (64, 128], ... from P3, i.e. 8 s; halved here for 64-pixel images)
        m = ltrb.max(dim=2).values
        bounds = torch.tensor([0.0] + [4.0 * s for s in self.strides[:-1]] + [math.inf], dtype=pts.dtype)
        lo, hi = bounds[lvl][:, None], bounds[lvl + 1][:, None]
        ok = inside & centre & (m > lo) & (m <= hi)
        area = ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]))[None].expand_as(ok)
        area = torch.where(ok, area, torch.full_like(area, math.inf))
        best_area, idx = area.min(dim=1)
        return torch.where(torch.isfinite(best_area), idx, torch.full_like(idx, -1)), lvl

    def loss(self, outputs: dict[str, list[Tensor]], targets: Sequence[dict[str, Tensor]]) -> FCOSLoss:
        """Focal loss (all locations, / positives) + box loss and centre-ness BCE (positives).

        Reference: Tian et al. 2019, "FCOS", Eq. (2) and Sec. 3.3.
        """
        cls = torch.cat([c.flatten(2) for c in outputs["cls"]], dim=2).transpose(1, 2)  # (B, P, K)
        box = torch.cat([b.flatten(2) for b in outputs["box"]], dim=2).transpose(1, 2)  # (B, P, 4)
        ctr = torch.cat([c.flatten(2) for c in outputs["ctr"]], dim=2)[:, 0]  # (B, P)
        h = outputs["cls"][0].shape[-2] * self.strides[0]
        w = outputs["cls"][0].shape[-1] * self.strides[0]
        locs = self.locations(h, w, cls.device)
        pts = torch.cat(locs)
        cls_t = torch.zeros_like(cls)
        pos_pred, pos_gt, pos_pts, pos_ctr = [], [], [], []
        for i, t in enumerate(targets):
            idx, _ = self.assign(locs, t["boxes"])
            pos = idx >= 0
            cls_t[i, pos, t["labels"][idx[pos]]] = 1.0
            if pos.any():
                p = pts[pos]
                ltrb = box[i, pos]
                pos_pred.append(torch.cat([p - ltrb[:, :2], p + ltrb[:, 2:]], dim=1))
                pos_gt.append(t["boxes"][idx[pos]])
                pos_pts.append(p)
                pos_ctr.append(ctr[i, pos])
        num_pos = sum(len(p) for p in pos_pts)
        norm = max(num_pos, 1)
        l_cls = sigmoid_focal_loss(cls, cls_t, reduction="sum") / norm
        if num_pos == 0:
            zero = box.sum() * 0 + ctr.sum() * 0
            return FCOSLoss(l_cls + zero, l_cls, zero, zero, 0)
        pred, gt, p, c = torch.cat(pos_pred), torch.cat(pos_gt), torch.cat(pos_pts), torch.cat(pos_ctr)
        l, tt = p[:, 0] - gt[:, 0], p[:, 1] - gt[:, 1]
        r, b = gt[:, 2] - p[:, 0], gt[:, 3] - p[:, 1]
        ctr_t = torch.sqrt((torch.min(l, r) / torch.max(l, r)) * (torch.min(tt, b) / torch.max(tt, b)))
        l_box = _BOX_LOSSES[self.box_loss](pred, gt, reduction="mean")
        l_ctr = F.binary_cross_entropy_with_logits(c, ctr_t, reduction="mean")
        return FCOSLoss(l_cls + l_box + l_ctr, l_cls.detach(), l_box.detach(), l_ctr.detach(), num_pos)

    # ---------------------------------------------------------------- inference
    @torch.no_grad()
    def predict(self, images: Tensor, score_threshold: float = 0.05, nms_threshold: float = 0.5,
                max_detections: int = 100, nms_method: str = "nms",
                pre_nms_top_n: int = 1000) -> list[dict[str, Tensor]]:
        """Detections per image: ``{"boxes": Tensor[D, 4] xyxy, "scores": Tensor[D], "labels": Tensor[D]}``.

        ``nms_method``: ``"nms"`` (greedy, per class) or ``"diou"`` (DIoU-NMS, per class).
        ``pre_nms_top_n``: candidates kept by score before NMS (FCOS: 1000); NMS costs its square.
        """
        if nms_method not in ("nms", "diou"):
            raise ValueError(f"nms_method must be 'nms' or 'diou', got {nms_method!r}")
        was_training = self.training
        self.eval()
        out = self(images)
        if was_training:
            self.train()
        h, w = images.shape[-2:]
        pts = torch.cat(self.locations(h, w, images.device))
        cls = torch.cat([c.flatten(2) for c in out["cls"]], dim=2).transpose(1, 2).sigmoid()
        box = torch.cat([b.flatten(2) for b in out["box"]], dim=2).transpose(1, 2)
        ctr = torch.cat([c.flatten(2) for c in out["ctr"]], dim=2).transpose(1, 2).sigmoid()
        score = torch.sqrt(cls * ctr)  # (B, P, K)
        results = []
        for i in range(images.shape[0]):
            s = score[i]
            loc, lab = torch.nonzero(s > score_threshold, as_tuple=True)
            sc = s[loc, lab]
            top = torch.argsort(sc, descending=True)[:pre_nms_top_n]
            loc, lab, sc = loc[top], lab[top], sc[top]
            b = torch.cat([pts[loc] - box[i, loc, :2], pts[loc] + box[i, loc, 2:]], dim=1)
            b = torch.stack([b[:, 0].clamp(0, w), b[:, 1].clamp(0, h), b[:, 2].clamp(0, w), b[:, 3].clamp(0, h)], dim=1)
            if nms_method == "nms":
                keep = batched_nms(b, sc, lab, nms_threshold)
            else:
                keep = torch.cat([torch.nonzero(lab == c)[:, 0][diou_nms(b[lab == c], sc[lab == c], nms_threshold)]
                                  for c in lab.unique()] + [torch.zeros(0, dtype=torch.long)])
                keep = keep[torch.argsort(sc[keep], descending=True)]
            keep = keep[:max_detections]
            results.append({"boxes": b[keep], "scores": sc[keep], "labels": lab[keep]})
        return results


@register("tiny_fcos", task="detection")
def tiny_fcos(num_classes: int = 4, in_channels: int = 1, **kwargs) -> TinyFCOS:
    """The chapter's detector: :class:`TinyFCOS` (about 0.1 M parameters).

    Taught in: notebooks/05_detection/08_trained_detector.ipynb
    """
    return TinyFCOS(num_classes=num_classes, in_channels=in_channels, **kwargs)
