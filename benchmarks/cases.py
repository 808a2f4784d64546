"""The benchmark cases. Each returns :class:`Row` s; a missing op gives a row saying "not available"."""
from __future__ import annotations

import importlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from benchmarks.timing import compare, throughput

__all__ = ["Row", "CASES", "book_times"]

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    case: str
    setting: str
    ours: str  # time per call of cvbook's op, or the measured value
    reference: str  # time per call of the library op ("" when there is none)
    result: str  # the ratio ours / reference, or the value
    target: str  # "" when there is none
    verdict: str  # "met", "missed", "" (no target), or why the case did not run


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.3g} µs"


def _ratio_row(case: str, setting: str, ours: Callable, ref: Callable, target: float | None, rounds: int) -> Row:
    c = compare(ours, ref, rounds=rounds)
    verdict = "" if target is None else ("met" if c.ratio <= target else "missed")
    return Row(case, setting, _ms(c.ours_s), _ms(c.ref_s), f"{c.ratio:.2f}×", f"≤ {target}×" if target else "", verdict)


def _lazy(module: str, name: str):
    """``module.name``, or None when the module or the name does not exist (yet)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _boxes(n: int, g: torch.Generator, size: float = 512.0) -> torch.Tensor:
    xy = torch.rand(n, 2, generator=g) * size
    wh = torch.rand(n, 2, generator=g) * size / 4 + 1.0
    return torch.cat([xy, xy + wh], dim=1)


def box_iou_case(rounds: int) -> list[Row]:
    import torchvision.ops as tv

    ours = _lazy("cvbook.ops", "box_iou")
    setting = "1000 × 1000 boxes, float32"
    if ours is None:
        return [Row("box IoU vs torchvision.ops.box_iou", setting, "", "", "", "≤ 1.5×", "not available")]
    g = torch.Generator().manual_seed(0)
    a, b = _boxes(1000, g), _boxes(1000, g)
    return [_ratio_row("box IoU vs torchvision.ops.box_iou", setting, lambda: ours(a, b), lambda: tv.box_iou(a, b), 1.5, rounds)]


def nms_case(rounds: int) -> list[Row]:
    import torchvision.ops as tv

    ours = _lazy("cvbook.ops", "nms")
    setting = "2000 boxes, IoU 0.5 (torchvision: C++ kernel)"
    if ours is None:
        return [Row("NMS vs torchvision.ops.nms", setting, "", "", "", "", "not available")]
    g = torch.Generator().manual_seed(1)
    boxes, scores = _boxes(2000, g), torch.rand(2000, generator=g)
    return [_ratio_row("NMS vs torchvision.ops.nms", setting, lambda: ours(boxes, scores, 0.5), lambda: tv.nms(boxes, scores, 0.5), None, rounds)]


def roi_align_case(rounds: int) -> list[Row]:
    import torchvision.ops as tv

    ours = _lazy("cvbook.ops", "roi_align")
    setting = "(2, 64, 50, 50) map, 256 RoIs, 7×7, ratio 2, aligned"
    if ours is None:
        return [Row("RoIAlign vs torchvision.ops.roi_align", setting, "", "", "", "", "not available")]
    g = torch.Generator().manual_seed(2)
    x = torch.randn(2, 64, 50, 50, generator=g)
    b = _boxes(256, g, size=200.0)
    rois = torch.cat([torch.randint(2, (256, 1), generator=g).float(), b], dim=1)
    kw = dict(output_size=7, spatial_scale=0.25, sampling_ratio=2, aligned=True)
    return [_ratio_row("RoIAlign vs torchvision.ops.roi_align", setting, lambda: ours(x, rois, **kw), lambda: tv.roi_align(x, rois, **kw), None, rounds)]


def batchnorm_case(rounds: int) -> list[Row]:
    ours_cls = _lazy("cvbook.nn", "BatchNorm2d")
    setting = "(32, 64, 28, 28), training, forward + backward"
    if ours_cls is None:
        return [Row("BatchNorm2d vs torch.nn.BatchNorm2d", setting, "", "", "", "≤ 1.5×", "not available")]
    g = torch.Generator().manual_seed(3)
    x = torch.randn(32, 64, 28, 28, generator=g, requires_grad=True)
    dy = torch.randn(32, 64, 28, 28, generator=g)
    ours, ref = ours_cls(64), torch.nn.BatchNorm2d(64)

    def step(layer):
        def run():
            x.grad = None
            layer.zero_grad(set_to_none=True)
            layer(x).backward(dy)
        return run

    return [_ratio_row("BatchNorm2d vs torch.nn.BatchNorm2d", setting, step(ours), step(ref), 1.5, rounds)]


def _optimizer_case(name: str, ours_name: str, torch_cls, kwargs: dict, rounds: int) -> Row:
    ours_cls = _lazy("cvbook.optim", ours_name)
    setting = "20 tensors of 256×256, " + ", ".join(f"{k}={v}" for k, v in kwargs.items())
    if ours_cls is None:
        return Row(name, setting, "", "", "", "≤ 1.3×", "not available")
    g = torch.Generator().manual_seed(4)

    def params():
        ps = [torch.nn.Parameter(torch.randn(256, 256, generator=g)) for _ in range(20)]
        for p in ps:
            p.grad = torch.randn(256, 256, generator=g) * 1e-3
        return ps

    # torch's default implementation on a CPU is the for-each one; ours is a per-parameter loop
    ours, ref = ours_cls(params(), **kwargs), torch_cls(params(), **kwargs)
    return _ratio_row(name, setting, ours.step, ref.step, 1.3, rounds)


def optim_cases(rounds: int) -> list[Row]:
    return [
        _optimizer_case("Adam step vs torch.optim.Adam", "Adam", torch.optim.Adam, {"lr": 1e-3}, rounds),
        _optimizer_case("SGD-momentum step vs torch.optim.SGD", "SGD", torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}, rounds),
    ]


def fit_case(rounds: int) -> list[Row]:
    import torch.nn.functional as F
    from torch import nn

    fit = _lazy("cvbook.train", "fit")
    setting = "small CNN, 16 batches of 64 × (3, 32, 32) per epoch, SGD, CPU"
    if fit is None:
        return [Row("fit loop overhead vs a bare PyTorch loop", setting, "", "", "", "≤ 5 %", "not available")]
    g = torch.Generator().manual_seed(5)
    batches = [(torch.randn(64, 3, 32, 32, generator=g), torch.randint(10, (64,), generator=g)) for _ in range(16)]
    torch.manual_seed(0)  # the benchmark's own process; the book's code never seeds the global RNG
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def bare():
        model.train()
        for x, y in batches:
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

    rows = []
    for metrics, label in ((("accuracy",), "fit(..., metrics=('accuracy',))"), ((), "fit(..., metrics=())")):
        def ours(metrics=metrics):
            fit(model, batches, epochs=1, optimizer=opt, device="cpu", progress=False, metrics=metrics)

        c = compare(ours, bare, rounds=max(5, rounds // 2), target_s=0.3)
        overhead = (c.ratio - 1.0) * 100
        rows.append(Row(f"fit loop overhead vs a bare PyTorch loop: {label}", setting, _ms(c.ours_s) + " / epoch",
                        _ms(c.ref_s) + " / epoch", f"{overhead:+.1f} %", "≤ 5 %", "met" if overhead <= 5 else "missed"))
    return rows


def renderer_case(rounds: int) -> list[Row]:
    shapes = importlib.import_module("cvbook.data.shapes")
    rows = []
    counter = iter(range(10**9))

    def scenes():
        shapes.render_scene(64, seed=next(counter))
        return 1

    rate = throughput(scenes, rounds=max(3, rounds // 3))
    rows.append(Row("scene renderer: render_scene", "64×64, 1-4 objects, 4× supersampling, grey", f"{rate:.0f} scenes/s", "", f"{rate:.0f} scenes/s", "", ""))

    def classification():
        shapes.make_shapes_classification(256, seed=next(counter))
        return 256

    rate = throughput(classification, rounds=max(3, rounds // 3))
    rows.append(Row("scene renderer: make_shapes_classification", "32×32 RGB, chunks of 256", f"{rate:.0f} images/s", "", f"{rate:.0f} images/s", "", ""))
    return rows


CASES: dict[str, Callable[[int], list[Row]]] = {
    "box_iou": box_iou_case,
    "nms": nms_case,
    "roi_align": roi_align_case,
    "batchnorm": batchnorm_case,
    "optim": optim_cases,
    "fit": fit_case,
    "renderer": renderer_case,
}


def book_times(root: Path | None = None) -> tuple[list[tuple[str, int, float, str]], float]:
    """Per chapter folder: (chapter, notebooks, seconds, modes and dates) from each notebook's ``metadata.cvbook``.

    Returns the rows and the total. Notebooks without a stamp are counted as missing, not as zero.
    """
    base = (root or REPO) / "notebooks"
    per: dict[str, list] = defaultdict(lambda: [0, 0.0, set(), 0])
    for path in sorted(base.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        with open(path, encoding="utf-8") as f:
            stamp = (json.load(f).get("metadata") or {}).get("cvbook") or {}
        entry = per[path.parent.name]
        if "seconds" in stamp:
            entry[0] += 1
            entry[1] += float(stamp["seconds"])
            entry[2].add(f"{stamp.get('mode', '?')} on {stamp.get('device', '?')}, {stamp.get('date', '?')}")
        else:
            entry[3] += 1
    rows = []
    for chapter, (n, seconds, info, missing) in sorted(per.items()):
        note = "; ".join(sorted(info))
        if missing:
            note += f"; {missing} notebook(s) without a stamp"
        rows.append((chapter, n, seconds, note))
    return rows, sum(r[2] for r in rows)
